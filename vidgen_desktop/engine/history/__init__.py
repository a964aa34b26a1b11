"""History and queue: one SQLite database in the data folder (see ``docs/architecture.md``, "History and queue")."""

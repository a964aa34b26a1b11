"""The desktop window (PySide6 widgets). Entry point: :func:`vidgen_desktop.ui.app.run_gui`.

Widgets only: files are read through the bridge's background tasks, renders run on the
bridge's worker thread, and no ML library is imported here.
"""

"""Shared fixtures for the Qt layers (bridge, ui). Nothing here is autouse: tests/ui and
tests/bridge opt in from their own conftest, so engine/core tests never touch Qt."""

from __future__ import annotations

import os

# Before any QApplication exists (pytest-qt creates it lazily): no screen on CI machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

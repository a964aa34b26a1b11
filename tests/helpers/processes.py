"""Waiting for real processes in tests."""

from __future__ import annotations

import time

import psutil


def process_gone(pid: int, timeout: float = 5.0) -> bool:
    """True once ``pid`` no longer runs (a zombie counts as gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False

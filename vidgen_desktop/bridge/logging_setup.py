"""A log file under the app's data folder: the one place a user can send us when something breaks."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import time
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

LOG_NAME = "vidgen.log"
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_handler: logging.Handler | None = None
_log_file: Path | None = None


def setup_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """Log to ``logs_dir/vidgen.log`` (rotated at 2 MB, 3 kept) and route Qt's messages there too.

    Returns the log file, or ``None`` when the folder cannot be written (the app still
    runs; it logs to stderr instead). Safe to call twice: the second call is a no-op.
    """
    global _handler, _log_file
    if _handler is not None:
        return _log_file
    log_file: Path | None = logs_dir / LOG_NAME
    handler: logging.Handler
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(logs_dir / LOG_NAME, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError as exc:
        print(f"VidGen: cannot write logs to {logs_dir}: {exc}", file=sys.stderr)
        handler, log_file = logging.StreamHandler(sys.stderr), None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _handler, _log_file = handler, log_file
    qInstallMessageHandler(_qt_message)
    logging.getLogger("vidgen").info("VidGen started at %s", time.strftime("%Y-%m-%d %H:%M:%S"))
    return log_file


def _qt_message(mode: QtMsgType, context: object, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.INFO), "%s", message)

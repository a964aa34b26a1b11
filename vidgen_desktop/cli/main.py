"""``vidgen-desktop``: the command-line front end. With no command it opens the window.

Exit codes: 0 success, 1 bad input or failure (one clear line; ``--debug`` for the
traceback), 2 usage, 130 cancelled.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from vidgen_desktop import __version__
from vidgen_desktop.core.errors import CancelledError, UsageError, VidGenError

EXIT_FAIL, EXIT_USAGE, EXIT_CANCELLED = 1, 2, 130

#: Subcommand modules; each has ``register(subparsers)`` and sets ``func``.
COMMANDS = ("render_cmd", "hardware_cmd", "models_cmd", "tts_cmd", "analyze_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidgen-desktop",
        description="Turn an image and an audio file into a video, on your own machine. "
                    "Run without a command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation: open the window offscreen, render the sample with Ken Burns "
                             "into a temporary folder, check the video; exit 0 when all is well")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"vidgen_desktop.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"vidgen_desktop.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    files = _files_to_open(args_list)
    if files:  # "Open with VidGen", a drop on the icon, `vidgen-desktop photo.jpg song.mp3`
        return _run_gui([], files)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.self_test:
        return int(importlib.import_module("vidgen_desktop.selftest").run())
    if args.command is None:
        return _run_gui(args_list)
    debug = bool(getattr(args, "debug", False))
    try:
        return int(args.func(args))
    except CancelledError:
        print("cancelled: nothing was written", file=sys.stderr)
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        print("\ncancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except UsageError as exc:
        if debug:
            raise
        parser.print_usage(sys.stderr)
        print(f"vidgen-desktop: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except VidGenError as exc:
        if debug:
            raise
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return EXIT_FAIL
    except Exception as exc:  # the last line of defence: a bug, still explained in one line
        if debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return EXIT_FAIL


def _files_to_open(args: list[str]) -> list[Path]:
    """Existing files given without a command (what desktops pass for "Open with"), else ``[]``."""
    if not args or args[0] in {c.removesuffix("_cmd") for c in COMMANDS} or any(a.startswith("-") for a in args):
        return []
    paths = [Path(a).expanduser() for a in args]
    return paths if all(p.is_file() for p in paths) else []


def _run_gui(argv: list[str], files: Sequence[Path] = ()) -> int:
    try:
        gui = importlib.import_module("vidgen_desktop.ui.app")
    except ImportError as exc:
        print(f"error: the window cannot open ({exc}); the command line still works: vidgen-desktop --help",
              file=sys.stderr)
        return EXIT_FAIL
    return int(gui.run_gui(argv, files=files))


if __name__ == "__main__":
    sys.exit(main())

"""What the command modules share: the voice engine names and the progress printer."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from vidgen_desktop.core.formatting import clock
from vidgen_desktop.core.progress import ProgressEvent

#: The voice engines a command can ask for (``tts --engine``, ``render --voice-engine``).
ENGINES = ("auto", "system", "bark", "xtts")


class ProgressPrinter:
    """One live line on stderr (rewritten in place on a terminal), or JSON lines on stdout."""

    def __init__(self, as_json: bool, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.as_json = as_json
        # Looked up per instance, not bound at import (tests and embedders swap the streams).
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self.tty = self.err.isatty()
        self._last_len = 0
        self._last_plain = ""

    def __call__(self, ev: ProgressEvent) -> None:
        if self.as_json:
            self.out.write(json.dumps({"event": "progress", **ev.to_json_dict()}) + "\n")
            self.out.flush()
            return
        if ev.stage == "render" and "clips" in ev.extra:
            where = ev.message or f"clip {ev.extra.get('clip')}/{ev.extra.get('clips')}"
            line = (f"rendering  {ev.fraction * 100:5.1f}%  {where}  "
                    f"elapsed {clock(ev.elapsed_s)}  ETA {clock(ev.eta_s)}")
        elif ev.stage == "render":
            line = (f"rendering  {ev.fraction * 100:5.1f}%  frame {ev.done}/{ev.total}  "
                    f"elapsed {clock(ev.elapsed_s)}  ETA {clock(ev.eta_s)}")
        else:
            line = f"{ev.stage:<10} {ev.message}"
        if self.tty:
            pad = max(0, self._last_len - len(line))
            self.err.write("\r" + line + " " * pad)
            self._last_len = len(line)
        else:
            # Not a terminal (a log file): one line per stage or per 10 %, not hundreds.
            key = f"{ev.stage}:{int(ev.fraction * 10)}"
            if key == self._last_plain:
                return
            self._last_plain = key
            self.err.write(line + "\n")
        self.err.flush()

    def close(self) -> None:
        if self.tty and self._last_len:
            self.err.write("\n")
            self.err.flush()

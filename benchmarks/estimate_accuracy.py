"""How good the history-learnt estimate is: estimate each render before it runs, then compare.

Run: ``OMP_NUM_THREADS=1 python benchmarks/estimate_accuracy.py [--renders 16] [--seed 1]``

Ken Burns renders of varied durations (1-12 s of sound) and sizes (320x180 to 854x480, 30 fps),
in a shuffled order, into a fresh history. Before each render the estimate is asked
(:func:`engine.history.estimate.estimate_for_job`: built-in model until the history has a
render, then learnt); after it, the error is ``|estimate - actual| / actual``. Reported: the
median absolute percentage error of the learnt estimates (after 3 renders) and of the
built-in model on the same renders.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--renders", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDGEN_HOME"] = str(Path(tmp) / "home")
        from tests.media_factory import textured_image, tone
        from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
        from vidgen_desktop.engine.history import estimate as est
        from vidgen_desktop.engine.history.db import open_db
        from vidgen_desktop.engine.history.tracked import tracked_render

        work = Path(tmp)
        image = textured_image(work / "photo.png", (1600, 1200))
        rng = random.Random(args.seed)
        sizes = ("320x180", "640x360", "854x480")
        rows = []
        with open_db() as db:
            for i in range(args.renders):
                seconds, size = rng.choice((1, 2, 3, 5, 8, 12)), rng.choice(sizes)
                audio = work / f"a{seconds}.wav"
                if not audio.exists():
                    tone(audio, float(seconds))
                job = RenderJob(image, audio, work / f"v{i}.mp4", Tier.KENBURNS, Resolution.parse(size), 30.0)
                guess = est.estimate_for_job(job, db=db)
                w, h = Resolution.parse(size).frame_size((16, 9))
                model = est.estimate_seconds(None, "kenburns", width=w, height=h, frames=seconds * 30, fps=30.0)
                t0 = time.monotonic()
                tracked_render(job, db=db)
                actual = time.monotonic() - t0
                rows.append({"i": i, "size": size, "seconds": seconds, "actual_s": round(actual, 2),
                             "estimate_s": round(guess.seconds, 2), "source": guess.source,
                             "samples": guess.samples, "model_s": round(model.seconds, 2),
                             "error_pct": round(abs(guess.seconds - actual) / actual * 100, 1),
                             "model_error_pct": round(abs(model.seconds - actual) / actual * 100, 1)})
    learnt = [r["error_pct"] for r in rows if r["source"] == "history" and r["samples"] >= 3]
    report = {"renders": rows,
              "median_abs_pct_error_learnt": round(statistics.median(learnt), 1) if learnt else None,
              "learnt_estimates": len(learnt),
              "median_abs_pct_error_builtin_model": round(statistics.median(r["model_error_pct"] for r in rows), 1)}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

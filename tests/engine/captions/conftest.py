"""Caption test helpers: the scripts every install must draw, and a font search with a Latin-only font."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from vidgen_desktop.engine.canvas import rgb_to_yuv420
from vidgen_desktop.engine.captions.fonts import FontSearch, covers, default_search, plan_fonts

#: One sentence per script the captions must cover (issue: Latin, Cyrillic, Greek, CJK, Arabic, Hebrew, Devanagari).
SCRIPTS = {
    "latin": "The quick brown fox, ünïcödé.",
    "cyrillic": "Съешь же ещё этих мягких булок.",
    "greek": "Γειά σου, Κόσμε· καλημέρα.",
    "chinese": "今天天气很好，我们去公园散步吧。",
    "japanese": "こんにちは、世界。カタカナも。",
    "korean": "안녕하세요, 세계. 좋은 아침입니다.",
    "arabic": "مرحبا بالعالم، هذا نص عربي.",
    "hebrew": "שלום עולם, זה טקסט בעברית.",
    "devanagari": "नमस्ते दुनिया, यह हिंदी है।",
}


def luma_frame(w: int, h: int, level: int) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8],
                                                      npt.NDArray[np.uint8]]:
    yuv = rgb_to_yuv420(np.full((h, w, 3), level, np.uint8))
    return yuv.y.copy(), yuv.u.copy(), yuv.v.copy()


@pytest.fixture(scope="session")
def latin_only_font() -> Path:
    """An installed font with Latin letters but no CJK or Devanagari (DejaVu Sans on Linux, Arial elsewhere)."""
    plan = plan_fonts("Latin", default_search())
    candidates = [*plan.fonts, *default_search().files]
    for path in candidates:
        if covers(path, "A") and not covers(path, "你") and not covers(path, "न"):
            return Path(path)
    pytest.fail("no Latin-only font installed (Debian/Ubuntu: sudo apt install fonts-dejavu-core)")


@pytest.fixture
def latin_only(tmp_path: Path, latin_only_font: Path) -> FontSearch:
    """A font search path holding only that font: what a machine without script fonts has."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(latin_only_font, folder / latin_only_font.name)
    return FontSearch(folders=(folder,))

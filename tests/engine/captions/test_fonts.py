"""Caption fonts are found by what they cover; what no font covers is reported with what to install."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.engine.captions.conftest import SCRIPTS
from vidgen_desktop.core.paths import resources_dir
from vidgen_desktop.engine.captions import caption_font_problem
from vidgen_desktop.engine.captions.fonts import ENV_FONT, FontSearch, covers, default_search, plan_fonts


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_script_gets_fonts_with_all_its_glyphs(script: str) -> None:
    text = SCRIPTS[script]
    assert caption_font_problem(text) is None
    plan = plan_fonts(text, default_search())
    assert plan.fonts and not plan.missing
    for c in text.replace(" ", ""):
        assert covers(plan.fonts[plan.font_for(c)], c), (script, c, plan.fonts)


def test_coverage_is_checked_per_character(latin_only_font: Path) -> None:
    cjk = plan_fonts("你好", default_search()).fonts[0]
    assert covers(str(latin_only_font), "A") and not covers(str(latin_only_font), "你")
    assert covers(cjk, "你") and covers(cjk, "好")
    # A CJK cue with one Latin word still gets one font when that font has both.
    assert plan_fonts("你好 Hello", default_search()).fonts == (cjk,)


def test_text_no_single_font_covers_gets_a_font_per_script() -> None:
    text = "नमस्ते Google, 你好"
    plan = plan_fonts(text, default_search())
    assert not plan.missing and len(plan.fonts) >= 2
    assert plan.font_for("न") != plan.font_for("你")
    assert all(covers(plan.fonts[plan.font_for(c)], c) for c in text.replace(" ", ""))


def test_missing_glyphs_are_reported_with_what_to_install(latin_only: FontSearch) -> None:
    assert caption_font_problem("Plain Latin text.", search=latin_only) is None
    msg = caption_font_problem("Hello 你好世界", search=latin_only)
    assert msg is not None
    assert "Chinese/Japanese/Korean" in msg and "你好世界" in msg and "Hello" not in msg
    assert "Install Noto Sans CJK" in msg and ENV_FONT in msg
    if sys.platform.startswith("linux"):
        assert "sudo apt install fonts-noto-cjk" in msg
    both = caption_font_problem("नमस्ते 你好", search=latin_only)
    assert both is not None and "Noto Sans Devanagari" in both and "Noto Sans CJK" in both
    # The glyphs really are missing there: that font would draw boxes.
    assert plan_fonts("你好", latin_only).missing == "你好"


def test_a_font_folder_covers_what_the_system_lacks(latin_only: FontSearch, latin_only_font: Path,
                                                    tmp_path: Path) -> None:
    """A bundled font (``resources/fonts`` in the app) fills the gap, found by coverage, not by name."""
    cjk = Path(plan_fonts("你好", default_search()).fonts[0])
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    shutil.copy(cjk, bundled / "SomeName.ttc")
    search = FontSearch(folders=(*latin_only.folders, bundled))
    assert caption_font_problem("Hello 你好", search=search) is None
    assert plan_fonts("Hello", search).fonts == (str(latin_only.folders[0] / latin_only_font.name),)
    assert plan_fonts("你好", search).fonts == (str(bundled / "SomeName.ttc"),)


def test_default_search_order(monkeypatch: pytest.MonkeyPatch, latin_only_font: Path) -> None:
    monkeypatch.setenv(ENV_FONT, str(latin_only_font))
    search = default_search("/fonts/preferred.ttf")
    assert search.files[:2] == ("/fonts/preferred.ttf", str(latin_only_font))
    assert search.folders[0] == resources_dir() / "fonts"
    assert search.fontconfig == (shutil.which("fc-list") is not None)


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is the Linux/BSD font index")
def test_fontconfig_finds_fonts_no_list_names() -> None:
    plan = plan_fonts("สวัสดีชาวโลก", FontSearch(fontconfig=True))  # Thai: in no list of known fonts
    assert plan.fonts and not plan.missing
    assert "Thai" in Path(plan.fonts[0]).name

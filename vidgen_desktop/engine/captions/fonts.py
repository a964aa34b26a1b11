"""Fonts for burned-in captions, found by what they cover so every script gets real glyphs.

Fonts are tried in order: the one the caller names, ``$VIDGEN_CAPTION_FONT``, the
platform's usual bold sans fonts, ``resources/fonts`` (fonts a bundle ships), then any
installed font that has the characters (fontconfig's index where there is one, else a
scan of the system's font folders). Coverage is checked character by character against
the font's own missing-glyph (.notdef) drawing, never guessed from a script's name. A
cue one font cannot cover (Hindi with an English word) gets more fonts: a
:class:`FontPlan` lists them, the primary first. What no font here has is reported by
:func:`caption_font_problem` before a render starts, with what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from vidgen_desktop.core.errors import RenderError
from vidgen_desktop.core.paths import resources_dir

ENV_FONT = "VIDGEN_CAPTION_FONT"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
#: A code point no font maps (plane 16 private use): how a font draws a missing glyph.
_NOT_A_CHAR = "\U0010fffd"

Font = ImageFont.FreeTypeFont

_KNOWN_FONTS: dict[str, tuple[str, ...]] = {
    # Script fonts without Latin letters come first: Latin text passes them by, Arabic gets its own design.
    "linux": tuple(f"/usr/share/fonts/{p}" for p in (
        "truetype/noto/NotoSansArabic-Bold.ttf", "noto/NotoSansArabic-Bold.ttf",
        "truetype/noto/NotoSansHebrew-Bold.ttf", "noto/NotoSansHebrew-Bold.ttf",
        "truetype/noto/NotoSansDevanagari-Bold.ttf", "noto/NotoSansDevanagari-Bold.ttf",
        "truetype/dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu-sans-fonts/DejaVuSans-Bold.ttf",
        "truetype/noto/NotoSans-Bold.ttf", "noto/NotoSans-Bold.ttf",
        "truetype/liberation/LiberationSans-Bold.ttf",
        "opentype/noto/NotoSansCJK-Bold.ttc", "noto-cjk/NotoSansCJK-Bold.ttc", "google-noto-cjk/NotoSansCJK-Bold.ttc",
        "truetype/droid/DroidSansFallbackFull.ttf", "truetype/wqy/wqy-zenhei.ttc",
    )),
    "win32": tuple(os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts", n) for n in (
        "segoeuib.ttf", "arialbd.ttf", "msyhbd.ttc", "YuGothB.ttc", "malgunbd.ttf", "NirmalaB.ttf", "Nirmala.ttc",
        "Nirmala.ttf", "arialuni.ttf",
    )),
    "darwin": (
        "/System/Library/Fonts/Supplemental/Arial Bold.ttf", "/Library/Fonts/Arial Bold.ttf",
        "/System/Library/Fonts/Helvetica.ttc", "/System/Library/Fonts/PingFang.ttc",
        "/System/Library/Fonts/Hiragino Sans GB.ttc", "/System/Library/Fonts/AppleSDGothicNeo.ttc",
        "/System/Library/Fonts/GeezaPro.ttc", "/System/Library/Fonts/ArialHB.ttc", "/System/Library/Fonts/Kohinoor.ttc",
        "/System/Library/Fonts/Supplemental/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf",
    ),
}


def _platform_key() -> str:
    return "win32" if sys.platform == "win32" else "darwin" if sys.platform == "darwin" else "linux"


def _system_font_folders() -> tuple[Path, ...]:
    home = Path.home()
    if _platform_key() == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
                *((Path(local) / "Microsoft" / "Windows" / "Fonts",) if local else ()))
    if _platform_key() == "darwin":
        return Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"
    return (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
            home / ".fonts")


@dataclass(frozen=True)
class FontSearch:
    """Where caption fonts are looked for: ``files`` in order, then every font in ``folders``
    (bold sans first), then fontconfig's list of fonts holding the characters."""

    files: tuple[str, ...] = ()
    folders: tuple[Path, ...] = ()
    fontconfig: bool = False


def default_search(preferred: str | None = None) -> FontSearch:
    """The caller's font, ``$VIDGEN_CAPTION_FONT``, the platform's usual fonts, bundled fonts, then the system's."""
    files = [p for p in (preferred, os.environ.get(ENV_FONT)) if p]
    files += [p for p in _KNOWN_FONTS[_platform_key()] if os.path.isfile(p)]
    has_fc = shutil.which("fc-list") is not None
    folders = (resources_dir() / "fonts", *(() if has_fc else _system_font_folders()))
    return FontSearch(tuple(files), folders, fontconfig=has_fc)


def _rank(path: str) -> tuple[int, ...]:
    """Bold upright sans first: captions read best that way."""
    name = Path(path).stem.lower()
    return (int("italic" in name or "oblique" in name), int("bold" not in name), int("sans" not in name),
            int("serif" in name), int("mono" in name),
            int(any(w in name for w in ("light", "thin", "condensed", "narrow"))))


@lru_cache(maxsize=32)
def _folder_fonts(folder: Path) -> tuple[str, ...]:
    found: list[str] = []
    for root, _dirs, names in os.walk(folder):
        found += [os.path.join(root, n) for n in names if n.lower().endswith(FONT_SUFFIXES)]
    return tuple(sorted(found, key=lambda p: (_rank(p), p)))


@lru_cache(maxsize=256)
def _fc_fonts(chars: str) -> tuple[str, ...]:
    """Font files fontconfig knows that hold every one of ``chars``."""
    exe = shutil.which("fc-list")
    if not exe or not chars:
        return ()
    pattern = ":scalable=true:charset=" + " ".join(f"{ord(c):x}" for c in chars)
    try:
        out = subprocess.run([exe, pattern, "-f", "%{file}\n"], capture_output=True, timeout=20,
                             check=False).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return ()
    files = {ln.strip() for ln in out.splitlines() if ln.strip().lower().endswith(FONT_SUFFIXES)}
    return tuple(sorted(files, key=lambda p: (_rank(p), p)))


def _candidates(search: FontSearch, chars: str) -> Iterator[str]:
    """Fonts to try for ``chars``, best first; fontconfig is asked only when the others are used up."""
    seen: set[str] = set()

    def fresh(paths: Iterable[str]) -> Iterator[str]:
        for path in paths:
            if path not in seen:
                seen.add(path)
                yield path

    yield from fresh(search.files)
    for folder in search.folders:
        yield from fresh(_folder_fonts(folder))
    if search.fontconfig:
        yield from fresh(_fc_fonts(chars[:64]))


# ---------------------------------------------------------------------------------------------- coverage


@lru_cache(maxsize=128)
def _probe_font(path: str) -> tuple[Font, bytes] | None:
    """The font at a fixed size with plain layout (one glyph per character), and its .notdef drawing."""
    try:
        font = ImageFont.truetype(path, 24, layout_engine=ImageFont.Layout.BASIC)
        return font, _mask(font, _NOT_A_CHAR)
    except (OSError, ValueError):
        return None


def _mask(font: Font, text: str) -> bytes:
    m = font.getmask(text)
    return f"{m.size}".encode() + bytes(m)


@lru_cache(maxsize=65536)
def covers(path: str, ch: str) -> bool:
    """Does the font at ``path`` have a glyph for ``ch``? (Its drawing differs from the missing-glyph box.)"""
    probe = _probe_font(path)
    if probe is None:
        return False
    font, notdef = probe
    try:
        return _mask(font, ch) != notdef
    except (OSError, ValueError):
        return False


def needed_chars(text: str) -> str:
    """The characters of ``text`` a font must draw, once each, in order (no spaces or invisible controls)."""
    out = dict.fromkeys(c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "CZ")
    return "".join(out)


@dataclass(frozen=True)
class FontPlan:
    """The fonts one text needs, the primary first (empty: Pillow's built-in font), and what none has."""

    fonts: tuple[str, ...]
    missing: str = ""

    def font_for(self, ch: str) -> int:
        """Index in :attr:`fonts` of the first font with ``ch`` (the primary when none has it)."""
        for i, path in enumerate(self.fonts):
            if covers(path, ch):
                return i
        return 0


def _first_covering(chars: str, search: FontSearch) -> str | None:
    """A font with all of ``chars``; failing that, the first font with ``chars[0]``."""
    for path in _candidates(search, chars):
        if all(covers(path, c) for c in chars):
            return path
    return next((p for p in _candidates(search, chars[0]) if covers(p, chars[0])), None)


@lru_cache(maxsize=512)
def plan_fonts(text: str, search: FontSearch) -> FontPlan:
    """The fonts to draw ``text`` with: one when a font has every character, more when not."""
    remaining = needed_chars(text)
    fonts: list[str] = []
    missing = ""
    while remaining:
        path = _first_covering(remaining, search)
        if path is None:
            missing += remaining[0]
            remaining = remaining[1:]
            continue
        fonts.append(path)
        remaining = "".join(c for c in remaining if not covers(path, c))
    if not fonts:
        first = next(_candidates(search, ""), None)
        fonts = [first] if first else []
    return FontPlan(tuple(fonts), missing)


# ---------------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def shaping_available() -> bool:
    """True when Pillow has raqm: Arabic joins, Indic clusters form and right-to-left text runs right to left."""
    return bool(features.check("raqm"))


@lru_cache(maxsize=128)
def load_font(path: str, size: int) -> Font:
    """The font to draw with: complex-script shaping and bidi where Pillow has raqm."""
    engine = ImageFont.Layout.RAQM if shaping_available() else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=engine)


def builtin_font(size: int) -> Font:
    """Pillow's own font (Latin only), when the system has no font at all."""
    font = ImageFont.load_default(size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise RenderError("captions cannot be drawn: this Pillow was built without FreeType",
                          hint="install Pillow from PyPI (its wheels include FreeType)")
    return font


# ---------------------------------------------------------------------------------------------- advice


#: Script (first word of the Unicode name) -> (how to call it, font to install, Debian/Ubuntu, Fedora package).
_ADVICE: dict[str, tuple[str, str, str, str]] = {
    "CJK": ("Chinese/Japanese/Korean", "Noto Sans CJK", "fonts-noto-cjk", "google-noto-sans-cjk-fonts"),
    "ARABIC": ("Arabic", "Noto Sans Arabic", "fonts-noto-core", "google-noto-sans-arabic-fonts"),
    "HEBREW": ("Hebrew", "Noto Sans Hebrew", "fonts-noto-core", "google-noto-sans-hebrew-fonts"),
    "DEVANAGARI": ("Devanagari", "Noto Sans Devanagari", "fonts-noto-core", "google-noto-sans-devanagari-fonts"),
    "LATIN": ("Latin", "Noto Sans", "fonts-noto-core", "google-noto-sans-fonts"),
    "SYMBOL": ("symbol", "Noto Sans Symbols 2", "fonts-noto-core", "google-noto-sans-symbols-2-fonts"),
    "EMOJI": ("emoji", "Symbola", "fonts-symbola", "gdouros-symbola-fonts"),
}
_CJK_WORDS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH", "HALFWIDTH",
              "KANGXI")
_SAME_AS_LATIN = ("GREEK", "CYRILLIC")


def _script(ch: str) -> str:
    word = unicodedata.name(ch, "").split(" ", 1)[0]
    if word in _CJK_WORDS:
        return "CJK"
    if unicodedata.category(ch)[0] not in "LMN":
        return "EMOJI" if ord(ch) >= 0x1F000 else "SYMBOL"
    return word or "SYMBOL"


def _advice(script: str) -> tuple[str, str, str, str]:
    if script in _ADVICE:
        return _ADVICE[script]
    name = script.title()
    if script in _SAME_AS_LATIN:
        return name, "Noto Sans", "fonts-noto-core", "google-noto-sans-fonts"
    return name, f"Noto Sans {name}", "fonts-noto-core", f"google-noto-sans-{script.lower()}-fonts"


def caption_font_problem(text: str, *, font_path: str | None = None, search: FontSearch | None = None) -> str | None:
    """What to tell the user before a render when no installed font has some of ``text``'s
    characters (they would be drawn as empty boxes); None when every character has a font."""
    missing = plan_fonts(text, search or default_search(font_path)).missing
    if not missing:
        return None
    scripts = list(dict.fromkeys(_script(c) for c in missing))
    advice = [_advice(s) for s in scripts]
    what = " and ".join(dict.fromkeys(a[0] for a in advice))
    sample = missing[:8] + ("…" if len(missing) > 8 else "")
    fonts = list(dict.fromkeys(a[1] for a in advice))
    if _platform_key() == "linux":
        debs = " ".join(dict.fromkeys(a[2] for a in advice))
        rpms = " ".join(dict.fromkeys(a[3] for a in advice))
        how = f" (Debian/Ubuntu: sudo apt install {debs}; Fedora: sudo dnf install {rpms})"
    else:
        how = " (free from fonts.google.com/noto)"
    return (f"Burned captions: no installed font has the {what} characters of this text ({sample}), so they would "
            f"show as empty boxes. Install {' and '.join(fonts)}{how}, or set {ENV_FONT} to a font file that has "
            f"them.")

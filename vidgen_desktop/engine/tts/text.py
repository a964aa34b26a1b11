"""Script text → sentences → chunks a voice engine can speak in one go.

Sentence splitting is rule based (no model, no download) and works for scripts
written in Latin, Cyrillic, Greek, CJK, Arabic and Indic scripts:

* ``. ! ? … ‽`` end a sentence when followed by space and something that can begin
  one (a capital, a digit, a quote; any letter in scripts without case); closing
  quotes and brackets stay with the sentence they close;
* ``。！？`` (CJK), ``؟ ۔`` (Arabic, Urdu), ``। ॥`` (Devanagari) end a sentence with
  or without a following space;
* abbreviations ("Dr.", "e.g.", "z.B.", "Mme."), initials ("J. R. R."), decimals
  ("3.14"), German/Scandinavian ordinals ("3. Oktober") and lower-case continuations
  ("etc. and so on") do not;
* every line break ends a sentence (scripts are often one line per sentence or a
  list); a blank line ends a paragraph, which gets a longer pause.

Sentences longer than the engine's limit are cut at clause punctuation, then at
spaces, then (for scripts written without spaces) anywhere, into :class:`Chunk` s.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vidgen_desktop.core.errors import InputError

#: Pause after a chunk (seconds), by how it ends.
PAUSE_CLAUSE = 0.18
PAUSE_SENTENCE = 0.38
PAUSE_QUESTION = 0.45
PAUSE_ELLIPSIS = 0.55
PAUSE_LINE = 0.45
PAUSE_PARAGRAPH = 0.8

_CLOSERS = "\"'”’»›」』）)]}〉》】"
_OPENERS = "\"'“‘«‹「『（([{〈《【¿¡"
#: End a sentence only before space + a plausible sentence start.
_SPACED_ENDS = ".!?…‽"
#: End a sentence wherever they are (scripts that do not put spaces after them).
_UNSPACED_ENDS = "。！？｡．؟۔।॥։።"
_END_RE = re.compile(rf"[{re.escape(_SPACED_ENDS + _UNSPACED_ENDS)}]+[{re.escape(_CLOSERS)}]*")
#: Where a too-long sentence may be cut, best first.
_CLAUSE_RE = re.compile(r"[,;:—–、，；：](?:[\"'”’»」』）)\]]*)\s*|\s+[-–—]\s+")

#: Lower-cased abbreviations (without the final dot) that never end a sentence, by language.
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset("mr mrs ms dr prof sr jr st vs etc e.g i.e inc ltd co corp no nos fig figs approx dept "
                    "est mt ave blvd rd gen col lt sgt capt cmdr rev hon jan feb mar apr jun jul aug sep sept "
                    "oct nov dec cf al vol vols ed eds ch pp p op ca a.m p.m u.s u.k".split()),
    "de": frozenset("dr prof hr fr nr str bzw usw z.b d.h u.a evtl ggf ca vgl inkl sog bspw s.o s.u u.ä z.t "
                    "o.ä jan feb märz apr jun jul aug sep sept okt nov dez st abs ff".split()),
    "fr": frozenset("m mm mme mmes mlle mlles dr pr me st ste av bd etc p.ex c.-à-d cf env vol chap".split()),
    "es": frozenset("sr sra srta sres dr dra d dña ud uds etc p.ej pág núm no av avda gral lic ing".split()),
    "it": frozenset("sig sigg dott dr prof ing avv ecc p.es es pag n".split()),
    "pt": frozenset("sr sra srta dr dra prof etc p.ex pág n av exmo".split()),
    "nl": frozenset("dhr mevr mw dr prof bijv enz o.a d.w.z m.b.t nr blz ca".split()),
    "pl": frozenset("np tzn itd itp dr prof mgr inż ul nr godz tys mln św".split()),
    "ru": frozenset("т.е т.д т.п г гг ул д стр см др проф им".split()),
    "cs": frozenset("např tj atd apod dr prof ing mgr ul č str".split()),
    "tr": frozenset("dr prof doç vb vs örn bkz".split()),
    "hu": frozenset("dr prof pl stb ún kb ill".split()),
}
#: Languages where "3. Oktober" is an ordinal, not a sentence end.
_ORDINAL_LANGS = frozenset({"de", "da", "no", "nb", "nn", "fi", "is", "cs", "sk", "sl", "hr", "sr", "bs", "hu", "pl",
                            "tr", "lv", "et"})


@dataclass(frozen=True)
class Sentence:
    text: str
    #: Index of the paragraph (blank-line separated block) it belongs to.
    paragraph: int
    #: How the sentence ends: "." "?" "!" "…" or "" (line break without punctuation).
    end: str
    #: Last sentence of its paragraph.
    paragraph_end: bool = False
    #: Ends its line in the script (the script breaks the line after it).
    line_end: bool = False


@dataclass(frozen=True)
class Chunk:
    """One call to a voice engine."""

    text: str
    #: Index of the sentence this chunk is (part of).
    sentence: int
    #: Seconds of silence to put after it.
    pause_after: float
    #: Last chunk of its sentence.
    sentence_end: bool = True


def base_language(code: str | None) -> str:
    """"en-US" → "en", "zh-cn" → "zh", None → ""."""
    if not code:
        return ""
    return re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]


def normalize_script(text: str) -> str:
    """NFC, unified line breaks, no control characters, no trailing spaces per line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\ufeff", "")
    text = "".join(c if c in "\n\t" or unicodedata.category(c)[0] != "C" else " " for c in text)
    return "\n".join(re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n")).strip()


def has_speech(text: str) -> bool:
    """True when the text has at least one letter or digit (punctuation alone is not speech)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _is_cased(c: str) -> bool:
    return c.lower() != c.upper()


def _spaced_end(text: str, last_punct: int, after: int, lang: str, *, dots_only: bool) -> bool:
    """Does the '.'/'!'/'?'/'…' ending at ``last_punct`` (closers up to ``after``) end a sentence?"""
    rest = text[after:]
    if not rest.strip():
        return True
    if not rest[:1].isspace():
        return False  # 3.14, example.com, "Yahoo!Mail"
    nxt = rest.lstrip()[:1]
    if _is_cased(nxt) and nxt.islower():
        return False  # "e.g. this", "etc. and", "“Really?” she asked", "… and then"
    if not dots_only:
        return True
    m = re.search(r"([\w.\-]+)\.+$", text[:last_punct + 1])
    token = m.group(1) if m else ""
    low = token.lower().rstrip(".")
    if not low or text[last_punct - 1:last_punct + 1] == "..":
        return True  # "Wait... Then" (an ellipsis before a capital)
    if len(low) == 1 and low.isalpha():
        return False  # initials: "J. R. R. Tolkien", "M. Dupont"
    if low in _ABBREVIATIONS.get(lang, _ABBREVIATIONS["en"]):
        return False
    if lang in _ORDINAL_LANGS and low.isdigit() and len(low) <= 2:
        return False  # "am 3. Oktober"
    return not re.fullmatch(r"(?:\w\.)+\w", low)  # "u.s.a", "z.b", "p.m" are abbreviations


def _split_line(line: str, lang: str) -> list[tuple[str, str]]:
    """Split one line into (sentence, end-kind)."""
    out: list[tuple[str, str]] = []
    start = 0
    for m in _END_RE.finditer(line):
        punct = m.group(0).rstrip(_CLOSERS)
        end = m.end()
        if any(c in _UNSPACED_ENDS for c in punct):
            ok = True
        else:
            ok = _spaced_end(line, m.start() + len(punct) - 1, end, lang, dots_only=set(punct) <= {"."})
        if ok:
            piece = line[start:end].strip()
            if piece:
                out.append((piece, _end_kind(punct)))
            start = end
    tail = line[start:].strip()
    if tail:
        out.append((tail, ""))
    # A piece that is only punctuation or quotes belongs to the sentence before it.
    merged: list[tuple[str, str]] = []
    for piece, kind in out:
        if merged and not has_speech(piece):
            prev, _k = merged[-1]
            glue = "" if piece[:1] in _CLOSERS + _SPACED_ENDS + _UNSPACED_ENDS else " "
            merged[-1] = (prev + glue + piece, kind or _k)
        else:
            merged.append((piece, kind))
    return merged


def _end_kind(punct: str) -> str:
    if "?" in punct or "？" in punct or "؟" in punct or "‽" in punct:
        return "?"
    if "!" in punct or "！" in punct:
        return "!"
    if "…" in punct or ".." in punct:
        return "…"
    return "."


def split_sentences(text: str, language: str | None = None) -> list[Sentence]:
    """The script's sentences in order, with paragraph structure. Empty list for a blank script."""
    lang = base_language(language)
    norm = normalize_script(text)
    sentences: list[Sentence] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", norm) if p.strip()]
    for pi, para in enumerate(paragraphs):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        first_of_para = len(sentences)
        for line in lines:
            pieces = _split_line(line, lang)
            for k, (piece, kind) in enumerate(pieces):
                sentences.append(Sentence(piece, pi, kind, line_end=k == len(pieces) - 1))
        if len(sentences) > first_of_para:
            last = sentences[-1]
            sentences[-1] = Sentence(last.text, last.paragraph, last.end, True, True)
    # Drop sentences with nothing to say ("***", "—"), keeping paragraph marks on the one before.
    kept: list[Sentence] = []
    for s in sentences:
        if has_speech(s.text):
            kept.append(s)
        elif kept and s.paragraph_end:
            prev = kept[-1]
            kept[-1] = Sentence(prev.text, prev.paragraph, prev.end, True, True)
    return kept


def _cut_long(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters: at clauses, then spaces, then anywhere."""
    if len(text) <= limit:
        return [text]
    # Best clause break in the allowed window, not too close to the start.
    best = -1
    for m in _CLAUSE_RE.finditer(text):
        if limit * 0.3 <= m.end() <= limit:
            best = m.end()
    if best < 0:
        space = text.rfind(" ", int(limit * 0.3), limit + 1)
        best = space + 1 if space > 0 else limit
        # Never cut inside a word when a space exists further on but the word is long: hard cut is the last resort.
    head, tail = text[:best].strip(), text[best:].strip()
    if not head:
        head, tail = text[:limit], text[limit:].strip()
    return [head, *(_cut_long(tail, limit) if tail else [])]


def _pause_for(sentence: Sentence) -> float:
    if sentence.paragraph_end:
        return PAUSE_PARAGRAPH
    base = {"?": PAUSE_QUESTION, "!": PAUSE_QUESTION, "…": PAUSE_ELLIPSIS, ".": PAUSE_SENTENCE}.get(sentence.end,
                                                                                                  PAUSE_LINE)
    return max(base, PAUSE_LINE) if sentence.line_end and sentence.end == "" else base


def make_chunks(sentences: list[Sentence], max_chars: int) -> list[Chunk]:
    """One chunk per sentence; sentences over ``max_chars`` are cut into several."""
    if max_chars < 8:
        raise ValueError("max_chars must be at least 8")
    chunks: list[Chunk] = []
    for i, s in enumerate(sentences):
        parts = [p for p in _cut_long(s.text, max_chars) if has_speech(p)] or [s.text]
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            chunks.append(Chunk(part, i, _pause_for(s) if last else PAUSE_CLAUSE, last))
    return chunks


def script_chunks(text: str, language: str | None, max_chars: int) -> tuple[list[Sentence], list[Chunk]]:
    """Split a script; a script with nothing to say is an :class:`InputError`."""
    if not text or not text.strip():
        raise InputError(None, "the script is empty", hint="type the words to speak, or give a script file")
    sentences = split_sentences(text, language)
    if not sentences:
        raise InputError(None, "the script has no words to speak (only punctuation or symbols)")
    return sentences, make_chunks(sentences, max_chars)

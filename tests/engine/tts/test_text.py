"""Sentence splitting and chunking for several languages and punctuation styles."""

from __future__ import annotations

import pytest

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.tts.text import (
    PAUSE_CLAUSE,
    PAUSE_PARAGRAPH,
    PAUSE_QUESTION,
    PAUSE_SENTENCE,
    make_chunks,
    normalize_script,
    script_chunks,
    split_sentences,
)


def texts(text: str, lang: str | None = "en") -> list[str]:
    return [s.text for s in split_sentences(text, lang)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Hello world. How are you? I'm fine!", ["Hello world.", "How are you?", "I'm fine!"]),
        ("en", "Dr. Smith met Mrs. Jones at 3.14 p.m. today. Then they left.",
         ["Dr. Smith met Mrs. Jones at 3.14 p.m. today.", "Then they left."]),
        ("en", "J. R. R. Tolkien wrote it. See e.g. chapter two.", ["J. R. R. Tolkien wrote it.",
                                                                    "See e.g. chapter two."]),
        ("en", '"Is it?" she asked. "Yes." He smiled.', ['"Is it?" she asked.', '"Yes."', "He smiled."]),
        ("en", "Wait... What was that?! Nothing…", ["Wait...", "What was that?!", "Nothing…"]),
        ("en", "Visit example.com today. Version 2.0 is out.", ["Visit example.com today.", "Version 2.0 is out."]),
        ("de", "Am 3. Oktober kam er. Das ist z.B. gut. Wirklich?", ["Am 3. Oktober kam er.", "Das ist z.B. gut.",
                                                                     "Wirklich?"]),
        ("fr", "Bonjour ! Comment allez-vous ? M. Dupont est là.", ["Bonjour !", "Comment allez-vous ?",
                                                                   "M. Dupont est là."]),
        ("es", "¿Qué tal? ¡Muy bien! El Sr. García llegó.", ["¿Qué tal?", "¡Muy bien!", "El Sr. García llegó."]),
        ("ru", "Привет. Как дела? Т.е. хорошо.", ["Привет.", "Как дела?", "Т.е. хорошо."]),
        ("zh", "你好。今天天气很好！你呢？", ["你好。", "今天天气很好！", "你呢？"]),
        ("ja", "こんにちは。元気ですか？はい、元気です。", ["こんにちは。", "元気ですか？", "はい、元気です。"]),
        ("ar", "مرحبا بالعالم. كيف حالك؟ أنا بخير.", ["مرحبا بالعالم.", "كيف حالك؟", "أنا بخير."]),
        ("hi", "नमस्ते। आप कैसे हैं? मैं ठीक हूँ।", ["नमस्ते।", "आप कैसे हैं?", "मैं ठीक हूँ।"]),
        ("el", "Γεια σου. Τι κάνεις;", ["Γεια σου.", "Τι κάνεις;"]),
    ],
)
def test_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert texts(text, lang) == expected


def test_lines_and_paragraphs() -> None:
    script = "Title line\nFirst point.\n\n\nSecond paragraph. Still second.\r\nLast line"
    sents = split_sentences(script, "en")
    assert [s.text for s in sents] == ["Title line", "First point.", "Second paragraph.", "Still second.",
                                       "Last line"]
    assert [s.paragraph for s in sents] == [0, 0, 1, 1, 1]
    assert [s.paragraph_end for s in sents] == [False, True, False, False, True]


def test_symbols_only_lines_are_dropped_and_whitespace_normalised() -> None:
    assert texts("One.\n***\n— \nTwo.") == ["One.", "Two."]
    assert normalize_script("  a \t b\u00a0c \r\n\ufeffd\x07e ") == "a b c\nd e"


def test_long_sentences_are_cut_at_clauses_then_spaces() -> None:
    s = split_sentences("This is a very long sentence, which goes on and on; it has clauses: many of them, and "
                        "words without end that never stop.")
    chunks = make_chunks(s, 40)
    assert all(len(c.text) <= 40 for c in chunks)
    assert chunks[0].text == "This is a very long sentence,"
    assert [c.sentence for c in chunks] == [0] * len(chunks)
    assert all(c.pause_after == PAUSE_CLAUSE for c in chunks[:-1])
    assert chunks[-1].sentence_end and chunks[-1].pause_after == PAUSE_PARAGRAPH
    # Nothing is lost or duplicated.
    assert " ".join(c.text for c in chunks).split() == s[0].text.split()


def test_text_without_spaces_is_cut_anywhere() -> None:
    s = split_sentences("这是一个非常长的句子没有任何标点符号它会一直持续下去直到结束为止", "zh")
    chunks = make_chunks(s, 10)
    assert all(len(c.text) <= 10 for c in chunks) and "".join(c.text for c in chunks) == s[0].text


def test_pauses_follow_punctuation() -> None:
    chunks = make_chunks(split_sentences("One. Two? Three.\n\nFour."), 100)
    assert [c.pause_after for c in chunks] == [PAUSE_SENTENCE, PAUSE_QUESTION, PAUSE_PARAGRAPH, PAUSE_PARAGRAPH]


@pytest.mark.parametrize("script", ["", "   \n\t ", None])
def test_empty_script_is_a_clear_error(script: str | None) -> None:
    with pytest.raises(InputError, match="script is empty"):
        script_chunks(script or "", "en", 100)


def test_punctuation_only_script_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="no words"):
        script_chunks("... !!! ***", "en", 100)

"""Captions: timed cues, ``.srt`` files, and burned-in captions drawn onto video frames.

Cues come from the narration's sentence timings (:mod:`vidgen_desktop.engine.narration`),
a caption file or a transcription (:mod:`vidgen_desktop.engine.transcribe`, whose cues carry
their words' times): :mod:`.layout` breaks their lines, :mod:`.timing` times them,
:mod:`.srt` writes the sidecar (:mod:`.files` writes SRT, WebVTT, ASS and JSON and reads SRT
and WebVTT), and :mod:`.overlay` burns them in, drawing with :mod:`.drawing` in fonts that
:mod:`.fonts` finds by what they cover. The look (classic/karaoke/word, :mod:`.style`) places
them in the shape's :mod:`.safe_area` and lights the word being said (:mod:`.words`);
:mod:`.editing` is the window's caption editor and :mod:`.preview` draws one frame for it.
"""

from vidgen_desktop.engine.captions.ass import write_ass
from vidgen_desktop.engine.captions.cue import Cue, Word
from vidgen_desktop.engine.captions.drawing import CaptionStyle
from vidgen_desktop.engine.captions.files import read_captions, write_captions
from vidgen_desktop.engine.captions.fonts import caption_font_problem
from vidgen_desktop.engine.captions.layout import split_caption_blocks
from vidgen_desktop.engine.captions.overlay import CaptionOverlay, captioned_writer
from vidgen_desktop.engine.captions.srt import read_srt, write_srt
from vidgen_desktop.engine.captions.timing import close_gaps, time_blocks
from vidgen_desktop.engine.captions.vtt import write_vtt

__all__ = ["CaptionOverlay", "CaptionStyle", "Cue", "Word", "caption_font_problem", "captioned_writer", "close_gaps",
           "read_captions", "read_srt", "split_caption_blocks", "time_blocks", "write_ass",
           "write_captions", "write_srt", "write_vtt"]

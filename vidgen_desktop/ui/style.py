"""A light touch of styling on top of the native style, written against palette roles.

Colours come from ``palette(...)`` so light and dark system themes both work; only the
error and accent tints are fixed, and they are chosen to read on either background.
"""

from __future__ import annotations

STYLESHEET = """
#dropZone {
    border: 2px dashed palette(mid);
    border-radius: 12px;
    background: palette(base);
}
#dropZone[dragActive="true"] {
    border: 2px solid palette(highlight);
    background: palette(alternate-base);
}
#inputCard {
    border: 1px solid palette(midlight);
    border-radius: 10px;
    background: palette(window);
}
#inputCard[state="ready"] { border: 1px solid palette(highlight); }
#inputCard[state="error"] { border: 1px solid #cf222e; }
#placeholder, #muted, #caption, #dropHint { color: palette(placeholder-text); }
#duration { font-size: 20px; font-weight: 600; }
#inlineMessage[kind="error"] {
    color: #cf222e; background: rgba(207, 34, 46, 0.08);
    border: 1px solid rgba(207, 34, 46, 0.35); border-radius: 6px; padding: 6px 8px;
}
#inlineMessage[kind="info"] {
    background: palette(alternate-base); border-radius: 6px; padding: 6px 8px;
}
#renderButton { font-size: 15px; font-weight: 600; padding: 8px 22px; }
#renderReason { color: palette(placeholder-text); }
#stageLabel, #resultTitle { font-size: 15px; font-weight: 600; }
#errorBox { border: 1px solid rgba(207, 34, 46, 0.45); border-radius: 8px; background: rgba(207, 34, 46, 0.06); }
#errorTitle { color: #cf222e; font-size: 15px; font-weight: 600; }
#appBanner { background: rgba(207, 34, 46, 0.08); border-bottom: 1px solid rgba(207, 34, 46, 0.35); }
#headline { font-size: 18px; font-weight: 600; }
"""

"""The one formatter module: what people read for times and sizes."""

from __future__ import annotations

import math

from vidgen_desktop.core.formatting import clock, eta_phrase, human_bytes, rough_duration


def test_clock_reads_like_a_media_player() -> None:
    assert clock(8.4) == "0:08" and clock(754) == "12:34" and clock(3723) == "1:02:03"
    assert clock(None) == "--:--" and clock(math.nan) == "--:--" and clock(-3) == "0:00"


def test_rough_duration_for_estimates() -> None:
    assert rough_duration(0.2) == "1 s" and rough_duration(42) == "42 s"
    assert rough_duration(185) == "3 min" and rough_duration(5400) == "1.5 h"


def test_eta_phrase_is_calm() -> None:
    assert eta_phrase(None) == "estimating time left…" and eta_phrase(0.5) == "almost done"
    assert eta_phrase(42) == "about 45 s left" and eta_phrase(185) == "about 3 min left"


def test_human_bytes_in_decimal_units() -> None:
    assert human_bytes(999) == "999 B" and human_bytes(700_000) == "700 kB"
    assert human_bytes(48_000_000) == "48.0 MB" and human_bytes(120_000_000) == "120 MB"
    assert human_bytes(4_100_000_000) == "4.1 GB" and human_bytes(2.5e12) == "2.5 TB"

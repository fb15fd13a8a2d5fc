"""Mask personal numbers (mobile phones, ID card numbers) before text reaches logs or staff."""

from __future__ import annotations

import re

# Mainland ID card: 17 digits and a digit or X; mobile: 11 digits starting 13-19.
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)")


def mask_personal_numbers(text: str) -> str:
    """`13812345678` -> `138****5678`; an ID number keeps its first six and last four."""
    masked = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", masked)

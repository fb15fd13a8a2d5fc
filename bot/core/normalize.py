"""Text normalisation applied to every courier message before the crisis check and NLU.

Full-width forms are folded (NFKC), traditional characters become simplified ones, runs of
white space collapse, and the text is capped so a huge paste cannot slow the pipeline down.
"""

from __future__ import annotations

import re
import unicodedata

import zhconv

MAX_CHARS = 1000
_SPACE = re.compile(r"\s+")


def normalize(text: str, *, max_chars: int = MAX_CHARS) -> str:
    """Return the simplified, NFKC-folded, space-collapsed form of `text` (at most `max_chars`)."""
    folded = unicodedata.normalize("NFKC", text)
    simplified: str = zhconv.convert(folded, "zh-cn")
    return _SPACE.sub(" ", simplified).strip()[:max_chars]


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji or punctuation)."""
    return any(unicodedata.category(ch)[0] in {"L", "N"} for ch in text)

"""Changzhi's districts and counties, to point a courier at the right local office by name."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

PLACES_FILE = Path(__file__).resolve().parent / "places.yaml"


@cache
def _pattern(path: Path = PLACES_FILE) -> tuple[re.Pattern[str], dict[str, str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for place in raw["places"]:
        names[place["name"]] = place["name"]
        if place.get("short"):
            names[place["short"]] = place["name"]
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), names


def find_place(text: str) -> str | None:
    """The first Changzhi district or county named in `text` (full name), or None."""
    pattern, names = _pattern()
    match = pattern.search(text)
    return names[match.group()] if match else None

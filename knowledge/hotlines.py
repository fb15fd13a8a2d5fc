"""The hotline catalogue (`hotlines.yaml`): every phone number the assistant gives, in one place.

Templates get it as the Jinja global `hotline` (`{{ hotline.psych.number }}`); code calls
`hotline("psych")` or `label("psych")` ("12356 心理援助热线"). Nobody writes a number by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml

__all__ = ["HOTLINES_FILE", "Hotline", "catalogue", "hotline", "label", "load_hotlines"]

HOTLINES_FILE = Path(__file__).resolve().parent / "hotlines.yaml"
_ID = re.compile(r"^[a-z_]+$")
_NUMBER = re.compile(r"^[0-9-]{3,15}$")
_FACT = re.compile(r"^[A-Z]{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Hotline:
    """One number: what couriers call it, what it is for, and the fact row it rests on."""

    id: str
    number: str
    name: str
    purpose: str
    fact: str
    hours: str = ""

    @property
    def label(self) -> str:
        """'12356 心理援助热线'."""
        return f"{self.number} {self.name}"

    def __str__(self) -> str:
        return self.number


def load_hotlines(path: Path = HOTLINES_FILE) -> dict[str, Hotline]:
    """Read and check the catalogue; a bad or repeated row raises ValueError naming it."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: dict[str, Hotline] = {}
    numbers: set[str] = set()
    for item in raw["hotlines"]:
        line = Hotline(
            id=str(item["id"]),
            number=str(item["number"]),
            name=str(item["name"]),
            purpose=str(item["purpose"]),
            fact=str(item["fact"]),
            hours=str(item.get("hours") or ""),
        )
        if not _ID.match(line.id) or line.id in found:
            raise ValueError(f"{path}: hotline id {line.id!r} is not a new lowercase id")
        if not _NUMBER.match(line.number) or line.number in numbers:
            raise ValueError(f"{path}: {line.id}: number {line.number!r} is bad or repeated")
        if not _FACT.match(line.fact):
            raise ValueError(f"{path}: {line.id}: fact {line.fact!r} is not of the form AB-12")
        found[line.id] = line
        numbers.add(line.number)
    return found


@cache
def catalogue() -> Mapping[str, Hotline]:
    """The shipped catalogue, read once; read-only."""
    return MappingProxyType(load_hotlines())


def hotline(hotline_id: str) -> Hotline:
    """One hotline by id ('psych', 'hr', 'police', ...); KeyError for an unknown id."""
    return catalogue()[hotline_id]


def label(hotline_id: str) -> str:
    """'12356 心理援助热线'."""
    return hotline(hotline_id).label

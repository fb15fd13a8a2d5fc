"""The shape of one knowledge entry, as reviewers write it in `knowledge/entries/**.yaml`.

Every field is plain text (never HTML): the templates escape it. Legal statements are backed by
`facts` (row ids of `knowledge-facts.md` marked [V] or [S]) and listed in `sources`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FACT_ID = re.compile(r"^[A-Z]{2}-\d{2}$")
TOPIC_ID = re.compile(r"^[a-z_]+\.[a-z_]+$")
SHORT_ANSWER_MAX = 200
# YAML's folded blocks (`>-`) join lines with a space, which Chinese text must not have.
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u201c\u201d"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def _fold_cjk_spaces(value: Any) -> Any:
    if isinstance(value, str):
        return _SPACE_BETWEEN_CJK.sub("", value)
    if isinstance(value, list):
        return [_fold_cjk_spaces(item) for item in value]
    if isinstance(value, dict):
        return {key: _fold_cjk_spaces(item) for key, item in value.items()}
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Source(_Strict):
    """One citation: a law (or policy document) and the article, and the fact row it rests on."""

    law: str = Field(min_length=2)
    article: str = ""
    fact: str | None = None

    @field_validator("fact")
    @classmethod
    def _fact_id(cls, value: str | None) -> str | None:
        if value is not None and not FACT_ID.match(value):
            raise ValueError(f"fact id {value!r} is not of the form AB-12")
        return value

    def cite(self) -> str:
        return f"{self.law}{self.article}"


class Place(_Strict):
    """Where to go: a hotline, an office or an online channel."""

    name: str = Field(min_length=2)
    phone: str | None = None
    note: str = ""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9-]{3,15}", value):
            raise ValueError(f"phone {value!r} must be digits and dashes only")
        return value


class Entry(_Strict):
    """A curated answer for one topic id of `topics.yaml`."""

    topic: str
    title: str = Field(min_length=2, max_length=40)
    reviewed: dt.date
    facts: list[str] = Field(default_factory=list)
    unverified: list[str] = Field(default_factory=list)
    short: str = Field(min_length=10)
    # The time limit a courier must not miss (arbitration, applying for work injury), shown on
    # the first screen right under the short answer; the full list stays in `deadlines`.
    time_limit: str = Field(default="", max_length=120)
    answer: str = ""
    steps: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    deadlines: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    where: list[Place] = Field(default_factory=list)
    caution: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    kind: Literal["legal", "service", "support", "conversation"] = "legal"

    @model_validator(mode="before")
    @classmethod
    def _no_spaces_inside_chinese(cls, data: Any) -> Any:
        return _fold_cjk_spaces(data)

    @field_validator("topic")
    @classmethod
    def _topic_id(cls, value: str) -> str:
        if not TOPIC_ID.match(value):
            raise ValueError(f"topic id {value!r} is not of the form group.name")
        return value

    @field_validator("facts", "unverified")
    @classmethod
    def _fact_ids(cls, value: list[str]) -> list[str]:
        for fact in value:
            if not FACT_ID.match(fact):
                raise ValueError(f"fact id {fact!r} is not of the form AB-12")
        return value

    @field_validator("short")
    @classmethod
    def _short_is_short(cls, value: str) -> str:
        if len(value) > SHORT_ANSWER_MAX:
            raise ValueError(
                f"short answer has {len(value)} characters; keep it under {SHORT_ANSWER_MAX}"
            )
        return value

    @field_validator("examples")
    @classmethod
    def _examples_unique(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for text in value:
            if not text:
                raise ValueError("an example is empty")
            if text in seen:
                raise ValueError(f"example {text!r} appears twice")
            seen.add(text)
        return value

    @model_validator(mode="after")
    def _legal_entries_cite(self) -> Entry:
        if self.kind == "legal" and not self.sources:
            raise ValueError("a legal entry must list at least one source")
        for source in self.sources:
            if source.fact is not None and source.fact not in self.facts:
                raise ValueError(f"source cites fact {source.fact} that is not in facts")
        return self

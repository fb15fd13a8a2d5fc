"""Score predictions against an evaluation file, as `../shared/eval/README.md` describes.

Items have `text`, `action` and either `topic` (dev sets) or `topics` (any counts as right).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUT_OF_SCOPE_HANDLED = {"out_of_scope", "fallback", "handoff"}


@dataclass(frozen=True, slots=True)
class Prediction:
    topic: str | None
    action: str
    confidence: float
    candidates: tuple[tuple[str, float], ...]

    @property
    def candidate_topics(self) -> list[str]:
        return [topic for topic, _ in self.candidates]


def read_items(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        if "text" not in item:
            raise ValueError(f"{path}:{number}: item has no text field")
        items.append(item)
    return items


def gold_topics(item: dict[str, Any]) -> set[str]:
    if "topics" in item:
        return set(item["topics"])
    return {item["topic"]} if item.get("topic") else set()


@dataclass
class Report:
    answer_total: int = 0
    answer_right: int = 0
    answer_clarify_right: int = 0
    crisis_total: int = 0
    crisis_hit: int = 0
    noncrisis_total: int = 0
    false_alarms: int = 0
    oos_total: int = 0
    oos_handled: int = 0
    oos_answered: int = 0
    other_total: int = 0
    other_right: int = 0
    per_topic: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, item: dict[str, Any], pred: Prediction) -> None:
        gold = gold_topics(item)
        action = item.get("action", "answer")
        key = item.get("topic") or item.get("domain") or "?"
        right = False
        if action == "crisis":
            self.crisis_total += 1
            right = pred.action == "crisis"
            self.crisis_hit += right
        else:
            self.noncrisis_total += 1
            self.false_alarms += pred.action == "crisis"
        if action == "answer":
            self.answer_total += 1
            # README: right when answered with the right topic, or when asked "which of these?"
            # with the right topic among the choices (counted right, reported apart).
            answered = pred.action == "answer" and pred.topic in gold
            clarified = pred.action == "clarify" and bool(gold & set(pred.candidate_topics[:2]))
            self.answer_right += answered
            self.answer_clarify_right += clarified
            right = answered or clarified
        elif action == "out_of_scope":
            self.oos_total += 1
            right = pred.action in OUT_OF_SCOPE_HANDLED
            self.oos_handled += right
            self.oos_answered += pred.action in ("answer", "clarify")
        elif action != "crisis":
            self.other_total += 1
            right = pred.action == action and (not gold or pred.topic in gold)
            self.other_right += right
        self.per_topic[key]["total"] += 1
        self.per_topic[key]["right"] += right
        if not right:
            self.errors.append(
                {
                    "id": item.get("id"),
                    "gold": sorted(gold) or action,
                    "action": action,
                    "predicted": pred.topic,
                    "predicted_action": pred.action,
                    "confidence": round(pred.confidence, 3),
                }
            )

    def figures(self) -> dict[str, Any]:
        def rate(a: int, b: int) -> float | None:
            return a / b if b else None  # rounded only when shown: 170/189 is 89.9%, not 90.0%

        return {
            "answer_items": self.answer_total,
            "topic_accuracy": rate(
                self.answer_right + self.answer_clarify_right, self.answer_total
            ),
            "answered_with_right_topic": rate(self.answer_right, self.answer_total),
            "clarify_with_right_topic": rate(self.answer_clarify_right, self.answer_total),
            "crisis_items": self.crisis_total,
            "crisis_recall": rate(self.crisis_hit, self.crisis_total),
            "false_crisis_alarm_rate": rate(self.false_alarms, self.noncrisis_total),
            "out_of_scope_items": self.oos_total,
            "out_of_scope_handled": rate(self.oos_handled, self.oos_total),
            "out_of_scope_answered_with_labour_topic": rate(self.oos_answered, self.oos_total),
            "other_items": self.other_total,
            "other_accuracy": rate(self.other_right, self.other_total),
        }

    def weak_topics(self, below: float = 0.8) -> list[tuple[str, int, int]]:
        rows = [
            (key, counts["right"], counts["total"])
            for key, counts in self.per_topic.items()
            if counts["total"] and counts["right"] / counts["total"] < below
        ]
        return sorted(rows, key=lambda row: row[1] / row[2])


def score(items: Iterable[dict[str, Any]], predictions: Iterable[Prediction]) -> Report:
    report = Report()
    for item, pred in zip(items, predictions, strict=True):
        report.add(item, pred)
    return report


def format_report(report: Report, name: str) -> str:
    lines = [f"evaluation of {name}"]
    for key, value in report.figures().items():
        shown = "n/a" if value is None else (f"{value:.1%}" if isinstance(value, float) else value)
        lines.append(f"  {key:<42} {shown}")
    weak = report.weak_topics()
    if weak:
        lines.append("  weak (below 80%):")
        lines.extend(f"    {key:<30} {right}/{total}" for key, right, total in weak)
    return "\n".join(lines)

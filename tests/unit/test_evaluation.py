from __future__ import annotations

import json
from pathlib import Path

from bot.evaluation import Prediction, format_report, read_items, score


def p(topic: str | None, action: str, *candidates: str) -> Prediction:
    return Prediction(
        topic=topic,
        action=action,
        confidence=0.5,
        candidates=tuple((name, 0.5) for name in candidates or ((topic,) if topic else ())),
    )


def test_scoring_follows_the_eval_readme() -> None:
    items = [
        {"text": "a", "topic": "wages.arrears", "action": "answer"},
        {"text": "b", "topic": "wages.arrears", "action": "answer"},
        {"text": "c", "topic": "wages.arrears", "action": "answer"},
        {"text": "d", "topic": "psych.crisis", "action": "crisis"},
        {"text": "e", "topic": "psych.crisis", "action": "crisis"},
        {"text": "f", "topic": "meta.out_of_scope", "action": "out_of_scope"},
        {"text": "g", "topic": "meta.out_of_scope", "action": "out_of_scope"},
        {
            "text": "h",
            "topics": ["rights.arbitration", "rights.evidence"],
            "action": "answer",
            "domain": "x",
        },
        {"text": "i", "topic": "meta.greeting", "action": "smalltalk"},
    ]
    preds = [
        p("wages.arrears", "answer"),
        p("wages.arrears", "clarify", "wages.arrears", "rights.inspection"),
        p("wages.arrears", "crisis"),
        p("psych.crisis", "crisis"),
        p("wages.arrears", "answer"),
        p(None, "fallback"),
        p("wages.deductions", "answer"),
        p("rights.evidence", "answer"),
        p("meta.greeting", "smalltalk"),
    ]
    figures = score(items, preds).figures()
    assert figures["answer_items"] == 4
    assert figures["topic_accuracy"] == 0.75  # a and h answered, b asked with the right choice
    assert figures["answered_with_right_topic"] == 0.5  # a and h
    assert figures["clarify_with_right_topic"] == 0.25  # b
    assert figures["crisis_recall"] == 0.5
    assert figures["false_crisis_alarm_rate"] == 1 / 7  # c
    assert figures["out_of_scope_handled"] == 0.5
    assert figures["out_of_scope_answered_with_labour_topic"] == 0.5
    assert figures["other_accuracy"] == 1.0


def test_read_items_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"text": "ok"}) + "\n\n" + json.dumps({"id": 1}) + "\n", encoding="utf-8"
    )
    try:
        read_items(path)
    except ValueError as exc:
        assert "x.jsonl:3" in str(exc)
    else:
        raise AssertionError("expected a ValueError")


def test_figures_are_rounded_once_when_shown() -> None:
    """170 of 189 is 89.947%: shown as 89.9%, never rounded twice up to 90.0%."""
    items = [{"text": str(i), "topic": "wages.arrears", "action": "answer"} for i in range(189)]
    preds = [
        Prediction("wages.arrears" if i < 170 else "injury.recognition", "answer", 0.9, ())
        for i in range(189)
    ]
    report = score(items, preds)
    assert report.figures()["topic_accuracy"] == 170 / 189
    assert "89.9%" in format_report(report, "x.jsonl")

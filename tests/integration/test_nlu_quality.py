"""The model's quality on our OWN held-out split (nlu/heldout, never trained on).

CI fails when topic accuracy falls more than five points below what we reached, or when any
crisis item is missed. ../shared/eval is never used here: it measures, it does not tune.
"""

from __future__ import annotations

import pytest

from bot.app import catalog_from_files, make_understanding
from bot.evaluation import Prediction, score
from bot.settings import Settings
from knowledge.loader import load_topics
from nlu.training import heldout_items

pytestmark = pytest.mark.integration

# Reached on 2026-11-29 with the committed data and nlu/config.yml (see nlu/README.md), after
# three rounds of training questions in the style of legal-advice sites and held-out ones by
# writers who never saw the training data: topic accuracy 94.8% on answer items (1,792; answered
# right 89.0%, asked "which of these two?" with the right one among them 5.8%), crisis recall
# 100% (41/41), false crisis alarms 1.1%. Training is deterministic (fixed seeds).
REACHED_TOPIC_ACCURACY = 0.948
ALLOWED_DROP = 0.05
# Our held-out set is full of near misses (past assaults, venting); recall comes first.
MAX_FALSE_ALARMS = 0.04


async def test_heldout_accuracy_and_crisis_recall(nlu_url: str) -> None:
    topics = load_topics()
    items = [{**item, "action": topics[item["topic"]].action} for item in heldout_items()]
    understanding, client = make_understanding(
        Settings(nlu_url=nlu_url, nlu_timeout_seconds=30), catalog_from_files()
    )
    try:
        predictions = []
        for item in items:
            decision = await understanding.understand(item["text"])
            assert not decision.degraded, "the NLU server must answer every held-out question"
            predictions.append(
                Prediction(
                    topic=decision.topic,
                    action=str(decision.action),
                    confidence=decision.confidence,
                    candidates=tuple((c.topic, c.confidence) for c in decision.candidates),
                )
            )
    finally:
        await client.aclose()
    report = score(items, predictions)
    figures = report.figures()
    missed = [e for e in report.errors if e["action"] == "crisis"]
    assert missed == [], f"crisis items missed: {missed}"
    assert figures["topic_accuracy"] >= REACHED_TOPIC_ACCURACY - ALLOWED_DROP, figures
    assert figures["false_crisis_alarm_rate"] <= MAX_FALSE_ALARMS, figures

"""The crisis check alone over our held-out set (nlu/heldout): what it catches, and what it
must leave to the model.

The held-out crisis recall of 100% that CI holds (tests/integration/test_nlu_quality.py) is the
rule check AND the model together: the rules catch part of the crisis items outright, and every
other one reaches the model, whose crisis topics then fire at recall-first floors unless the
message was marked as everyday speech (hyperbole, a bare goodbye, a past assault told to ask
about rights). So the rules must never mark a held-out crisis item as everyday speech.
"""

from __future__ import annotations

import pytest

from bot.core.crisis import is_everyday_closing, is_figure_of_speech, is_told_after_the_fact
from bot.core.normalize import normalize
from bot.core.understanding import Understanding
from nlu.training import heldout_items

CRISIS_TOPICS = {"psych.crisis", "safety.emergency"}
ITEMS = heldout_items()
CRISIS = [item for item in ITEMS if item["topic"] in CRISIS_TOPICS]
OTHER = [item for item in ITEMS if item["topic"] not in CRISIS_TOPICS]
# Measured on 2026-12-07 before and after the phrase files of issue 14: 12/26 + 12/15 caught by
# the rules alone, 16 of 2,066 other items flagged (0.8%, nearly all assaults told with a rights
# question but no word that says they are over). The figures may only get better.
MIN_RULE_RECALL = 24 / 41
MAX_RULE_FALSE_ALARMS = 0.01


def _flagged(item: dict[str, str]) -> bool:
    return Understanding.crisis_in(item["text"]) is not None


def test_the_sets_are_there() -> None:
    assert len(CRISIS) >= 40 and len(OTHER) >= 2000


@pytest.mark.parametrize("item", CRISIS, ids=[item["id"] for item in CRISIS])
def test_a_crisis_item_is_caught_or_left_to_the_model(item: dict[str, str]) -> None:
    if _flagged(item):
        return
    clean = normalize(item["text"])
    assert not is_figure_of_speech(clean)
    assert not is_everyday_closing(clean)
    assert not is_told_after_the_fact(clean)


def test_rule_recall_on_heldout_crisis_items_does_not_fall() -> None:
    caught = sum(map(_flagged, CRISIS))
    assert caught / len(CRISIS) >= MIN_RULE_RECALL, f"{caught}/{len(CRISIS)}"


def test_rule_false_alarms_on_other_heldout_items_stay_rare() -> None:
    alarms = [item["id"] for item in OTHER if _flagged(item)]
    assert len(alarms) / len(OTHER) <= MAX_RULE_FALSE_ALARMS, alarms

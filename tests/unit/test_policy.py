from __future__ import annotations

import pytest

from bot.core.crisis import CrisisSignal
from bot.core.policy import Policy, Thresholds
from common.replies import Action
from nlu.result import Candidate, NLUResult

ACTIONS = {
    "wages.arrears": "answer",
    "rights.inspection": "answer",
    "psych.crisis": "crisis",
    "meta.human": "handoff",
    "meta.greeting": "smalltalk",
    "meta.out_of_scope": "out_of_scope",
}


def result(*ranking: tuple[str, float], source: str = "rasa") -> NLUResult:
    return NLUResult(candidates=tuple(Candidate(t, c) for t, c in ranking), source=source)  # type: ignore[arg-type]


@pytest.fixture
def policy() -> Policy:
    return Policy(
        ACTIONS, Thresholds(answer=0.55, clarify=0.3, margin=0.15, crisis_top=0.15, crisis=0.35)
    )


def test_confident_answer(policy: Policy) -> None:
    decision = policy.decide(result(("wages.arrears", 0.9), ("rights.inspection", 0.05)), None)
    assert (decision.action, decision.topic) == (Action.ANSWER, "wages.arrears")


def test_two_close_topics_ask_which(policy: Policy) -> None:
    decision = policy.decide(result(("wages.arrears", 0.48), ("rights.inspection", 0.42)), None)
    assert decision.action is Action.CLARIFY
    assert [c.topic for c in decision.candidates[:2]] == ["wages.arrears", "rights.inspection"]


def test_low_confidence_falls_back(policy: Policy) -> None:
    decision = policy.decide(result(("wages.arrears", 0.2), ("rights.inspection", 0.1)), None)
    assert decision.action is Action.FALLBACK


def test_crisis_signal_wins_over_everything(policy: Policy) -> None:
    decision = policy.decide(
        result(("wages.arrears", 0.99)), CrisisSignal(kind="self_harm", cue="不想活")
    )
    assert (decision.action, decision.topic) == (Action.CRISIS, "psych.crisis")


def test_crisis_topic_in_second_place_still_counts(policy: Policy) -> None:
    decision = policy.decide(result(("wages.arrears", 0.5), ("psych.crisis", 0.4)), None)
    assert decision.action is Action.CRISIS


def test_topic_actions_come_from_topics(policy: Policy) -> None:
    assert policy.decide(result(("meta.human", 0.95)), None).action is Action.HANDOFF
    assert policy.decide(result(("meta.greeting", 0.95)), None).action is Action.SMALLTALK
    oos = policy.decide(result(("meta.out_of_scope", 0.9)), None)
    assert oos.action is Action.OUT_OF_SCOPE


def test_no_candidates_is_fallback(policy: Policy) -> None:
    assert policy.decide(NLUResult.empty(), None).action is Action.FALLBACK


def test_unknown_topics_are_ignored(policy: Policy) -> None:
    decision = policy.decide(result(("not.a_topic", 0.99), ("wages.arrears", 0.8)), None)
    assert decision.topic == "wages.arrears"


def test_offline_results_never_clarify_and_use_their_own_scale(policy: Policy) -> None:
    sure = policy.decide(
        result(("wages.arrears", 0.6), ("rights.inspection", 0.1), source="offline"), None
    )
    assert sure.action is Action.ANSWER and sure.degraded
    unsure = policy.decide(
        result(("wages.arrears", 0.2), ("rights.inspection", 0.15), source="offline"), None
    )
    assert unsure.action is Action.FALLBACK


def test_a_crisis_topic_ranked_first_fires_at_a_lower_confidence(policy: Policy) -> None:
    first = policy.decide(result(("psych.crisis", 0.2), ("wages.arrears", 0.1)), None)
    assert first.action is Action.CRISIS
    second = policy.decide(result(("wages.arrears", 0.6), ("psych.crisis", 0.2)), None)
    assert second.action is Action.ANSWER


def test_hyperbole_needs_real_confidence_from_the_model(policy: Policy) -> None:
    ranking = result(("psych.stress", 0.6), ("psych.crisis", 0.36))
    assert policy.decide(ranking, None).action is Action.CRISIS
    assert policy.decide(ranking, None, hyperbole=True).action is not Action.CRISIS


def test_a_crisis_topic_below_its_raised_floor_is_not_answered_as_a_crisis() -> None:
    """Above the answer threshold but below the floor for everyday exaggeration: the crisis
    check has said no, so the answer path must not send the crisis reply after all."""
    policy = Policy(ACTIONS, Thresholds(answer=0.2, crisis_top=0.15, crisis=0.1))
    ranking = result(("psych.crisis", 0.4), ("wages.arrears", 0.3))
    decision = policy.decide(ranking, None, hyperbole=True)
    assert decision.action is not Action.CRISIS
    assert decision.topic != "psych.crisis"
    assert policy.decide(ranking, None).action is Action.CRISIS  # without the exaggeration


def test_two_neighbours_of_one_group_answer_when_sure_and_ask_when_not() -> None:
    """injury.benefits and injury.application: a sure top answer links on to its neighbour;
    an unsure one asks which was meant rather than asking to rephrase."""
    actions = {"injury.benefits": "answer", "injury.application": "answer"}
    policy = Policy(actions, Thresholds(answer=0.35, clarify=0.15, margin=0.8))
    sure = policy.decide(result(("injury.benefits", 0.5), ("injury.application", 0.3)), None)
    assert (sure.action, sure.topic) == (Action.ANSWER, "injury.benefits")
    unsure = policy.decide(result(("injury.benefits", 0.25), ("injury.application", 0.2)), None)
    assert unsure.action is Action.CLARIFY
    assert [c.topic for c in unsure.candidates[:2]] == ["injury.benefits", "injury.application"]
    lost = policy.decide(result(("injury.benefits", 0.1), ("injury.application", 0.09)), None)
    assert lost.action is Action.FALLBACK


def test_a_message_naming_labour_law_is_not_set_aside_as_out_of_scope(policy: Policy) -> None:
    """The model ranks "out of scope" first for a post that says 工伤: given that the question
    is about labour, the other topics' confidences are what is left after "out of scope"."""
    ranking = result(
        ("meta.out_of_scope", 0.6), ("wages.arrears", 0.35), ("rights.inspection", 0.03)
    )
    assert policy.decide(ranking, None).action is Action.OUT_OF_SCOPE
    decision = policy.decide(ranking, None, labour_terms=True)
    assert (decision.action, decision.topic) == (Action.ANSWER, "wages.arrears")
    assert decision.confidence == pytest.approx(0.875)
    assert "meta.out_of_scope" not in [c.topic for c in decision.candidates]


def test_labour_terms_do_not_make_a_weak_guess_an_answer(policy: Policy) -> None:
    ranking = result(("meta.out_of_scope", 0.9), ("wages.arrears", 0.04), ("meta.human", 0.03))
    decision = policy.decide(ranking, None, labour_terms=True)
    assert decision.action is Action.FALLBACK


def test_labour_terms_leave_a_labour_top_topic_and_crisis_alone(policy: Policy) -> None:
    answered = result(("wages.arrears", 0.7), ("meta.out_of_scope", 0.2))
    assert policy.decide(answered, None, labour_terms=True).topic == "wages.arrears"
    crisis = result(("meta.out_of_scope", 0.5), ("psych.crisis", 0.36), ("wages.arrears", 0.1))
    assert policy.decide(crisis, None, labour_terms=True).action is Action.CRISIS
    only_oos = result(("meta.out_of_scope", 1.0))
    assert policy.decide(only_oos, None, labour_terms=True).action is Action.FALLBACK

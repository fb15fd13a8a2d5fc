"""Choose the policy thresholds on our OWN held-out split (nlu/heldout), never on ../shared/eval.

Needs a running NLU server (courier-aid nlu serve). Parses every held-out question once, then
replays the policy over a grid of thresholds and prints the best settings by a utility that
counts a wrong answer as twice as bad as a fallback (a wrong legal answer misleads; a fallback
only costs a rephrase or a human).

    .venv/bin/python scripts/calibrate_thresholds.py [NLU_URL] [--long | --short]
"""

from __future__ import annotations

import asyncio
import itertools
import sys

from bot.app import catalog_from_files
from bot.core.domain import names_labour_law
from bot.core.normalize import normalize
from bot.core.policy import Policy, Thresholds
from common.replies import Action
from nlu.client import NLUClient
from nlu.fallback import OfflineMatcher
from nlu.result import NLUResult
from nlu.training import heldout_items

LONG = 40  # characters: the policy has separate thresholds for long messages


async def parse_all(url: str, texts: list[str]) -> list[NLUResult]:
    from bot.core.normalize import normalize
    from nlu.text import classifier_text

    client = NLUClient(url, offline=OfflineMatcher([]), timeout=10)
    try:  # what Understanding.interpret sends to the NLU server
        return [await client.parse(classifier_text(normalize(text))) for text in texts]
    finally:
        await client.aclose()


def crisis_report(
    items: list[dict[str, str]], results: list[NLUResult], actions: dict[str, str]
) -> None:
    """Recall and false alarms of the model's crisis topics (top three) by confidence floor."""
    from bot.core.crisis import detect_crisis
    from bot.core.normalize import normalize

    print("crisis floor | model recall  rules+model recall | false alarms")
    for floor in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.45):
        hit = both = alarms = crisis_total = 0
        for item, result in zip(items, results, strict=True):
            model = any(
                actions.get(c.topic) == "crisis" and c.confidence >= floor
                for c in result.candidates[:3]
            )
            rules = detect_crisis(normalize(item["text"])) is not None
            if actions[item["topic"]] == "crisis":
                crisis_total += 1
                hit += model
                both += model or rules
            else:
                alarms += model or rules
        others = len(items) - crisis_total
        print(
            f"{floor:12.2f} | {hit:5d}/{crisis_total} {both:12d}/{crisis_total} | {alarms}/{others}"
        )


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    url = args[0] if args else "http://127.0.0.1:5005"
    catalog = catalog_from_files()
    actions = {t.id: t.action for t in catalog.topics.values()}
    items = heldout_items()
    if "--long" in sys.argv:
        items = [item for item in items if len(item["text"]) >= LONG]
    elif "--short" in sys.argv:
        items = [item for item in items if len(item["text"]) < LONG]
    results = asyncio.run(parse_all(url, [item["text"] for item in items]))
    if any(r.degraded for r in results):
        sys.exit("the NLU server did not answer every question; is it running?")
    rows = []
    grid = itertools.product(
        [0.2, 0.25, 0.3, 0.35, 0.4, 0.5],
        [0.1, 0.15, 0.2, 0.3],
        [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8],
    )
    # as Understanding.interpret decides: with the labour-terms flag of each question
    labour = [names_labour_law(normalize(item["text"])) for item in items]
    for answer, clarify, margin in grid:
        if clarify > answer:
            continue
        policy = Policy(actions, Thresholds(answer=answer, clarify=clarify, margin=margin))
        right = wrong = clarified = fallback = 0
        for item, result, terms in zip(items, results, labour, strict=True):
            decision = policy.decide(result, None, labour_terms=terms)
            if decision.action is Action.CLARIFY:
                clarified += item["topic"] in [c.topic for c in decision.candidates[:2]]
            elif decision.action is Action.FALLBACK:
                fallback += 1
            elif decision.topic == item["topic"] or (
                actions[item["topic"]] == "out_of_scope" and (decision.action is Action.HANDOFF)
            ):
                right += 1
            else:
                wrong += 1
        utility = right + 0.5 * clarified - 2 * wrong
        rows.append((utility, answer, clarify, margin, right, clarified, wrong, fallback))
    rows.sort(reverse=True)
    crisis_report(items, results, actions)
    print(f"{len(items)} held-out questions")
    print("utility answer clarify margin | right clarified wrong fallback")
    current = Thresholds()
    chosen = [r for r in rows if r[1:4] == (current.answer, current.clarify, current.margin)]
    for row in [*rows[:12], ("current settings:",), *chosen]:
        if len(row) == 1:
            print(row[0])
            continue
        print("{:7.1f} {:6.2f} {:7.2f} {:6.2f} | {:5d} {:9d} {:5d} {:8d}".format(*row))


if __name__ == "__main__":
    main()

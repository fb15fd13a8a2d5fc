"""Choose the policy thresholds on our OWN held-out split (nlu/heldout), never on ../shared/eval.

Needs a running NLU server (courier-aid nlu serve). Parses every held-out question once, then
replays the policy over a grid of thresholds and prints the best settings by a utility that
counts a wrong answer as twice as bad as a fallback (a wrong legal answer misleads; a fallback
only costs a rephrase or a human).

    .venv/bin/python scripts/calibrate_thresholds.py [NLU_URL]
"""

from __future__ import annotations

import asyncio
import itertools
import sys

from bot.app import catalog_from_files
from bot.core.policy import Policy, Thresholds
from bot.core.replies import Action
from nlu.client import NLUClient
from nlu.fallback import OfflineMatcher
from nlu.result import NLUResult
from nlu.training import heldout_items


async def parse_all(url: str, texts: list[str]) -> list[NLUResult]:
    client = NLUClient(url, offline=OfflineMatcher([]), timeout=10)
    try:
        return [await client.parse(text) for text in texts]
    finally:
        await client.aclose()


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5005"
    catalog = catalog_from_files()
    actions = {t.id: t.action for t in catalog.topics.values()}
    items = heldout_items()
    results = asyncio.run(parse_all(url, [item["text"] for item in items]))
    if any(r.degraded for r in results):
        sys.exit("the NLU server did not answer every question; is it running?")
    rows = []
    grid = itertools.product([0.4, 0.5, 0.55, 0.6, 0.7], [0.2, 0.3, 0.4], [0.05, 0.1, 0.15, 0.2])
    for answer, clarify, margin in grid:
        if clarify > answer:
            continue
        policy = Policy(actions, Thresholds(answer=answer, clarify=clarify, margin=margin))
        right = wrong = clarified = fallback = 0
        for item, result in zip(items, results, strict=True):
            decision = policy.decide(result, None)
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
    print(f"{len(items)} held-out questions")
    print("utility answer clarify margin | right clarified wrong fallback")
    for row in rows[:12]:
        print("{:7.1f} {:6.2f} {:7.2f} {:6.2f} | {:5d} {:9d} {:5d} {:8d}".format(*row))


if __name__ == "__main__":
    main()

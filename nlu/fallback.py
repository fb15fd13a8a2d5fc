"""Offline understanding for when the Rasa server is down: BM25 over the entries' examples.

Documents are the training examples; terms are Chinese character unigrams and bigrams, which
need no tokenizer and tolerate typos. A topic scores the best of its examples.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from nlu.result import Candidate, NLUResult

_KEEP = re.compile(r"[\w]+")


def terms(text: str) -> list[str]:
    chars = "".join(_KEEP.findall(text.lower()))
    return list(chars) + [chars[i : i + 2] for i in range(len(chars) - 1)]


class OfflineMatcher:
    """A small BM25 index; build once, query many times (thread-safe: read-only after build)."""

    def __init__(self, examples: Iterable[tuple[str, str]], *, k1: float = 1.2, b: float = 0.75):
        self._docs: list[tuple[str, Counter[str], int]] = []
        df: Counter[str] = Counter()
        for topic, text in examples:
            bag = Counter(terms(text))
            self._docs.append((topic, bag, sum(bag.values())))
            df.update(bag.keys())
        n = max(len(self._docs), 1)
        self._avg_len = sum(length for _, _, length in self._docs) / n if self._docs else 1.0
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._k1, self._b = k1, b

    def _score(self, query: Counter[str], doc: Counter[str], length: int) -> float:
        score = 0.0
        norm = self._k1 * (1 - self._b + self._b * length / self._avg_len)
        for term, qf in query.items():
            tf = doc.get(term)
            if tf:
                score += self._idf.get(term, 0.0) * tf * (self._k1 + 1) / (tf + norm) * qf
        return score

    def parse(self, text: str, *, top_n: int = 5) -> NLUResult:
        query = Counter(terms(text))
        if not query:
            return NLUResult(candidates=(), source="offline")
        best: dict[str, float] = {}
        for topic, doc, length in self._docs:
            score = self._score(query, doc, length)
            if score > best.get(topic, 0.0):
                best[topic] = score
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)[:top_n]
        if not ranked:
            return NLUResult(candidates=(), source="offline")
        # A soft, deliberately modest confidence: share of the top scores, damped for short overlap.
        total = sum(score for _, score in ranked)
        coverage = min(1.0, ranked[0][1] / (4.0 * math.log(2 + len(query))))
        candidates = tuple(
            Candidate(topic=topic, confidence=round(coverage * score / total, 4))
            for topic, score in ranked
        )
        return NLUResult(candidates=candidates, source="offline")

"""The trained classifier run in the application's process, for when the Rasa server does not
answer: the same model, so understanding stays as good while the server is down.

It reads the export written at training time (nlu/export.py) and repeats the pipeline's
arithmetic in plain Python: jieba with the model's own dictionaries; for each featurizer Rasa's
token processing (digits -> `__NUMBER__`, lower case), scikit-learn's analyzer over the tokens
joined by spaces, counts of the known terms, sublinear tf times idf, l2 norm; then the linear
scores, the softmax with the fitted temperature, and the top of the ranking. On our held-out set
its rankings equal the server's (tests/integration/test_nlu_inprocess.py).

Loading (jieba's dictionary, ~1 s and ~100 MB) waits for the first message the server misses.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import sys
import threading
import zipfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu.export import FORMAT
from nlu.result import FALLBACK_INTENT, Candidate, NLUResult, OfflineParser

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"\b[0-9]+\b")  # Rasa's CountVectorsFeaturizer._process_tokens
_WORD = re.compile(r"(?u)\b\w+\b")  # its token_pattern for the word analyzer
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's, before character n-grams


class ModelFileError(RuntimeError):
    """The export is missing, of another format, or damaged."""


@dataclass(frozen=True, slots=True)
class Featurizer:
    analyzer: str
    min_ngram: int
    max_ngram: int
    lowercase: bool
    sublinear_tf: bool
    offset: int
    vocabulary: dict[str, int]

    def terms(self, tokens: list[str]) -> list[str]:
        """The terms scikit-learn's CountVectorizer finds in Rasa's text for these tokens."""
        processed = [_DIGITS.sub("__NUMBER__", token) for token in tokens]
        text = " ".join(processed)
        if self.lowercase:
            text = text.lower()
        if self.analyzer == "char":
            text = _WHITE_SPACES.sub(" ", text)
            return [
                text[i : i + n]
                for n in range(self.min_ngram, min(self.max_ngram, len(text)) + 1)
                for i in range(len(text) - n + 1)
            ]
        if self.analyzer == "word":
            words = _WORD.findall(text)
            return [
                " ".join(words[i : i + n])
                for n in range(self.min_ngram, min(self.max_ngram, len(words)) + 1)
                for i in range(len(words) - n + 1)
            ]
        raise ModelFileError(f"analyzer {self.analyzer!r} is not supported")

    def features(self, tokens: list[str], idf: array[float]) -> dict[int, float]:
        """Column -> tf-idf weight, l2-normalised, for the known terms (others are ignored)."""
        counts = Counter(
            self.vocabulary[term] for term in self.terms(tokens) if term in self.vocabulary
        )
        weights = {}
        for column, count in counts.items():
            tf = 1.0 + math.log(count) if self.sublinear_tf else float(count)
            weights[self.offset + column] = tf * idf[self.offset + column]
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {column: w / norm for column, w in weights.items()}


class Classifier:
    """The loaded export: `rank(tokens)` is the server's intent ranking for a message."""

    def __init__(self, meta: dict[str, Any], idf: array[float], weights: array[float]) -> None:
        if meta.get("format") != FORMAT:
            raise ModelFileError(f"export format {meta.get('format')!r}, expected {FORMAT}")
        self.labels = [str(label) for label in meta["labels"]]
        self._bias = [float(b) for b in meta["bias"]]
        self._temperature = float(meta["temperature"])
        self._ranking_length = int(meta["ranking_length"])
        self._featurizers = [
            Featurizer(
                analyzer=str(f["analyzer"]),
                min_ngram=int(f["min_ngram"]),
                max_ngram=int(f["max_ngram"]),
                lowercase=bool(f["lowercase"]),
                sublinear_tf=bool(f["sublinear_tf"]),
                offset=int(f["offset"]),
                vocabulary={str(k): int(v) for k, v in f["vocabulary"].items()},
            )
            for f in meta["featurizers"]
        ]
        self._idf = idf
        self._weights = weights
        if len(weights) != len(idf) * len(self.labels):
            raise ModelFileError("weights do not match the labels and features")

    def scores(self, tokens: list[str]) -> list[float]:
        scores = list(self._bias)
        if not tokens:
            return scores
        labels = len(self.labels)
        weights = self._weights
        for featurizer in self._featurizers:
            for column, value in featurizer.features(tokens, self._idf).items():
                start = column * labels
                for label in range(labels):
                    scores[label] += value * weights[start + label]
        return scores

    def rank(self, tokens: list[str]) -> list[tuple[str, float]]:
        scaled = [score * self._temperature for score in self.scores(tokens)]
        top = max(scaled)
        exp = [math.exp(score - top) for score in scaled]
        total = sum(exp)
        confidences = [value / total for value in exp]
        order = sorted(range(len(confidences)), key=lambda i: -confidences[i])
        return [(self.labels[i], confidences[i]) for i in order[: self._ranking_length]]


def load_classifier(path: Path) -> tuple[Classifier, dict[str, str]]:
    """The classifier in an export and the jieba dictionaries it was trained with."""
    try:
        with zipfile.ZipFile(path) as export:
            meta = json.loads(export.read("model.json"))
            idf, weights = array("d"), array("d")
            idf.frombytes(export.read("idf.f64"))
            weights.frombytes(export.read("weights.f64"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"cannot read {path}: {exc}") from exc
    if sys.byteorder == "big":
        idf.byteswap()
        weights.byteswap()
    dictionaries = {str(k): str(v) for k, v in meta.get("dictionaries", {}).items()}
    return Classifier(meta, idf, weights), dictionaries


class JiebaWords:
    """jieba with the model's user dictionaries, in its own `Tokenizer` (not jieba's global one)."""

    def __init__(self, dictionaries: dict[str, str]) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # it announces building its prefix dictionary
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        # The dictionaries name each word once (tests/unit/test_nlu_inprocess.py checks), so the
        # order they are loaded in, which Rasa leaves to the file system, changes nothing.
        for name in sorted(dictionaries):
            self._jieba.load_userdict(io.StringIO(dictionaries[name]))

    def tokens(self, text: str) -> list[str]:
        return [word for word, _start, _end in self._jieba.tokenize(text)]


class InProcessModel:
    """The exported model, loaded on first use (thread-safe); `parse` answers as the server."""

    def __init__(self, export: Path | Callable[[], Path]) -> None:
        """`export`: the file, or how to find it when first needed."""
        self._export = export
        self._lock = threading.Lock()
        self._loaded: tuple[Classifier, JiebaWords] | None = None

    def load(self) -> tuple[Classifier, JiebaWords]:
        with self._lock:
            if self._loaded is None:
                path = self._export if isinstance(self._export, Path) else self._export()
                classifier, dictionaries = load_classifier(path)
                self._loaded = classifier, JiebaWords(dictionaries)
                log.info("in-process NLU model loaded from %s", path.name)
            return self._loaded

    def parse(self, text: str) -> NLUResult:
        classifier, words = self.load()
        ranking = classifier.rank(words.tokens(text) if text else [])
        candidates = tuple(
            Candidate(topic=topic, confidence=confidence)
            for topic, confidence in ranking
            if topic != FALLBACK_INTENT
        )
        return NLUResult(candidates=candidates, source="local")


class OfflineUnderstanding:
    """What the client asks when the server does not answer: the in-process model when its
    export exists and loads, otherwise (and for good, once it failed) the BM25 matcher."""

    def __init__(self, model: InProcessModel | None, matcher: OfflineParser) -> None:
        self._model = model
        self._matcher = matcher

    def parse(self, text: str) -> NLUResult:
        if self._model is not None:
            try:
                return self._model.parse(text)
            except Exception as exc:  # the path taken when the server failed must not fail too
                log.warning(
                    "in-process NLU model unusable (%s: %s); using the BM25 matcher",
                    type(exc).__name__,
                    exc,
                )
                self._model = None
        return self._matcher.parse(text)


def export_for(models_dir: Path, fingerprint: str) -> Path:
    """Where the export of the model named by `fingerprint` is (nlu/export.py names it)."""
    return models_dir / f"nlu-{fingerprint}.classifier.zip"


def words_in(dictionaries: Iterable[str]) -> list[str]:
    """The words of jieba user dictionaries (one `word [freq] [tag]` a line)."""
    return [line.split()[0] for text in dictionaries for line in text.splitlines() if line.strip()]

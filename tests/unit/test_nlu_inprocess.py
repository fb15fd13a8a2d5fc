"""The in-process model: the server's arithmetic in plain Python, and the fall back to BM25.
(That its rankings equal the real server's: tests/integration/test_nlu_inprocess.py.)"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest

from nlu.export import export_classifier
from nlu.fallback import OfflineMatcher
from nlu.inprocess import (
    Featurizer,
    InProcessModel,
    OfflineUnderstanding,
    export_for,
    words_in,
)
from nlu.training import DICT_DIR
from tests.helpers.fake_model import write_model


def featurizer(analyzer: str, vocabulary: dict[str, int], max_ngram: int = 1) -> Featurizer:
    return Featurizer(
        analyzer=analyzer,
        min_ngram=1,
        max_ngram=max_ngram,
        lowercase=True,
        sublinear_tf=True,
        offset=0,
        vocabulary=vocabulary,
    )


def test_character_terms_as_rasa_and_scikit_learn_make_them() -> None:
    # jieba's tokens, spaces included; digits become __NUMBER__, then lower case; tokens are
    # joined by spaces and runs of white space shrink to one before the n-grams
    terms = featurizer("char", {}, max_ngram=2).terms(["欠薪", " ", "2000", "元"])
    text = "欠薪 __number__ 元"
    assert terms[: len(text)] == list(text)
    assert terms[len(text) :] == [text[i : i + 2] for i in range(len(text) - 1)]
    assert "薪 " in terms and "薪薪" not in terms


def test_word_terms_and_weights() -> None:
    words = featurizer("word", {"工资": 0, "__number__": 1, "拖欠": 2})
    assert words.terms(["拖欠", "工资", "，", "3", "个", "月"]) == [
        "拖欠",
        "工资",
        "__number__",
        "个",
        "月",
    ]
    idf = [1.0, 2.0, 4.0]
    weights = words.features(["工资", "工资", "拖欠", "不", "给"], idf)  # type: ignore[arg-type]
    raw = {0: (1 + math.log(2)) * 1.0, 2: 1.0 * 4.0}  # sublinear tf times idf; unknown words out
    norm = math.sqrt(sum(v * v for v in raw.values()))
    assert weights == pytest.approx({k: v / norm for k, v in raw.items()})


@pytest.fixture
def model(tmp_path: Path) -> InProcessModel:
    archive = write_model(
        tmp_path / "nlu-test.tar.gz",
        labels=["injury.recognition", "nlu_fallback", "wages.arrears"],
        char_vocabulary={"伤": 0, "资": 1},
        word_vocabulary={"工伤认定": 0},
        weights_by_label=[[2.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0]],
        bias=[0.0, 0.1, 0.0],
        temperature=1.5,
    )
    return InProcessModel(export_classifier(archive))


def test_scores_softmax_and_ranking(model: InProcessModel) -> None:
    result = model.parse("拖欠工资")  # only 资 is known: one feature of weight 1
    scores = {"injury.recognition": 0.0, "nlu_fallback": 0.1, "wages.arrears": 2.0}
    exp = {label: math.exp(1.5 * score) for label, score in scores.items()}
    expected = {label: value / sum(exp.values()) for label, value in exp.items()}
    assert result.source == "local" and not result.degraded
    assert [c.topic for c in result.candidates] == ["wages.arrears", "injury.recognition"]
    for candidate in result.candidates:
        assert candidate.confidence == pytest.approx(expected[candidate.topic])


def test_the_models_dictionary_splits_the_words(model: InProcessModel) -> None:
    # 工伤认定 is a word only through the model's own dictionary (domain.txt in the archive)
    assert model.parse("申请工伤认定").top is not None
    _, words = model.load()
    assert "工伤认定" in words.tokens("怎么申请工伤认定")


def test_unknown_text_ranks_by_the_biases_alone(model: InProcessModel) -> None:
    result = model.parse("你好")
    assert [round(c.confidence, 6) for c in result.candidates] == [
        round(c.confidence, 6) for c in model.parse("今天天气").candidates
    ]


def test_without_an_export_the_bm25_matcher_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    matcher = OfflineMatcher([("wages.arrears", "老板拖欠工资不发")])
    offline = OfflineUnderstanding(InProcessModel(lambda: tmp_path / "missing.zip"), matcher)
    with caplog.at_level(logging.WARNING):
        first = offline.parse("拖欠工资")
        second = offline.parse("工资不发")
    assert first.source == second.source == "offline"
    assert caplog.text.count("in-process NLU model unusable") == 1  # said once, not per message


def test_the_export_is_found_by_the_models_hash(tmp_path: Path) -> None:
    assert export_for(tmp_path, "0123abcd") == tmp_path / "nlu-0123abcd.classifier.zip"


def test_the_dictionaries_name_each_word_once() -> None:
    """jieba keeps the frequency of the file loaded last, and Rasa loads them in the order the
    file system lists them, which differs between training (nlu/dict) and serving (the model
    unpacked in a temporary folder): a word in two files could split differently in each, and
    differently again in the in-process model."""
    words = words_in(path.read_text(encoding="utf-8") for path in sorted(DICT_DIR.glob("*.txt")))
    repeated = sorted({word for word in words if words.count(word) > 1})
    assert repeated == []

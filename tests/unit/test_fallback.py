from __future__ import annotations

from knowledge.catalog import Catalog
from nlu.fallback import OfflineMatcher, terms


def test_terms_are_unigrams_and_bigrams() -> None:
    assert terms("工伤 认定") == ["工", "伤", "认", "定", "工伤", "伤认", "认定"]


def test_empty_query_gives_no_candidates() -> None:
    assert OfflineMatcher([("a.b", "工资")]).parse("？！").candidates == ()


def test_ranks_the_matching_topic_first(catalog: Catalog) -> None:
    matcher = OfflineMatcher(catalog.examples())
    result = matcher.parse("老板欠我三个月工资不给")
    assert result.top is not None and result.top.topic == "wages.arrears"
    assert 0 < result.top.confidence <= 1

from __future__ import annotations

import pytest

from knowledge.places import find_place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("我在潞州区送快递 老板不发工资", "潞州区"),
        ("屯留这边的网点", "屯留区"),
        ("长子县的站点罚款", "长子县"),
        ("沁县", "沁县"),
        ("我是家里的长子 工资被扣了", None),
        ("太原的网点", None),
    ],
)
def test_find_place(text: str, place: str | None) -> None:
    assert find_place(text) == place

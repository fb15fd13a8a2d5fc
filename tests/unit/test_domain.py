from __future__ import annotations

import pytest

from bot.core.domain import LABOUR_TERMS, names_labour_law
from bot.core.normalize import normalize
from knowledge.loader import load_entries


@pytest.mark.parametrize(
    "text",
    [
        "请问律师我表哥因工伤事故手摔断了,赔偿程序如何走",
        "在饭店干了三年,老板要我离职,有没有经济补偿",
        "包工头跑了,我们的钱找谁要",
        "公傷怎麼認定",  # traditional characters are normalised first
    ],
)
def test_labour_questions_name_labour_law(text: str) -> None:
    assert names_labour_law(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["离婚时对方的工资收入怎么分", "租房押金房东不退怎么办", "车祸对方全责,保险公司理赔太少", ""],
)
def test_other_questions_do_not(text: str) -> None:
    assert not names_labour_law(normalize(text))


def test_no_term_occurs_in_an_out_of_scope_training_question() -> None:
    """The rule that chose the list: a term the non-labour examples use in another sense
    would set aside "out of scope" where it is right."""
    examples = load_entries()["meta.out_of_scope"].examples
    used = {term: [e for e in examples if term in normalize(e)] for term in LABOUR_TERMS}
    assert {term: found for term, found in used.items() if found} == {}

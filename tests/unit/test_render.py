from __future__ import annotations

import re
from decimal import Decimal

import pytest
from jinja2 import Environment, UndefinedError

from knowledge.calculators import double_wages
from knowledge.catalog import Catalog
from knowledge.render import Renderer, make_environment
from knowledge.schema import Entry


def test_answer_has_short_answer_steps_and_sources(catalog: Catalog) -> None:
    entry = catalog.entry("wages.arrears")
    assert entry is not None
    html = Renderer().answer(entry)
    assert entry.short.split("。")[0] in html
    assert "怎么做" in html and "1. " in html
    assert "《中华人民共和国劳动合同法》" in html
    assert "不是针对你个人情况的法律意见" in html


def test_text_fields_are_escaped(catalog: Catalog) -> None:
    entry = catalog.entry("wages.arrears")
    assert entry is not None
    hostile = entry.model_copy(update={"title": "<b>x</b>&", "steps": ["<a href='y'>z</a>"]})
    html = Renderer().answer(hostile)
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in html
    assert "<a href" not in html


def test_user_text_is_never_compiled_as_a_template() -> None:
    # A courier's "{{ 7*7 }}" shows up literally in the clarify titles it might reach.
    assert "{{ 7*7 }}" in Renderer().clarify(["{{ 7*7 }}"])


def test_undefined_variables_fail_loudly() -> None:
    env: Environment = make_environment()
    with pytest.raises(UndefinedError):
        env.get_template("answer.html").render()


def test_crisis_reply_always_has_the_hotlines() -> None:
    renderer = Renderer()
    for kind in ("self_harm", "violence"):
        text = renderer.crisis(kind)
        for number in ("12356", "12355", "110", "120"):
            assert number in text, (kind, number)


@pytest.mark.parametrize("topic", ["wages.arrears", "meta.greeting", "psych.stress"])
def test_every_kind_of_entry_renders(catalog: Catalog, topic: str) -> None:
    entry: Entry | None = catalog.entry(topic)
    if entry is None:
        pytest.skip(f"{topic} not written yet")
    renderer = Renderer()
    assert renderer.detail(entry)
    assert renderer.smalltalk(entry)


def test_calc_result_shows_the_time_limit_before_the_assumptions() -> None:
    html = Renderer().calc_result("没签劳动合同的二倍工资", double_wages(Decimal(5000), 6))
    assert "时间限制" in html and "一年" in html
    assert html.index("时间限制") < html.index("我按这些情况算的")


# Topics whose claim is lost after a year (arbitration, DR-07/DR-08; work injury, WI-09): the
# limit must be on the first screen, not only behind "详细说明".
TIME_LIMIT_TOPICS = (
    "contract.compensation", "contract.written", "contract.probation", "contract.deposit",
    "contract.status", "contract.part_time", "wages.overtime", "wages.deductions",
    "wages.minimum", "wages.leave", "wages.delivery_fee", "complaint.malicious",
    "safety.workplace", "insurance.platform_injury",
)  # fmt: skip
WAGE_TOPICS = ("contract.part_time", "wages.overtime", "wages.deductions", "wages.minimum",
               "complaint.malicious", "wages.delivery_fee")  # fmt: skip


def _clauses(html: str) -> list[str]:
    return re.split(r"[。；\n]", html)


@pytest.mark.parametrize("topic", TIME_LIMIT_TOPICS)
def test_the_first_screen_gives_the_time_limit(catalog: Catalog, topic: str) -> None:
    entry = catalog.entry(topic)
    assert entry is not None
    first_screen = Renderer().answer(entry)
    assert any(
        re.search(r"一年|1年", clause) and re.search(r"仲裁|工伤认定", clause)
        for clause in _clauses(first_screen)
    ), topic
    if topic in WAGE_TOPICS:  # withheld pay while still employed: not bound by the year (DR-08)
        assert "不受一年时效限制" in first_screen, topic

"""The hotline catalogue: it loads and checks itself, templates take every number from it, and
the numbers knowledge entries give are numbers of the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handoff.render import HandoffText
from knowledge.hotlines import catalogue, hotline, label, load_hotlines
from knowledge.loader import load_entries, load_fact_rows
from knowledge.render import Renderer

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT.parent / "shared" / "knowledge-facts.md"
TEMPLATE_DIRS = (ROOT / "knowledge" / "templates", ROOT / "handoff" / "templates")


def _templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.glob("*.html"))


def test_one_hotline_by_id_and_its_label() -> None:
    psych = hotline("psych")
    assert (psych.number, psych.name) == ("12356", "心理援助热线")
    assert label("psych") == "12356 心理援助热线"
    assert hotline("police").number == "110"
    with pytest.raises(KeyError):
        hotline("no_such_line")


def test_every_hotline_rests_on_a_citable_fact_row() -> None:
    if not FACTS.exists():
        pytest.skip("no ../shared beside this checkout")
    rows = load_fact_rows(FACTS)
    for line in catalogue().values():
        assert line.fact in rows, line.id
        assert rows[line.fact].citable, f"{line.id}: {line.fact} is not marked [V] or [S]"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('- {id: a, number: "110", name: x, purpose: y, fact: HL-07}\n' * 2, "id 'a'"),
        ('- {id: a, number: "1 10", name: x, purpose: y, fact: HL-07}\n', "number"),
        ('- {id: a, number: "110", name: x, purpose: y, fact: H7}\n', "fact"),
    ],
)
def test_a_bad_catalogue_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_text("hotlines:\n" + re.sub(r"^", "  ", text, flags=re.M), encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_hotlines(path)


@pytest.mark.parametrize(
    "template", _templates(), ids=lambda path: f"{path.parent.parent.name}/{path.name}"
)
def test_no_template_writes_a_hotline_number_itself(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    for line in catalogue().values():
        found = re.search(rf"(?<![\d-]){re.escape(line.number)}(?!\d)", text)
        assert found is None, f"{template.name} writes {line.number}; use hotline.{line.id}"


def test_templates_show_the_catalogue_numbers() -> None:
    crisis = Renderer().crisis("self_harm")
    for hotline_id in ("psych", "youth", "police", "ambulance"):
        assert f"<b>{hotline(hotline_id).number}</b>" in crisis
    courier_crisis = HandoffText().courier("crisis_open")
    assert hotline("psych").label in courier_crisis.replace("<b>", "").replace("</b>", "")


def test_numbers_in_entries_are_catalogue_numbers() -> None:
    numbers = {line.number for line in catalogue().values()}
    for entry in load_entries().values():
        for place in entry.where:
            if place.phone is None:
                continue
            # An area code before a national short number (010-12351) is the same line.
            assert place.phone.rsplit("-", 1)[-1] in numbers, (entry.topic, place.phone)

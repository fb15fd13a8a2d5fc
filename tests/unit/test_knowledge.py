"""The knowledge files: schema, cross-checks against topics and the facts sheet, and the loader's
error messages (they must name the file and the field)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge.loader import (
    KnowledgeError,
    check_entries,
    load_entries,
    load_fact_rows,
    load_topics,
)

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT.parent / "shared" / "knowledge-facts.md"
GOOD = ROOT / "knowledge" / "entries" / "wages" / "arrears.yaml"


def test_topics_match_the_shared_list() -> None:
    shared = ROOT.parent / "shared" / "topics.yaml"
    if not shared.exists():
        pytest.skip("no ../shared beside this checkout")
    assert load_topics(shared) == load_topics()
    assert len(load_topics()) == 48


def test_all_entries_are_valid_and_cite_only_checked_facts() -> None:
    entries = load_entries()
    facts = load_fact_rows(FACTS) if FACTS.exists() else None
    assert check_entries(entries, load_topics(), facts) == []


def test_every_entry_has_enough_training_examples() -> None:
    thin = {t: len(e.examples) for t, e in load_entries().items() if len(e.examples) < 25}
    assert thin == {}


def test_fact_marks_are_read_from_the_sheet() -> None:
    if not FACTS.exists():
        pytest.skip("no facts sheet")
    rows = load_fact_rows(FACTS)
    assert rows["LC-01"].citable
    assert not rows["HL-06"].citable  # 12305: unverified
    assert rows["MW-06"].citable  # mixed marks: the divisions part is [S]


def _write(tmp_path: Path, name: str, data: object) -> Path:
    folder = tmp_path / "entries"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_errors_name_file_and_field(tmp_path: Path) -> None:
    raw = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    raw["short"] = "太长" * 150
    del raw["title"]
    folder = _write(tmp_path, "bad.yaml", raw)
    with pytest.raises(KnowledgeError) as info:
        load_entries(folder)
    text = str(info.value)
    assert "bad.yaml: short:" in text
    assert "bad.yaml: title:" in text


def test_legal_entry_without_sources_is_rejected(tmp_path: Path) -> None:
    raw = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    raw["sources"] = []
    with pytest.raises(KnowledgeError, match="at least one source"):
        load_entries(_write(tmp_path, "nosrc.yaml", raw))


def test_duplicate_topics_are_rejected(tmp_path: Path) -> None:
    raw = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    _write(tmp_path, "one.yaml", raw)
    folder = _write(tmp_path, "two.yaml", raw)
    with pytest.raises(KnowledgeError, match="already defined"):
        load_entries(folder)


def test_unverified_fact_in_facts_is_reported() -> None:
    if not FACTS.exists():
        pytest.skip("no facts sheet")
    entries = load_entries()
    entry = entries["wages.arrears"].model_copy(update={"facts": ["HL-06"], "sources": []})
    problems = check_entries(
        {"wages.arrears": entry}, load_topics(), load_fact_rows(FACTS), require_all_topics=False
    )
    assert any("HL-06 is marked [U]" in p for p in problems)


def test_no_evaluation_text_in_training_data_or_knowledge() -> None:
    """../shared/eval measures; none of its texts may be in nlu/ or knowledge/."""
    import json

    eval_dir = ROOT.parent / "shared" / "eval"
    if not eval_dir.exists():
        pytest.skip("no ../shared/eval beside this checkout")
    texts = set()
    for path in eval_dir.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text", "").strip()
                if len(text) >= 6:
                    texts.add(text)
    assert texts
    leaks = []
    for folder in ("nlu", "knowledge"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".yaml", ".yml", ".txt", ".html"} and path.is_file():
                body = path.read_text(encoding="utf-8")
                leaks += [f"{path.name}: {t}" for t in texts if t in body]
    assert leaks == []


def test_folded_yaml_lines_do_not_leave_spaces_inside_chinese(tmp_path: Path) -> None:
    raw = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    raw["short"] = "工资要按时发。 被拖欠了可以投诉，拨打 12333 问。"
    raw["steps"] = ["先存证据， 再投诉"]
    entry = load_entries(_write(tmp_path, "fold.yaml", raw))["wages.arrears"]
    assert entry.short == "工资要按时发。被拖欠了可以投诉，拨打 12333 问。"
    assert entry.steps == ["先存证据，再投诉"]


# Every channel (WeChat too) understands the plain words 活动, 订阅, 退订, 转人工, 删除我的数据;
# only Telegram knows slash commands.
_CHANNEL_BOUND = re.compile(r"telegram|(?<![\w/:.])/[a-z]+\b", re.IGNORECASE)


def test_no_entry_names_telegram_or_a_slash_command() -> None:
    for entry in load_entries().values():
        fields = entry.model_dump(exclude={"examples", "sources"})
        text = yaml.safe_dump(fields, allow_unicode=True)
        found = _CHANNEL_BOUND.search(text)
        assert found is None, f"{entry.topic}: {found.group()!r}; use the plain words instead"


def test_no_courier_template_names_telegram_or_a_slash_command() -> None:
    courier_templates = [
        *sorted((ROOT / "knowledge" / "templates").glob("*.html")),
        ROOT / "handoff" / "templates" / "courier.html",
    ]
    for path in courier_templates:
        text = re.sub(r"</?\w+[^>]*>", "", path.read_text(encoding="utf-8"))  # no HTML tags
        found = _CHANNEL_BOUND.search(text)
        assert found is None, f"{path.name}: {found.group()!r}"

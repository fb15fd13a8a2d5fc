from __future__ import annotations

from bot.core.normalize import has_meaningful_text, normalize


def test_traditional_becomes_simplified() -> None:
    assert (
        normalize("老闆拖欠薪水，我該怎麼辦") == "老板拖欠薪水,我该怎么办"
    )  # NFKC folds the comma


def test_full_width_and_spaces_are_folded() -> None:
    assert normalize("  工资　　ＡＢＣ１２３  ") == "工资 ABC123"


def test_long_text_is_capped() -> None:
    assert len(normalize("欠" * 50_000)) == 1000
    assert len(normalize("欠" * 50_000, max_chars=20)) == 20


def test_meaningful_text() -> None:
    assert has_meaningful_text("工伤")
    assert has_meaningful_text("123")
    assert not has_meaningful_text("😭😭👍")
    assert not has_meaningful_text("？？！。")
    assert not has_meaningful_text("")

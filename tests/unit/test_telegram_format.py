"""Replies as Telegram messages: splitting under 4096 characters, keyboards, HTML kept valid."""

from __future__ import annotations

import re

import pytest

from bot.channels.telegram.format import MESSAGE_LIMIT, keyboard, messages_for, split_html
from common.replies import Choice, Reply

TAG = re.compile(r"</?(b|i|a)(\s[^>]*)?>")


def _balanced(text: str) -> bool:
    depth: dict[str, int] = {}
    for match in TAG.finditer(text):
        name = match.group(1)
        depth[name] = depth.get(name, 0) + (-1 if match.group(0).startswith("</") else 1)
        if depth[name] < 0:
            return False
    return all(value == 0 for value in depth.values())


def test_short_text_is_one_message() -> None:
    assert split_html("你好\n\n再见") == ["你好\n\n再见"]


def test_empty_text_gives_no_message() -> None:
    assert split_html("  \n ") == []
    assert messages_for(Reply(blocks=("",))) == []


def test_long_answer_splits_at_paragraphs_and_keeps_every_character() -> None:
    paragraphs = [f"<b>第{i}段</b>：" + "工资" * 300 for i in range(12)]
    text = "\n\n".join(paragraphs)
    chunks = split_html(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= MESSAGE_LIMIT for chunk in chunks)
    assert all(_balanced(chunk) for chunk in chunks)
    # Splits fall between paragraphs: rejoining gives the original text back.
    assert "\n\n".join(chunks) == text


def test_one_huge_line_is_cut_outside_tags_and_entities() -> None:
    text = ("我&amp;你<b>加粗</b>" * 900)[:20000]
    chunks = split_html(text, limit=500)
    assert all(len(chunk) <= 500 for chunk in chunks)
    assert "".join(chunks) == text.strip()
    for chunk in chunks:
        assert chunk.count("<") == chunk.count(">")
        assert not re.search(r"&[a-z]*$", chunk)
        assert _balanced(chunk)


@pytest.mark.parametrize("limit", [50, 200, 4096])
def test_lines_of_a_long_paragraph_stay_whole_when_they_fit(limit: int) -> None:
    lines = [f"{i}. 第{i}步：保存好工资条和聊天记录" for i in range(200)]
    chunks = split_html("\n".join(lines), limit=limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert [line for chunk in chunks for line in chunk.split("\n")] == lines


def test_buttons_go_under_the_last_message_only() -> None:
    reply = Reply(
        blocks=("甲" * 3000, "乙" * 3000), choices=(Choice("详细说明", "d:wages.arrears"),)
    )
    messages = messages_for(reply)
    assert len(messages) == 2
    assert messages[0].markup is None
    assert messages[1].markup is not None
    assert messages[1].markup.inline_keyboard[0][0].callback_data == "d:wages.arrears"


def test_keyboard_pairs_short_labels_and_keeps_long_ones_alone() -> None:
    markup = keyboard(
        (
            Choice("有帮助", "y:x"),
            Choice("没帮助", "n:x"),
            Choice("算经济补偿（N）和赔偿金", "c:compensation"),
            Choice("找真人", "h"),
        )
    )
    assert markup is not None
    labels = [[button.text for button in row] for row in markup.inline_keyboard]
    assert labels == [["有帮助", "没帮助"], ["算经济补偿（N）和赔偿金"], ["找真人"]]
    assert keyboard(()) is None

"""Replies as 微信客服 messages: the byte limits, the menu last, and the window's budget."""

from __future__ import annotations

import pytest

from bot.channels.wecom.format import HEAD_BYTES, MORE, TEXT_BYTES, chunks, plan, size
from common.replies import Choice, Reply

CHOICES = (Choice("详细说明", "d:wages.arrears"), Choice("找真人", "h"))


def long_answer(paragraphs: int = 12) -> Reply:
    body = "\n\n".join(f"第{n}段：" + "工资要按时足额发放。" * 30 for n in range(paragraphs))
    return Reply(blocks=(f"<b>先说结论</b>：可以要。\n\n{body}",), choices=CHOICES)


def texts(messages: tuple[dict[str, object], ...]) -> list[str]:
    out = []
    for m in messages:
        if m["msgtype"] == "text":
            out.append(m["text"]["content"])  # type: ignore[index]
        else:
            out.append(m["msgmenu"]["head_content"])  # type: ignore[index]
    return out


def test_a_short_answer_is_one_menu_message_with_its_buttons() -> None:
    planned = plan(Reply(blocks=("<b>可以</b>，按月发&amp;足额。",), choices=CHOICES), 5)
    [message] = planned.messages
    assert message["msgtype"] == "msgmenu" and not planned.cut
    menu = message["msgmenu"]
    assert menu["head_content"] == "可以，按月发&足额。"  # plain text, entities decoded
    assert [i["click"]["id"] for i in menu["list"]] == ["d:wages.arrears", "h"]


@pytest.mark.parametrize("budget", [1, 2, 3, 5])
def test_a_long_answer_keeps_every_limit_and_ends_with_the_menu(budget: int) -> None:
    planned = plan(long_answer(), budget)
    assert 1 <= len(planned.messages) <= budget
    assert planned.messages[-1]["msgtype"] == "msgmenu"
    for message, text in zip(planned.messages, texts(planned.messages), strict=True):
        limit = TEXT_BYTES if message["msgtype"] == "text" else HEAD_BYTES
        assert size(text) <= limit
    assert texts(planned.messages)[0].startswith("先说结论")  # the short answer comes first
    if planned.cut:
        assert any(MORE in t for t in texts(planned.messages))


def test_nothing_is_planned_when_the_window_allows_nothing() -> None:
    assert plan(long_answer(), 0).messages == ()


def test_chunks_cut_a_wall_of_text_without_breaking_characters() -> None:
    wall = "长" * 5000  # one paragraph, no line breaks
    pieces = chunks(wall)
    assert "".join(pieces) == wall and all(size(p) <= TEXT_BYTES for p in pieces)


def test_emoji_only_and_empty_replies() -> None:
    assert plan(Reply(blocks=("😊" * 700,)), 5).messages  # 4-byte characters cut cleanly
    assert plan(Reply(blocks=("",)), 5).messages == ()

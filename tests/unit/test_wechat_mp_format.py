"""Replies as WeChat texts: 2,048 bytes, at most two messages, the start kept, links last."""

from __future__ import annotations

from bot.channels.wechat_mp.format import CUT, MORE, TEXT_LIMIT, Menus, render, size, words
from common.replies import Choice, Reply

DETAIL = Choice("详细说明", "d:wages.arrears")
HUMAN = Choice("找真人", "h")


def test_a_short_reply_is_one_text_with_its_links() -> None:
    menus = Menus(lambda: 0.0)
    links = menus.links("o", (DETAIL,))
    [text] = render(Reply(blocks=("<b>短</b>答案",), choices=(DETAIL,)), links)
    assert text.startswith('短答案\n\n<a href="weixin://bizmsgmenu?msgmenucontent=详细说明')
    assert size(text) <= TEXT_LIMIT


def test_a_long_answer_keeps_its_start_and_points_to_the_details() -> None:
    paragraphs = [f"第{n}段：" + "工资" * 300 for n in range(8)]  # ~1.8 kB each
    menus = Menus(lambda: 0.0)
    links = menus.links("o", (DETAIL, HUMAN))
    parts = render(Reply(blocks=("\n\n".join(paragraphs),), choices=(DETAIL, HUMAN)), links)
    assert len(parts) == 2
    assert all(size(part) <= TEXT_LIMIT for part in parts)
    assert parts[0].startswith("第0段") and MORE in parts[1] and "找真人</a>" in parts[1]


def test_without_details_a_cut_says_so_and_one_long_line_is_split_safely() -> None:
    parts = render(Reply(blocks=("长" * 3000,)), [])
    assert len(parts) == 2 and CUT in parts[1]
    assert all(size(part) <= TEXT_LIMIT for part in parts)


def test_a_tap_comes_back_as_its_choice_by_id_or_by_text() -> None:
    now = [0.0]
    menus = Menus(lambda: now[0])
    [detail, _human] = menus.links("o", (DETAIL, HUMAN))
    assert menus.pressed("o", "详细说明", detail.id) == DETAIL
    assert menus.pressed("o", "something else", detail.id) is None
    assert menus.pressed("o", "找真人", None) == HUMAN
    assert menus.pressed("o", "找真人呀", None) is None
    assert menus.pressed("other", "找真人", None) is None
    now[0] = 49 * 3600.0
    assert menus.pressed("o", "找真人", None) is None


def test_link_text_cannot_break_the_link() -> None:
    [link] = Menus(lambda: 0.0).links("o", (Choice('a&b"<c>', "x"),))
    assert "&b" not in link.html().replace("&amp;msgmenuid", "") and '"<' not in link.html()


def test_slash_commands_become_words_but_links_stay() -> None:
    text = "也可以发 /menu 按主题找，不想要了发 /unsubscribe。详情 https://a.org/events/5 /eventsx"
    assert words(text) == (
        "也可以发 “菜单” 按主题找，不想要了发 “退订”。详情 https://a.org/events/5 /eventsx"
    )

"""Replies as WeChat text messages: plain text, at most 2,048 UTF-8 bytes each, choices as
tappable links.

A 客服消息 window holds few messages (five after a follower's message, three after a follow or
a click), so a reply is planned to fit one message, two at most: the answers put the short
answer, the time limit, the steps and where to go first (see `knowledge/render`), so the
paragraphs that do not fit are left out and the “详细说明” link under the answer brings them.

Choices: WeChat has no buttons under a message, but a text may hold `weixin://bizmsgmenu`
links; a tap sends the link's text back as the follower's message (with `bizmsgmenuid`, the
link's id). `Menus` remembers which id and which text stood for which choice, so the tap comes
back to the core as the button it stands for; a follower who types the same words gets the same.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from common.replies import Choice, Reply, to_plain

TEXT_LIMIT = 2048  # bytes of UTF-8 in one text message
MAX_PARTS = 2  # messages one reply may take from the window
MORE = "……（还有更多，点“详细说明”看全文）"
CUT = "……（内容太长，只发了前面一部分。可以发“转人工”找工作人员细说。）"
MENU_TTL = 48 * 3600.0  # a link works as long as the window it was sent in
MAX_MENU_USERS = 50_000
_UNSAFE = re.compile(r"[&\"<>#?=\n\r]")
# Texts written for Telegram (the fallback, the reminders' own) name slash commands; WeChat has
# none, so they become the words that do the same here (see bot.core.keywords).
SLASH_WORDS = {
    "start": "“开始”", "menu": "“菜单”", "help": "“帮助”", "human": "“转人工”",
    "cancel": "“取消”", "privacy": "“隐私”", "forget": "“删除我的数据”", "events": "“活动”",
    "subscribe": "“订阅”", "unsubscribe": "“退订”",
}  # fmt: skip
_SLASH = re.compile(r"(?<![\w/.:])/(" + "|".join(SLASH_WORDS) + r")\b(?!/)")


def size(text: str) -> int:
    return len(text.encode())


@dataclass(frozen=True, slots=True)
class Link:
    id: str
    choice: Choice

    @property
    def label(self) -> str:
        return _UNSAFE.sub(" ", self.choice.label).strip() or "…"

    def html(self) -> str:
        return (
            f'<a href="weixin://bizmsgmenu?msgmenucontent={self.label}&amp;msgmenuid={self.id}">'
            f"{self.label}</a>"
        )


def render(reply: Reply, links: list[Link]) -> list[str]:
    """The texts of a reply: at most `MAX_PARTS` messages, the links under the last."""
    tail = "\n".join(link.html() for link in links)
    reserve = size(tail) + 2 if tail else 0
    note = MORE if any(link.choice.label == "详细说明" for link in links) else CUT
    units: list[str] = []
    for paragraph in words(reply.plain()).split("\n\n"):
        if paragraph.strip():
            units.extend(_pieces(paragraph.strip(), TEXT_LIMIT // 2))
    parts: list[str] = []
    current = ""
    for index, unit in enumerate(units):
        last = len(parts) == MAX_PARTS - 1
        limit = TEXT_LIMIT - (reserve if last else 0)
        joined = f"{current}\n\n{unit}" if current else unit
        if size(joined) <= limit:
            current = joined
            continue
        if not last:
            parts.append(current)
            current = unit
            continue
        if index < len(units):  # the rest does not fit: say where it is
            current = _trim(current, limit - size(note) - 1) + "\n" + note
        break
    if tail:
        current = f"{current}\n\n{tail}" if current else tail
    if current:
        parts.append(current)
    return parts


def words(text: str) -> str:
    """“发 /menu” → “发 “菜单””: slash commands as the words WeChat understands."""
    return _SLASH.sub(lambda match: SLASH_WORDS[match.group(1)], text)


def _pieces(paragraph: str, limit: int) -> list[str]:
    """A paragraph in pieces of at most `limit` bytes: whole lines, then cut at characters."""
    if size(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for line in paragraph.split("\n"):
        while size(line) > limit:
            head = _trim(line, limit)
            pieces.append(head)
            line = line[len(head) :]
        joined = f"{current}\n{line}" if current else line
        if size(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def _trim(text: str, room: int) -> str:
    """`text` cut to `room` bytes: whole lines when possible, else at a character."""
    if size(text) <= room:
        return text
    lines = text.split("\n")
    while len(lines) > 1 and size("\n".join(lines)) > room:
        lines.pop()
    kept = "\n".join(lines)
    if size(kept) <= room:
        return kept
    return kept.encode()[: max(0, room)].decode(errors="ignore")


class Menus:
    """The links each follower was last sent, by id and by text, for the taps coming back."""

    def __init__(self, time_source: Callable[[], float] = time.monotonic) -> None:
        self._time = time_source
        self._next = 100
        self._by_user: OrderedDict[str, dict[str, tuple[float, Choice]]] = OrderedDict()

    def links(self, openid: str, choices: tuple[Choice, ...]) -> list[Link]:
        links = []
        now = self._time()
        known = self._by_user.pop(openid, {})
        known = {key: item for key, item in known.items() if now - item[0] < MENU_TTL}
        for choice in choices:
            self._next += 1
            link = Link(str(self._next), choice)
            links.append(link)
            known[f"id:{link.id}"] = (now, choice)
            known[f"text:{link.label}"] = (now, choice)
        self._by_user[openid] = known
        while len(self._by_user) > MAX_MENU_USERS:
            self._by_user.popitem(last=False)
        return links

    def pressed(self, openid: str, text: str, menu_id: str | None) -> Choice | None:
        """The choice a follower's message stands for (a tapped link), or None."""
        known = self._by_user.get(openid)
        if not known:
            return None
        now = self._time()
        text = text.strip()
        for key in (f"id:{menu_id}" if menu_id else None, f"text:{text}"):
            item = known.get(key) if key else None
            # The text must be the link's too: an id from before a restart may be reused.
            if item is not None and now - item[0] < MENU_TTL and Link("", item[1]).label == text:
                return item[1]
        return None


def plain(html_text: str) -> str:
    return to_plain(html_text)

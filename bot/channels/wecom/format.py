"""The core's replies as WeCom 微信客服 messages: plain text and `msgmenu` click items.

Every text is at most 2,048 UTF-8 bytes (about 680 Chinese characters); a menu's head at most
1,024 bytes, at most 10 click items, an item's id 64 bytes and its text 128. A reply is planned
to fit the messages the window still allows: the answer's first paragraphs (the short answer,
the time limit, the steps, where to go) come first; what does not fit waits behind “详细说明”,
and the buttons always come last as a menu, so the courier can go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.replies import Choice, Reply, to_plain

TEXT_BYTES = 2048
HEAD_BYTES = 1024
MENU_ITEMS = 10
ITEM_ID_BYTES = 64
ITEM_TEXT_BYTES = 128
MENU_PROMPT = "点下面的选项继续，或者直接打字问我："
MORE = "……（后面还有，点“详细说明”看全部，或者接着问我）"
JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Planned:
    messages: tuple[JSON, ...]
    cut: bool  # part of the text was left out to stay within the window


def size(text: str) -> int:
    return len(text.encode())


def clip(text: str, limit: int, tail: str = "") -> str:
    """`text` cut (at a character) so that it and `tail` fit `limit` bytes."""
    if size(text) <= limit:
        return text
    room = limit - size(tail)
    out = text.encode()[:room].decode(errors="ignore")
    return out + tail


def with_more(text: str, limit: int) -> str:
    """`text` (cut if needed) and the note that more follows, within `limit` bytes."""
    return clip(text, limit - size(MORE)) + MORE


def chunks(text: str, limit: int = TEXT_BYTES) -> list[str]:
    """Paragraphs packed into pieces of at most `limit` bytes; a long paragraph is cut at lines,
    then at characters."""
    pieces: list[str] = []
    current = ""
    for paragraph in _units(text.strip(), limit):
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if size(joined) <= limit:
            current = joined
            continue
        if current:
            pieces.append(current)
        current = paragraph
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> list[str]:
    units: list[str] = []
    for paragraph in text.split("\n\n"):
        if size(paragraph) <= limit:
            units.append(paragraph)
            continue
        line_chunk = ""
        for line in paragraph.split("\n"):
            while size(line) > limit:
                head = clip(line, limit)
                units.extend(filter(None, [line_chunk, head]))
                line_chunk, line = "", line[len(head) :]
            joined = f"{line_chunk}\n{line}" if line_chunk else line
            if size(joined) <= limit:
                line_chunk = joined
            else:
                units.append(line_chunk)
                line_chunk = line
        if line_chunk:
            units.append(line_chunk)
    return units


def text_message(text: str) -> JSON:
    return {"msgtype": "text", "text": {"content": clip(text, TEXT_BYTES)}}


def menu_message(head: str, choices: tuple[Choice, ...], tail: str = "") -> JSON:
    items = [
        {"type": "click", "click": {"id": c.data, "content": clip(c.label, ITEM_TEXT_BYTES)}}
        for c in choices
        if size(c.data) <= ITEM_ID_BYTES
    ][:MENU_ITEMS]
    menu: JSON = {"head_content": clip(head, HEAD_BYTES), "list": items}
    if tail:
        menu["tail_content"] = clip(tail, HEAD_BYTES)
    return {"msgtype": "msgmenu", "msgmenu": menu}


def plan(reply: Reply, budget: int) -> Planned:
    """At most `budget` messages for `reply`."""
    if budget <= 0:
        return Planned((), cut=True)
    text = "\n\n".join(to_plain(block) for block in reply.blocks if block.strip())
    pieces = chunks(text)
    choices = reply.choices
    if not choices:
        if len(pieces) <= budget:
            return Planned(tuple(text_message(p) for p in pieces), cut=False)
        kept = pieces[:budget]
        kept[-1] = with_more(kept[-1], TEXT_BYTES)
        return Planned(tuple(text_message(p) for p in kept), cut=True)
    # The menu goes last; the last piece rides in its head when it fits there.
    if pieces and size(pieces[-1]) <= HEAD_BYTES:
        head, body = pieces[-1], pieces[:-1]
    else:
        head, body = MENU_PROMPT, pieces
    room = budget - 1
    cut = len(body) > room
    if cut:  # what fits of the answer from its start, and the menu with a plain prompt
        body, head = pieces[:room], MENU_PROMPT
        if body:
            body[-1] = with_more(body[-1], TEXT_BYTES)
        elif pieces:
            head = with_more(pieces[0], HEAD_BYTES)
    messages = [text_message(p) for p in body]
    messages.append(menu_message(head, choices))
    return Planned(tuple(messages), cut=cut)


def flat_text(message: JSON) -> str:
    """What a planned message says, as one text (for a channel that cannot send menus)."""
    if message["msgtype"] == "text":
        return str(message["text"]["content"])
    menu = message["msgmenu"]
    items = "\n".join(f"· {item['click']['content']}" for item in menu["list"])
    return f"{menu['head_content']}\n{items}".strip()

"""Replies as Telegram messages: HTML text split under the 4096-character limit, inline keyboards.

Pure functions of `Reply` data, so they are tested without a bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from common.replies import Choice, Reply

MESSAGE_LIMIT = 4096
_ROW_WIDTH_CHARS = 14  # two buttons share a row when both labels are at most half of this
_OPEN_TAG = re.compile(r"<(b|i|u|s|a|code|pre|blockquote)(\s[^>]*)?>")


@dataclass(frozen=True, slots=True)
class OutMessage:
    text: str
    markup: InlineKeyboardMarkup | None = None


def keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """Short labels two to a row, long ones alone; order kept."""
    if not choices:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for choice in choices:
        button = InlineKeyboardButton(choice.label, callback_data=choice.data)
        last = rows[-1] if rows else None
        if (
            last is not None
            and len(last) == 1
            and len(last[0].text) <= _ROW_WIDTH_CHARS // 2
            and len(choice.label) <= _ROW_WIDTH_CHARS // 2
        ):
            last.append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows)


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at paragraph boundaries, then lines, then characters, never inside a tag or entity.

    Our blocks only open and close tags within a paragraph, so whole paragraphs stay valid HTML.
    A single line longer than `limit` (rare: a pasted wall of text) is cut at a safe character.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for paragraph in _units(text, limit):
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            pieces.append(current)
        current = paragraph
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> list[str]:
    """Paragraphs no longer than `limit`: long ones are broken at lines, then at safe points."""
    units: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            units.append(paragraph)
            continue
        chunk = ""
        for line in paragraph.split("\n"):
            while len(line) > limit:
                cut = _safe_cut(line, limit)
                units.extend(filter(None, [chunk, line[:cut]]))
                chunk, line = "", line[cut:]
            joined = f"{chunk}\n{line}" if chunk else line
            if len(joined) <= limit:
                chunk = joined
            else:
                units.append(chunk)
                chunk = line
        if chunk:
            units.append(chunk)
    return units


def _safe_cut(line: str, limit: int) -> int:
    """The largest cut point <= limit that is not inside a tag or an entity, and not inside an
    open element (a cut inside <b>...</b> would leave both halves unbalanced)."""
    cut = limit
    while cut > 0:
        head = line[:cut]
        inside_tag = head.rfind("<") > head.rfind(">")
        inside_entity = head.rfind("&") > max(head.rfind(";"), head.rfind(" "))
        open_elements = len(_OPEN_TAG.findall(head)) - head.count("</")
        if not inside_tag and not inside_entity and open_elements <= 0:
            return cut
        cut -= 1
    return limit  # no safe point: a plain cut (the caller's text had no markup to protect)


def messages_for(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[OutMessage]:
    """The reply's blocks as messages; the buttons go under the last one."""
    chunks = split_html("\n\n".join(block for block in reply.blocks if block.strip()), limit)
    if not chunks:
        return []
    markup = keyboard(reply.choices)
    return [OutMessage(chunk) for chunk in chunks[:-1]] + [OutMessage(chunks[-1], markup)]

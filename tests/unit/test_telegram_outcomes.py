"""Turning Telegram messages into handoff data and handoff buttons into keyboards (offline)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.outcomes import incoming_of, markup
from bot.channels.telegram.staff import _command_of
from handoff.notices import Button

CHAT = {"id": 42, "type": "private", "first_name": "张三丰"}


def update_of(**content: Any) -> Update:
    message = {"message_id": 7, "date": 0, "chat": CHAT, "from": {**CHAT, "is_bot": False}}
    return Update.de_json({"update_id": 9, "message": {**message, **content}}, None)


def test_a_rating_is_one_row_and_claims_are_laid_out_like_answers() -> None:
    scale = markup(tuple(Button(str(n), f"xr:1:{n}") for n in range(1, 6)))
    assert scale is not None and [len(row) for row in scale.inline_keyboard] == [5]
    claims = markup(tuple(Button(f"接手 #{n}", f"xc:{n}") for n in range(1, 4)))
    assert claims is not None and [len(row) for row in claims.inline_keyboard] == [2, 1]
    assert markup(()) is None


def test_a_photo_with_a_caption_replying_to_a_relayed_message() -> None:
    photo = [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]
    update = update_of(photo=photo, caption="工资条", reply_to_message={
        "message_id": 5, "date": 0, "chat": CHAT,
    })  # fmt: skip
    assert update.message is not None
    incoming = incoming_of(update.update_id, update.message)
    assert (incoming.kind, incoming.text, incoming.reply_to) == ("photo", "工资条", "5")
    assert incoming.chat.ref == "42" and incoming.dedupe_key == "tg:9"
    assert "张三丰" not in repr(incoming)  # no name travels with a message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/close 已解答 建议协商", ("close", "已解答 建议协商")),
        ("/close@courier_aid_bot #3 好了", ("close", "#3 好了")),
        ("/transfer\nunion 转给工会", ("transfer", "union 转给工会")),
        ("/QUEUE", ("queue", "")),
        ("你好 /close", None),
    ],
)
def test_staff_commands_are_read_with_their_argument(
    text: str, expected: tuple[str, str] | None
) -> None:
    entities = []
    if text.startswith("/"):
        length = len(text.split()[0])
        entities = [{"type": "bot_command", "offset": 0, "length": length}]
    assert _command_of(update_of(text=text, entities=entities)) == expected

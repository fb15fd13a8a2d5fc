"""The terminal chat: a courier types, the assistant answers; numbers press the offered buttons.

A channel like the others: each line becomes one call of the conversation core (crisis first,
consent, the dialogue …) and what the core sends comes back through `TerminalOutlet`, printed
as plain text with the buttons numbered.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.core.conversation import Conversation, Inbound
from bot.core.dialogue import UserRef
from bot.core.dispatch import Delivery, Sent
from common.replies import Choice, Reply, to_plain
from handoff.notices import CopyMessage, EditCard, Notice

CHANNEL = "terminal"
WELCOME = (
    "你好，我是暖蜂助手，帮长治的快递小哥小姐姐解答劳动合同、工资、罚款、社保、工伤这些问题。\n"
    "直接打字提问就行。回复里的按钮，输入前面的数字来点。输入 /exit 退出。\n"
    "提醒：我提供的是法律信息，不是法律意见。"
)
BYE = "再见，有事随时来找我。"


def format_reply(reply: Reply) -> str:
    text = reply.plain()
    if reply.choices:
        buttons = "  ".join(
            f"[{number}] {choice.label}" for number, choice in enumerate(reply.choices, start=1)
        )
        text += f"\n\n{buttons}"
    return text


class TerminalOutlet:
    """Prints what the core sends; remembers the last buttons so a number can press them."""

    channel = CHANNEL

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.choices: tuple[Choice, ...] = ()

    async def reply(self, to: str, reply: Reply) -> Sent:
        if reply.choices:
            self.choices = reply.choices
        print(f"\n暖蜂助手：\n{format_reply(reply)}", file=self._out, flush=True)
        return Sent(Delivery.SENT, None)

    async def notice(self, item: Notice | CopyMessage) -> Sent:
        if isinstance(item, CopyMessage):
            text = item.label()
            choices: tuple[Choice, ...] = ()
        else:
            text = to_plain(item.html)
            choices = tuple(Choice(b.label, b.data) for b in item.buttons)
        return await self.reply(item.to.ref, Reply(blocks=(text,), choices=choices))

    async def edit(self, item: EditCard) -> Sent:
        return Sent(Delivery.SENT, item.message_ref)

    async def typing(self, to: str) -> None:
        return None


async def run_terminal_chat(
    conversation: Conversation,
    *,
    user: str = "terminal",
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> None:
    """Chat until /exit or end of input."""
    who = UserRef(channel=CHANNEL, external_ref=user)
    outlet = TerminalOutlet(out)
    conversation.dispatcher.register(outlet)
    print(WELCOME, file=out)
    while True:
        try:
            line = read("\n你：").strip()
        except (EOFError, KeyboardInterrupt):
            print(f"\n{BYE}", file=out)
            return
        if line in {"/exit", "/quit", "退出"}:
            print(BYE, file=out)
            return
        if line.isdigit() and 1 <= int(line) <= len(outlet.choices):
            pressed = await conversation.button(who, outlet.choices[int(line) - 1].data)
            for reply in (pressed.show, pressed.then):
                if reply is not None:
                    await conversation.say(who, reply)
            if pressed.toast and pressed.alone:
                print(f"\n暖蜂助手：\n{pressed.toast}", file=out, flush=True)
            continue
        await conversation.text(Inbound(who, line))

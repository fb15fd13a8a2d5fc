"""The terminal chat: a courier types, the assistant answers; numbers press the offered buttons."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.core.dialogue import Dialogue, UserRef
from common.replies import Choice, Reply

WELCOME = (
    "你好，我是暖蜂助手，帮长治的快递小哥小姐姐解答劳动合同、工资、罚款、社保、工伤这些问题。\n"
    "直接打字提问就行。回复里的按钮，输入前面的数字来点。输入 /exit 退出。\n"
    "提醒：我提供的是法律信息，不是法律意见。"
)


def format_reply(reply: Reply) -> str:
    text = reply.plain()
    if reply.choices:
        buttons = "  ".join(
            f"[{number}] {choice.label}" for number, choice in enumerate(reply.choices, start=1)
        )
        text += f"\n\n{buttons}"
    return text


async def run_terminal_chat(
    dialogue: Dialogue,
    *,
    user: str = "terminal",
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> None:
    """Chat until /exit or end of input."""
    who = UserRef(channel="terminal", external_ref=user)
    print(WELCOME, file=out)
    choices: tuple[Choice, ...] = ()
    while True:
        try:
            line = read("\n你：").strip()
        except (EOFError, KeyboardInterrupt):
            print("\n再见，有事随时来找我。", file=out)
            return
        if line in {"/exit", "/quit", "退出"}:
            print("再见，有事随时来找我。", file=out)
            return
        if line.isdigit() and 1 <= int(line) <= len(choices):
            reply = await dialogue.handle_button(who, choices[int(line) - 1].data)
        else:
            maybe = await dialogue.handle_text(who, line)
            if maybe is None:
                continue
            reply = maybe
        choices = reply.choices
        print(f"\n暖蜂助手：\n{format_reply(reply)}", file=out, flush=True)

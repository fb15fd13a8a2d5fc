"""The terminal channel: scripted input, real dialogue core on SQLite, scripted NLU."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from bot.channels.terminal import run_terminal_chat
from common.clock import FixedClock
from knowledge.catalog import Catalog
from tests.helpers.fakes import ScriptedParser
from tests.unit.test_dialogue import make_dialogue


def scripted(lines: list[str]) -> Iterator[str]:
    yield from lines


async def test_chat_answers_and_buttons_are_pressed_by_number(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"老板拖了两个月工资": [("wages.arrears", 0.93)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    lines = scripted(["老板拖了两个月工资", "1", "99", "/exit"])
    out = io.StringIO()
    await run_terminal_chat(dialogue, read=lambda _prompt: next(lines), out=out)
    text = out.getvalue()
    assert "暖蜂助手" in text
    assert "[1] 详细说明" in text and "[4] 找真人" in text
    assert "要留好的证据" in text  # the detail button was pressed
    assert "再见" in text
    assert "<b>" not in text  # the HTML subset is turned into plain text


async def test_end_of_input_ends_the_chat_kindly(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, ScriptedParser())

    def eof(_prompt: str) -> str:
        raise EOFError

    out = io.StringIO()
    await run_terminal_chat(dialogue, read=eof, out=out)
    assert "再见" in out.getvalue()

"""The terminal channel: scripted input, the real conversation core on SQLite, scripted NLU."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from bot.channels.terminal import run_terminal_chat
from common.clock import FixedClock
from knowledge.catalog import Catalog
from tests.helpers.fakes import ScriptedParser
from tests.unit.test_conversation import make


def scripted(lines: list[str]) -> Iterator[str]:
    yield from lines


async def test_chat_asks_consent_answers_and_buttons_are_pressed_by_number(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"老板拖了两个月工资": [("wages.arrears", 0.93)]})
    setup = make(tmp_path, catalog, clock, parser)
    lines = scripted(["老板拖了两个月工资", "1", "1", "99", "/exit"])
    out = io.StringIO()
    await run_terminal_chat(setup.conversation, read=lambda _prompt: next(lines), out=out)
    text = out.getvalue()
    assert "暖蜂助手" in text
    assert "[1] 同意，开始" in text  # consent first, the question held
    assert "[1] 详细说明" in text and "[4] 找真人" in text
    assert "要留好的证据" in text  # the detail button was pressed
    assert "再见" in text
    assert "<b>" not in text  # the HTML subset is turned into plain text


async def test_a_crisis_is_answered_at_once_in_the_terminal(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    setup = make(tmp_path, catalog, clock, ScriptedParser())
    lines = scripted(["我不想活了", "/exit"])
    out = io.StringIO()
    await run_terminal_chat(setup.conversation, read=lambda _prompt: next(lines), out=out)
    assert all(number in out.getvalue() for number in ("12356", "12355", "110", "120"))


async def test_end_of_input_ends_the_chat_kindly(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    setup = make(tmp_path, catalog, clock, ScriptedParser())

    def eof(_prompt: str) -> str:
        raise EOFError

    out = io.StringIO()
    await run_terminal_chat(setup.conversation, read=eof, out=out)
    assert "再见" in out.getvalue()

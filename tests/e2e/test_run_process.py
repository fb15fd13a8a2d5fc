"""`courier-aid run` as its own process, as `make run` starts it, killed and started again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import TOKEN, Courier, button_data
from tests.helpers.services import free_port
from tests.standin.bot_api import BotAPIStandin

pytestmark = pytest.mark.integration

COURIER_AID = PROJECT_ROOT / ".venv" / "bin" / "courier-aid"


class BotProcess:
    def __init__(self, api: BotAPIStandin, nlu_url: str, workdir: Path) -> None:
        self._env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.root,
            "NLU_URL": nlu_url,  # the session's server: `run` uses it instead of starting one
            "DATABASE_URL": f"sqlite:///{workdir / 'run.db'}",
            "CONSOLE_PORT": str(free_port()),  # the console runs beside the assistant
            "CONSOLE_SECRET_FILE": str(workdir / "console-secret"),
        }
        self._workdir = workdir
        self._api = api
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        polls = len(self._api.calls_to("getUpdates"))
        self.process = subprocess.Popen(
            [str(COURIER_AID), "run"],
            env=self._env,
            cwd=self._workdir,
            stdout=subprocess.DEVNULL,
            stderr=(self._workdir / "bot.err").open("ab"),
        )
        await self._api.wait_for(
            lambda c: c.method == "getUpdates" and len(self._api.calls_to("getUpdates")) > polls,
            timeout=120,
        )

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = await asyncio.to_thread(self.process.wait, 30)
        self.process = None
        return code


@pytest.fixture
def bot_process(api: BotAPIStandin, nlu_url: str, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(api, nlu_url, tmp_path)
    yield process
    if process.process is not None:
        process.process.kill()
        process.process.wait()


async def test_run_answers_and_stops_cleanly_on_sigterm(
    api: BotAPIStandin, bot_process: BotProcess
) -> None:
    await bot_process.start()
    courier = Courier(api, 2001)
    await courier.agree()
    [answer] = await courier.say("老板两个月没发工资了怎么办")
    assert "d:wages.arrears" in button_data(answer)
    assert {c["command"] for c in api.commands[("default", "")]} >= {"start", "forget"}
    assert await bot_process.stop() == 0


async def test_killed_mid_calculator_restarts_without_answering_anything_twice(
    api: BotAPIStandin, bot_process: BotProcess
) -> None:
    await bot_process.start()
    courier = Courier(api, 2002)
    await courier.agree()
    await courier.say("帮我算经济补偿")
    wage_update = api.send_text(courier.id, "5000")
    sent = await api.wait_for_messages(courier.id, 4)
    months = sent[-1]
    assert "干了多久" in (months.plain_text or "")
    # Killed hard: PTB cannot confirm the last updates, so Telegram delivers them again.
    await bot_process.stop(signal.SIGKILL)
    api.redeliver(wage_update)
    await bot_process.start()

    [result] = await courier.say("一年半")
    text = (result.plain_text or "").replace(",", "")
    assert "10000" in text  # a year and a half counts as two years: two months' wage of 5000
    asked = [m for m in api.sent_messages(courier.id) if "干了多久" in (m.plain_text or "")]
    assert len(asked) == 1  # the redelivered "5000" was not handled a second time
    assert await bot_process.stop() == 0


async def test_make_runs_bot_stops_when_its_parent_is_killed(
    api: BotAPIStandin, nlu_url: str, tmp_path: Path
) -> None:
    """`make run` passes --stop-with-parent: if make dies by SIGKILL, the bot must not live on
    as an orphan polling beside the one started next."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.root,
        "NLU_URL": nlu_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'orphan.db'}",
    }
    # bash stays in between (the `; true` keeps it from exec-ing), standing in for make.
    parent = subprocess.Popen(
        ["bash", "-c", f"{COURIER_AID} run --stop-with-parent; true"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await api.wait_for(lambda c: c.method == "getUpdates", timeout=120)
        bot_pids = subprocess.run(
            ["pgrep", "-P", str(parent.pid)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert len(bot_pids) == 1
        parent.kill()
        parent.wait()
        bot = int(bot_pids[0])
        for _ in range(60):
            await asyncio.sleep(0.5)
            if not Path(f"/proc/{bot}").exists() or "Z" in _state(bot):
                break
        else:
            os.kill(bot, signal.SIGKILL)
            pytest.fail("the orphaned bot was still running 30 s after its parent died")
    finally:
        if parent.poll() is None:
            parent.kill()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"

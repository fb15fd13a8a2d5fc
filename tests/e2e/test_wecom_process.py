"""`courier-aid run` with only WECOM_* set, as its own process (as `make run` starts it), against
the WeCom stand-in: URL verification of the running process, and a SIGKILL between callbacks
after which every courier message is answered exactly once and none is lost."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.helpers.services import free_port
from tests.standin.wecom_api import WeComStandin

pytestmark = pytest.mark.integration

COURIER_AID = PROJECT_ROOT / ".venv" / "bin" / "courier-aid"
TOKEN = "processCallbackToken"
AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")


class Assistant:
    def __init__(self, api: WeComStandin, nlu_url: str, workdir: Path) -> None:
        self.port = free_port()
        self._env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
            "WECOM_CORP_ID": api.corp_id,
            "WECOM_SECRET": api.secret,
            "WECOM_TOKEN": TOKEN,
            "WECOM_AES_KEY": AES_KEY,
            "WECOM_API_BASE_URL": api.root,
            "WECOM_CALLBACK_PORT": str(self.port),
            "NLU_URL": nlu_url,  # the session's server: `run` uses it instead of starting one
            "DATABASE_URL": f"sqlite:///{workdir / 'wecom-run.db'}",
            "CONSOLE_WITH_ASSISTANT": "false",
        }
        self._workdir = workdir
        self._api = api
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def callback(self) -> str:
        return f"http://127.0.0.1:{self.port}/wecom/callback"

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [str(COURIER_AID), "run"],
            env=self._env,
            cwd=self._workdir,
            stdout=subprocess.DEVNULL,
            stderr=(self._workdir / "assistant.err").open("ab"),
        )
        for _ in range(240):
            if await self._api.verify_url(timeout=1.0):
                return
            await asyncio.sleep(0.5)
        raise AssertionError("the assistant's callback did not come up")

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = await asyncio.to_thread(self.process.wait, 30)
        self.process = None
        return code


@pytest.fixture
async def standin() -> Iterator[WeComStandin]:  # type: ignore[misc]
    async with WeComStandin(callback_timeout=2.0) as api:
        yield api


@pytest.fixture
def assistant(standin: WeComStandin, nlu_url: str, tmp_path: Path) -> Iterator[Assistant]:
    process = Assistant(standin, nlu_url, tmp_path)
    standin.set_callback(process.callback, TOKEN, AES_KEY)
    yield process
    if process.process is not None:
        process.process.kill()
        process.process.wait()


async def test_killed_between_callbacks_answers_every_message_once(
    standin: WeComStandin, assistant: Assistant
) -> None:
    api = standin
    await assistant.start()
    api.enter_session("wm_proc_1")
    [welcome] = await api.wait_for_sent("wm_proc_1", 1, timeout=30)
    consent = next((i, c) for i, c in welcome.menu if i == "consent:yes")
    api.send_menu_click("wm_proc_1", *consent)
    await api.wait_for_sent("wm_proc_1", 2, timeout=30)
    assert await assistant.stop(signal.SIGKILL) == -signal.SIGKILL

    # While it is down: two questions; their callbacks fail (WeCom tries three times).
    before = len(api.sent_to("wm_proc_1"))
    api.send_text("wm_proc_1", "老板两个月没发工资了怎么办")
    api.send_text("wm_proc_1", "送件摔伤了算工伤吗")
    await api.wait_for_callbacks(timeout=30)
    assert len(api.sent_to("wm_proc_1")) == before

    await assistant.start()  # the first read after the restart starts from the stored cursor
    api.send_text("wm_proc_1", "试用期不交社保合法吗")
    for _ in range(120):
        menus = [s for s in api.sent_to("wm_proc_1")[before:] if s.menu]
        if len(menus) >= 3:
            break
        await asyncio.sleep(0.5)
    answers = [s for s in api.sent_to("wm_proc_1")[before:] if s.menu]
    assert len(answers) == 3  # all three answered (each answer ends with its menu), once each
    assert any(i == "d:wages.arrears" for i, _ in answers[0].menu)  # in order
    # The three share the window of the newest, as WeCom counts it: 5 sends, none refused.
    assert len(api.sent_to("wm_proc_1")[before:]) == 5
    assert [c for c in api.calls_to("kf/send_msg") if not c.ok] == []
    await asyncio.sleep(1.0)
    assert len([s for s in api.sent_to("wm_proc_1")[before:] if s.menu]) == 3
    assert await assistant.stop() == 0

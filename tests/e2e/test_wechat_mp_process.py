"""`courier-aid run` with only the service account configured, as its own process: followers
follow, agree and subscribe in the chat, an event is added with `courier-aid event add`, the bot
is killed with SIGKILL halfway through the template broadcast and started again; every follower
gets exactly one template (the sends cut off are repeated with their client_msg_id, which the
platform drops a second time), none goes to the follower who left.

Real time (a separate process has no injectable clock): about two to three minutes, most of it
waiting for the reminder's minute. BROADCAST_RATE is lowered so the broadcast lasts long enough
to be killed in the middle.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.settings import PROJECT_ROOT
from storage.event_models import EventReminder
from tests.e2e.test_reminder_process import event_add
from tests.helpers.services import free_port
from tests.helpers.telegram_events import database, local, next_minute
from tests.standin.wechat_mp_api import MPStandin

pytestmark = pytest.mark.integration

COURIER_AID = PROJECT_ROOT / ".venv" / "bin" / "courier-aid"
FOLLOWERS = 40
RATE = 2  # templates a second: the broadcast takes about 20 s
TAG = "青年服务月"


class MPProcess:
    def __init__(self, mp: MPStandin, workdir: Path, nlu_url: str) -> None:
        port = free_port()
        self.url = f"sqlite:///{workdir / 'run.db'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "NLU_URL": nlu_url,
            "WECHAT_MP_APP_ID": mp.app_id,
            "WECHAT_MP_APP_SECRET": mp.secret,
            "WECHAT_MP_TOKEN": mp.token,
            "WECHAT_MP_AES_KEY": mp.aes_key,
            "WECHAT_MP_API_BASE_URL": mp.root,
            "WECHAT_MP_CALLBACK_PORT": str(port),
            "WECHAT_MP_TEMPLATE_EVENT": mp.template_id,
            "BROADCAST_RATE": str(RATE),
            "REMINDER_SYNC_SECONDS": "2",
        }
        for name in ("TELEGRAM_BOT_TOKEN", "WECOM_CORP_ID"):
            self.env.pop(name, None)
        mp.callback_url = f"http://127.0.0.1:{port}/wechat/callback"
        self.mp = mp
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [str(COURIER_AID), "run", "--no-nlu-server"],
            env=self.env,
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "bot.err").open("ab"),
        )
        query, _ = self.mp.envelope(self.mp._fields("o-check", "text"))
        check = {k: query[k] for k in ("signature", "timestamp", "nonce")} | {"echostr": "up"}
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                try:
                    async with http.get(self.mp.callback_url, params=check) as response:
                        if await response.text() == "up":
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError("the bot did not start: " + (self.workdir / "bot.err").read_text())

    async def kill(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)
        await asyncio.to_thread(self.process.wait, 30)
        self.process = None


async def until(predicate: object, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.2)


def states(url: str, event_id: int) -> list[str]:
    with database(url) as session:
        return list(
            session.scalars(select(EventReminder.state).where(EventReminder.event_id == event_id))
        )


async def test_killed_halfway_through_a_template_broadcast_reminds_everyone_once(
    tmp_path: Path, dead_nlu_url: str
) -> None:
    async with MPStandin() as mp:
        bot = MPProcess(mp, tmp_path, dead_nlu_url)
        await bot.start()
        try:
            openids = [f"o-proc-{n:03d}" for n in range(FOLLOWERS)]
            for openid in openids:
                await mp.follow(openid)
                await mp.tap(openid, "同意，开始")
                await mp.text(openid, f"订阅 {TAG}")
            for openid in openids:
                texts = await mp.wait_texts(openid, 2, timeout=60)
                assert texts[-1] == f"已订阅：{TAG}"
            gone = openids[3]
            await mp.unfollow(gone)

            start = next_minute(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
            start += dt.timedelta(minutes=1)
            event = await event_add(
                bot.url, tmp_path, "--title", "青年服务月·免费体检", "--start", local(start),
                "--tags", TAG, "--remind", "1m", "--place", "长治市工人文化宫",
            )  # fmt: skip
            event_id = int(str(event["id"]))

            def templates() -> int:
                return sum(len(mp.follower(o).templates) for o in openids)

            await until(lambda: templates() >= FOLLOWERS // 2, timeout=150)
            await bot.kill(signal.SIGKILL)
            killed_at = templates()
            await bot.start()
            await until(
                lambda: states(bot.url, event_id) == ["done"] and templates() >= FOLLOWERS - 1,
                timeout=90,
            )
            await asyncio.sleep(1.0)
            await bot.kill(signal.SIGTERM)
        finally:
            if bot.process is not None:
                bot.process.kill()
        got = {o: len(mp.follower(o).templates) for o in openids}
        assert got.pop(gone) == 0
        assert set(got.values()) == {1}, f"not exactly once: {got}"
        accepted = sum(1 for path, code in mp.calls if path == "template" and code == 0)
        print(f"killed after {killed_at} templates; {accepted - (FOLLOWERS - 1)} repeated sends "
              "dropped by client_msg_id")  # fmt: skip

"""End-to-end: the service account channel (callback server, outlet, template sender) on the real
core and a real database, against the stand-in of WeChat (`tests.standin.wechat_mp_api`) over
HTTP with its own crypto. The offline NLU fallback answers (no Rasa server needed)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import func, insert, select

from bot import cli, cli_mp
from bot.app import build_core
from bot.channels.wechat_mp.channel import MPChannel, build
from bot.channels.wechat_mp.format import TEXT_LIMIT
from bot.channels.wechat_mp.menu import menu
from bot.core.assembly import Core
from bot.settings import Settings
from common.clock import FixedClock
from reminders.broadcaster import Item
from reminders.runtime import Channel
from reminders.sender import SendOutcome
from storage.db import make_engine
from storage.event_models import Delivery, InactiveUser, Subscription
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.services import free_port
from tests.helpers.telegram_events import database, event_cli, local, next_minute
from tests.standin.wechat_mp_api import MPStandin

pytestmark = pytest.mark.integration


@pytest.fixture
async def mp() -> AsyncIterator[MPStandin]:
    async with MPStandin() as standin:
        yield standin


@pytest.fixture
def settings(tmp_path: Path, dead_nlu_url: str, mp: MPStandin) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'mp.db'}",
        nlu_url=dead_nlu_url,
        wechat_mp_app_id=mp.app_id,
        wechat_mp_app_secret=SecretStr(mp.secret),
        wechat_mp_token=SecretStr(mp.token),
        wechat_mp_aes_key=SecretStr(mp.aes_key),
        wechat_mp_api_base_url=mp.root,
        wechat_mp_callback_port=free_port(),
        wechat_mp_template_event=mp.template_id,
        wechat_mp_event_url="https://union.example.org/events/{id}",
        duty_hours="00:00-24:00",
        broadcast_rate=50,
        log_level="WARNING",
    )


@dataclass
class Running:
    core: Core
    channel: MPChannel

    async def stop(self) -> None:
        await self.core.stop_reminders()
        await self.channel.stop()
        await self.core.aclose()


async def start(settings: Settings, mp: MPStandin, clock: FixedClock | None = None,
                reminders: bool = False) -> Running:  # fmt: skip
    core = build_core(settings, clock=clock)
    channel = build(settings, core)
    await channel.start()
    if reminders:
        await core.start([channel.reminder_channel()])
    mp.callback_url = (
        f"http://127.0.0.1:{settings.wechat_mp_callback_port}{settings.wechat_mp_callback_path}"
    )
    return Running(core, channel)


@pytest.fixture
async def bot(settings: Settings, mp: MPStandin) -> AsyncIterator[Running]:
    running = await start(settings, mp)
    yield running
    await running.stop()


async def test_url_verification_and_forged_callbacks(mp: MPStandin, bot: Running) -> None:
    query, body = mp.envelope(mp._fields("o-forger", "text", Content="hi", MsgId="1"))
    async with aiohttp.ClientSession() as http:
        good = {k: query[k] for k in ("signature", "timestamp", "nonce")} | {"echostr": "e42"}
        async with http.get(mp.callback_url, params=good) as response:
            assert response.status == 200 and await response.text() == "e42"
        async with http.get(mp.callback_url, params={**good, "signature": "0" * 40}) as response:
            assert response.status == 403
        forged = {**query, "msg_signature": "0" * 40}
        async with http.post(mp.callback_url, params=forged, data=body.encode()) as response:
            assert response.status == 403
        async with http.post(mp.callback_url, params=query, data=b"<xml>no</xml>") as response:
            assert response.status == 403
    await bot.channel.idle()
    assert mp.follower("o-forger").texts == [] and bot.channel.server.rejected == 3


async def test_follow_consent_and_a_question_within_the_window(mp: MPStandin, bot: Running) -> None:
    attempt = await mp.follow("o-alice")
    assert attempt.status == 200 and attempt.seconds < 5
    [welcome] = mp.follower("o-alice").passive
    assert "暖蜂助手" in welcome and "weixin://bizmsgmenu" in welcome and "同意" in welcome

    await mp.text("o-alice", "老板拖欠工资怎么办")
    [ask] = await mp.wait_texts("o-alice", 1)
    assert "同意" in ask  # the question waits for consent
    await mp.tap("o-alice", "同意，开始")
    texts = await mp.wait_texts("o-alice", 3)
    assert "刚才的问题" in texts[1] and "工资" in texts[2]
    assert all(len(text.encode()) <= TEXT_LIMIT for text in texts)
    assert ("custom", 45015) not in mp.calls and ("custom", 45047) not in mp.calls

    await mp.text("o-alice", "订阅 青年服务月")
    texts = await mp.wait_texts("o-alice", 4)
    assert texts[3] == "已订阅：青年服务月"
    with database(bot.core.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1

    await mp.click("o-alice", "EVENTS")  # 活动提醒: coming events and the tags to tap
    texts = await mp.wait_texts("o-alice", 5)
    assert "✅ 青年服务月" in texts[4] and "⬜ 法律讲座" in texts[4]
    await mp.tap("o-alice", "⬜ 法律讲座")
    texts = await mp.wait_texts("o-alice", 6)
    assert texts[5].startswith("已订阅：法律讲座") and "✅ 法律讲座" in texts[5]

    await mp.unfollow("o-alice")
    await bot.channel.idle()
    with database(bot.core.database_url) as session:
        assert session.scalar(select(InactiveUser.reason)) == "unfollowed"


async def test_a_crisis_is_answered_before_consent(mp: MPStandin, bot: Running) -> None:
    await mp.follow("o-bob")
    await mp.text("o-bob", "我不想活了")
    [answer, *_] = await mp.wait_texts("o-bob", 1)
    assert "12356" in answer and "110" in answer


async def test_a_retried_message_is_answered_once_and_a_stale_token_is_renewed(
    mp: MPStandin, bot: Running
) -> None:
    await mp.follow("o-carol")
    await mp.text("o-carol", "同意")
    await mp.wait_texts("o-carol", 1)
    mp.expire_tokens()
    fetched = mp.token_requests
    await mp.text("o-carol", "帮助", msgid=777)
    await mp.text("o-carol", "帮助", msgid=777)  # WeChat's retry of the same message
    await bot.channel.idle()
    texts = await mp.wait_texts("o-carol", 2)
    assert len(texts) == 2 and "怎么用" in texts[1]
    assert mp.token_requests == fetched + 1 and ("custom", 42001) in mp.calls


async def test_the_window_is_kept(mp: MPStandin, bot: Running) -> None:
    """Five sends after a message, and no sixth try (no storm of 45047); a click in the same
    second as another is the same event to WeChat's retries, so it counts once."""
    await mp.follow("o-dan")
    await mp.text("o-dan", "同意")
    await mp.wait_texts("o-dan", 1)
    await mp.click("o-dan", "HOTLINES")
    await mp.click("o-dan", "HOTLINES")
    await bot.channel.idle()
    texts = mp.follower("o-dan").texts
    assert len(texts) == 2 and "12351" in texts[-1]
    outlet = bot.channel.outlet
    results = [await outlet.send_text("o-dan", f"消息 {n}") for n in range(5)]
    assert [r.value for r in results] == ["sent"] * 3 + ["unreachable"] * 2
    assert len(mp.follower("o-dan").texts) == 5
    assert ("custom", 45047) not in mp.calls and ("custom", 45015) not in mp.calls


async def test_menu_publish(mp: MPStandin, settings: Settings) -> None:
    """`courier-aid mp menu publish`: its parser, then the call it makes (the command itself
    runs its own event loop, so the test awaits the same coroutine)."""
    args = cli.build_parser().parse_args(["mp", "menu", "publish"])
    assert args.func is cli_mp.cmd_menu_publish
    kf = "https://work.weixin.qq.com/kfid/x"
    with_kf = settings.model_copy(update={"wechat_mp_kf_url": kf})
    assert await cli_mp._publish(with_kf, menu(kf)) == 0 and mp.menu is not None
    names = [button["name"] for button in mp.menu["button"]]
    assert names == ["问问题", "活动提醒", "更多"]
    more = mp.menu["button"][2]["sub_button"]
    assert more[0] == {"type": "view", "name": "找工会/志愿者", "url": kf}
    assert more[1]["key"] == "HOTLINES"


# --- a reminder broadcast with a crash in the middle --------------------------------------------

FOLLOWERS = 300
TAG = "青年服务月"


class Crash(BaseException):
    pass


class CrashingTemplates:
    """The process dies after the `after`-th template left: it and later ones raise."""

    def __init__(self, inner: object, after: int, on_crash: object) -> None:
        self.inner = inner
        self.after = after
        self.on_crash = on_crash
        self.sends = 0
        self.dead = False

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        return SendOutcome.failed("not used")

    async def send_item(self, item: Item) -> SendOutcome:
        if self.dead:
            raise Crash
        self.sends += 1
        if self.sends < self.after:
            return await self.inner.send_item(item)  # type: ignore[attr-defined]
        self.dead = True
        self.on_crash()  # type: ignore[operator]
        await self.inner.send_item(item)  # type: ignore[attr-defined]
        raise Crash


def seed(url: str, openids: list[str], now: dt.datetime) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with database(url) as session:
        session.execute(insert(User), [
            {"channel": "wechat_mp", "external_ref": o, "created_at": now, "consented_at": now}
            for o in openids
        ])  # fmt: skip
        ids = session.scalars(select(User.id).where(User.channel == "wechat_mp")).all()
        session.execute(insert(Subscription), [
            {"user_id": i, "tag": TAG, "subscribed_at": now} for i in ids
        ])  # fmt: skip


async def run_due(running: Running) -> None:
    service = running.core.reminders.service
    assert service is not None
    await service.sync()
    await service.runtime.wait_idle()


async def test_a_template_reminder_reaches_each_follower_once_across_a_crash(
    mp: MPStandin, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    openids = [f"o-{n:04d}" for n in range(FOLLOWERS)]
    seed(settings.database_url, openids, clock.now())
    for openid in openids:
        mp.follower(openid)
    gone, blocker = openids[7], openids[8]
    mp.follower(blocker).blocks_templates = True
    start_at = next_minute(clock.now()) + dt.timedelta(minutes=10)
    event = event_cli(
        monkeypatch, settings.database_url, "add", "--title",
        "快递小哥青年服务月·免费健康体检和法律咨询进社区", "--start", local(start_at),
        "--place", "长治市潞州区英雄中路工人文化宫", "--tags", TAG, "--remind", "5m",
    )  # fmt: skip

    first = await start(settings, mp, clock, reminders=True)
    await mp.unfollow(gone)
    await first.channel.idle()
    service = first.core.reminders.service
    assert service is not None
    runtime = service.runtime
    real = runtime.channels["wechat_mp"]
    crash = CrashingTemplates(real.sender, FOLLOWERS // 2, runtime.request_stop)
    runtime.channels["wechat_mp"] = Channel("wechat_mp", crash, real.limiter, repeat_safe=True)  # type: ignore[arg-type]
    clock.advance(seconds=(start_at - dt.timedelta(minutes=5) - clock.now()).total_seconds())
    await asyncio.wait_for(run_due(first), timeout=60)
    assert crash.dead
    await first.stop()
    with database(settings.database_url) as session:
        sending = session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.state == "sending")
        )
    assert sending and sending >= 1

    second = await start(settings, mp, clock, reminders=True)
    try:
        await asyncio.wait_for(run_due(second), timeout=60)
        await asyncio.sleep(0.5)  # the job-finished callbacks
        await second.channel.idle()
    finally:
        await second.stop()

    got = {o: len(mp.follower(o).templates) for o in openids}
    assert got[gone] == 0
    assert all(count == 1 for o, count in got.items() if o != gone), "not exactly once"
    sample = mp.follower(openids[0]).templates[0]
    assert sample.data["thing1"].endswith("…") and len(sample.data["thing1"]) == 20
    assert sample.url == f"https://union.example.org/events/{event['id']}"
    assert sample.client_msg_id is not None and sample.client_msg_id.startswith("d")
    with database(settings.database_url) as session:
        states = dict(
            session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
        )
        inactive = set(
            session.scalars(
                select(User.external_ref).join(InactiveUser, InactiveUser.user_id == User.id)
            )
        )
    assert inactive == {gone, blocker}
    assert states == {"sent": FOLLOWERS - 2, "failed": 1}


async def test_an_answer_and_its_details_with_the_real_nlu(
    mp: MPStandin, settings: Settings, nlu_url: str
) -> None:
    """The one test with the Rasa server: a real answer fits one text with its links first
    (short answer, time limit, steps, where to go), and “详细说明” brings the rest."""
    running = await start(settings.model_copy(update={"nlu_url": nlu_url}), mp)
    try:
        await mp.follow("o-erin")
        await mp.text("o-erin", "同意")
        await mp.wait_texts("o-erin", 1)
        await mp.text("o-erin", "老板两个月没发工资了怎么办")
        [_agreed, answer] = await mp.wait_texts("o-erin", 2)
        assert "详细说明</a>" in answer and "找真人</a>" in answer
        assert len(answer.encode()) <= TEXT_LIMIT
        await mp.tap("o-erin", "详细说明")
        texts = await mp.wait_texts("o-erin", 3)
        await running.channel.idle()
        details = mp.follower("o-erin").texts[2:]
        assert 1 <= len(details) <= 2 and all(len(t.encode()) <= TEXT_LIMIT for t in details)
        print("\n\n".join(texts[1:]))
    finally:
        await running.stop()

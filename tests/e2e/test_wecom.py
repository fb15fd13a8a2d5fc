"""End to end on WeCom 微信客服: the real runner and core, the real Rasa server, a real database,
and a local stand-in of the WeCom API (`tests.standin.wecom_api`) that speaks the real crypto
(wechatpy's, not ours) and enforces the platform's rules: the 48-hour window and its 5
messages, session states, one-time event codes, token expiry, 5-second callback retries."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.runner import Running, start
from bot.settings import Settings
from common.clock import FixedClock
from handoff.notices import ChatRef
from handoff.staff import add_staff
from storage.db import UnitOfWork, make_engine
from storage.models import HandoffCase, User
from tests.helpers.services import free_port
from tests.standin.wecom_api import Sent, WeComStandin

pytestmark = pytest.mark.integration

TOKEN = "standinCallbackToken"
AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")
HOTLINES = ("12356", "12355", "110", "120")


@dataclass
class WeCom:
    api: WeComStandin
    settings: Settings
    running: Running
    clock: FixedClock

    async def says(self, courier: str, text: str, expect: int = 1) -> list[Sent]:
        before = len(self.api.sent_to(courier))
        self.api.send_text(courier, text)
        return (await self.api.wait_for_sent(courier, before + expect, timeout=20))[before:]

    async def clicks(self, courier: str, item: tuple[str, str], expect: int = 1) -> list[Sent]:
        before = len(self.api.sent_to(courier))
        self.api.send_menu_click(courier, item[0], item[1])
        return (await self.api.wait_for_sent(courier, before + expect, timeout=20))[before:]

    async def until_item(self, courier: str, item: str, since: int = 0) -> list[Sent]:
        """Wait until a menu with the click item `item` reached the courier; all sent since."""
        for _ in range(200):
            sent = self.api.sent_to(courier)[since:]
            if any(i == item for s in sent for i, _ in s.menu):
                return sent
            await asyncio.sleep(0.1)
        raise AssertionError(f"no menu with {item!r}: {[s.text for s in sent]}")

    async def agreed(self, courier: str) -> None:
        before = len(self.api.sent_to(courier))
        self.api.enter_session(courier, scene_param="station_01")
        [welcome] = await self.api.wait_for_sent(courier, before + 1, timeout=20)
        await self.clicks(courier, _item(welcome, "consent:yes"))

    async def idle(self) -> None:
        """Every callback delivered and the feed read to its end."""
        await self.api.wait_for_callbacks()
        await asyncio.sleep(0.2)
        channel_reader = self.running  # the reader drains itself; give the last turn a moment
        del channel_reader
        await asyncio.sleep(0.3)

    def case_of(self, courier: str) -> HandoffCase | None:
        engine = make_engine(self.settings.database_url)
        try:
            with UnitOfWork(engine)() as session:
                user = session.scalars(select(User).where(User.external_ref == courier)).one()
                return session.scalars(
                    select(HandoffCase).where(HandoffCase.user_id == user.id)
                    .order_by(HandoffCase.id.desc())
                ).first()  # fmt: skip
        finally:
            engine.dispose()


def _item(sent: Sent, prefix: str) -> tuple[str, str]:
    return next((i, c) for i, c in sent.menu if i.startswith(prefix))


def _text(sent: list[Sent]) -> str:
    return "\n".join(s.text or "" for s in sent)


def wecom_settings(tmp_path: Path, nlu_url: str, api: WeComStandin, port: int) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'wecom.db'}",
        nlu_url=nlu_url,
        wecom_corp_id=api.corp_id,
        wecom_secret=SecretStr(api.secret),
        wecom_token=SecretStr(TOKEN),
        wecom_aes_key=SecretStr(AES_KEY),
        wecom_api_base_url=api.root,
        wecom_callback_port=port,
        wecom_agent_id=api.agent_id,
        duty_hours="00:00-24:00",
    )


@pytest.fixture
async def wecom(tmp_path: Path, nlu_url: str) -> AsyncIterator[WeCom]:
    async with WeComStandin() as api:
        port = free_port()
        settings = wecom_settings(tmp_path, nlu_url, api, port)
        clock = FixedClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
        running = await start(settings, clock=clock)
        api.set_callback(f"http://127.0.0.1:{port}/wecom/callback", TOKEN, AES_KEY)
        try:
            yield WeCom(api, settings, running, clock)
        finally:
            await running.stop()


async def test_url_verification_and_forged_callbacks(wecom: WeCom) -> None:
    assert await wecom.api.verify_url()
    url = f"http://127.0.0.1:{wecom.settings.wecom_callback_port}/wecom/callback"
    forged = {"msg_signature": "0" * 40, "timestamp": "1", "nonce": "2", "echostr": "abc"}
    async with aiohttp.ClientSession() as http:
        async with http.get(url, params=forged) as response:
            assert response.status == 403
        body = "<xml><Encrypt><![CDATA[bm90IGVuY3J5cHRlZA==]]></Encrypt></xml>"
        async with http.post(url, params=forged, data=body) as response:
            assert response.status == 403
    await asyncio.sleep(0.3)
    assert wecom.api.calls_to("kf/sync_msg") == []  # a forged callback starts nothing


async def test_welcome_consent_held_question_and_a_wage_answer(wecom: WeCom) -> None:
    api = wecom.api
    api.enter_session("wm_courier_1", scene_param="station_07")
    [welcome] = await api.wait_for_sent("wm_courier_1", 1, timeout=20)
    assert welcome.via == "send_msg_on_event" and welcome.msgtype == "msgmenu"
    assert "法律信息，不是法律意见" in (welcome.text or "") and "微信昵称" in (welcome.text or "")
    assert "Telegram" not in (welcome.text or "") and "/" not in (welcome.text or "")
    consent = _item(welcome, "consent:yes")
    [ask] = await wecom.says("wm_courier_1", "老板两个月没发工资了怎么办")
    assert "同意" in (ask.text or "")  # asked to agree first; the question is held
    before = len(api.sent_to("wm_courier_1"))
    api.send_menu_click("wm_courier_1", *consent)
    answer = await wecom.until_item("wm_courier_1", "d:wages.arrears", since=before)
    assert "我来回答你刚才的问题" in (answer[0].text or "")
    assert len(answer) <= 5 and "一年" in _text(answer)  # the time limit on the first screen
    for sent in api.sent_to("wm_courier_1"):
        assert len((sent.text or "").encode()) <= 2048 + 1024
    engine = make_engine(wecom.settings.database_url)
    with UnitOfWork(engine)() as session:
        user = session.scalars(select(User).where(User.external_ref == "wm_courier_1")).one()
        assert user.entry_point == "station_07" and user.consented_at is not None
    engine.dispose()
    refused = [c for c in api.calls if not c.ok and c.path != "gettoken"]
    assert refused == []


async def test_crisis_gets_hotlines_first_and_a_person(wecom: WeCom) -> None:
    api = wecom.api
    api.add_servicer("counsellor_li")
    _add_staff(wecom, "counsellor_li", "counselling", "李老师")
    sent = await wecom.says("wm_courier_2", "我真的不想活了，今晚就想结束")
    assert sent[0].via == "send_msg"
    assert all(number in (sent[0].text or "") for number in HOTLINES)
    await wecom.idle()
    assert api.service_state("wm_courier_2") == (3, "counsellor_li")
    case = wecom.case_of("wm_courier_2")
    assert case is not None and case.urgent and case.status == "waiting"


async def test_crisis_without_a_counsellor_goes_to_the_queue_and_says_so(wecom: WeCom) -> None:
    api = wecom.api
    sent = await wecom.says("wm_courier_6", "我想自杀", expect=1)
    assert sent[0].via == "send_msg" and all(n in (sent[0].text or "") for n in HOTLINES)
    assert "现在没有工作人员能马上过来" in (sent[0].text or "")  # nobody registered: no promise
    queued = (await api.wait_for_sent("wm_courier_6", 2, timeout=20))[1]
    assert queued.via == "send_msg_on_event" and "排队" in (queued.text or "")
    assert "12356" in (queued.text or "")
    assert api.service_state("wm_courier_6")[0] == 2
    before = len(api.sent_to("wm_courier_6"))
    api.send_text("wm_courier_6", "还有人吗")
    await wecom.idle()
    assert len(api.sent_to("wm_courier_6")) == before  # no send_msg to a queued session
    assert [c for c in api.calls_to("kf/send_msg") if not c.ok] == []
    case = wecom.case_of("wm_courier_6")
    assert case is not None and case.urgent


async def test_handoff_to_a_registered_member_ends_with_a_rating(wecom: WeCom) -> None:
    api = wecom.api
    api.add_servicer("lawyer_wang")
    _add_staff(wecom, "lawyer_wang", "legal", "王律师")
    await wecom.agreed("wm_courier_3")
    await wecom.says("wm_courier_3", "找律师")
    await wecom.idle()
    assert api.service_state("wm_courier_3") == (3, "lawyer_wang")
    api.servicer_send("lawyer_wang", "wm_courier_3", "你好，我是王律师，说说你的情况。")
    before = len(api.sent_to("wm_courier_3"))
    api.send_text("wm_courier_3", "公司说我自己离职的，不给补偿")
    await wecom.idle()
    assert len(api.sent_to("wm_courier_3")) == before  # a person holds it: the bot is quiet
    case = wecom.case_of("wm_courier_3")
    assert case is not None and case.status == "claimed" and case.first_staff_reply_at
    api.end_session("wm_courier_3")
    await api.wait_for_sent("wm_courier_3", before + 1, timeout=20)
    rating = api.sent_to("wm_courier_3")[-1]
    assert rating.via == "send_msg_on_event" and len(rating.menu) == 5
    closed = wecom.case_of("wm_courier_3")
    assert closed is not None and closed.status == "closed"
    await wecom.clicks("wm_courier_3", rating.menu[4])
    rated = wecom.case_of("wm_courier_3")
    assert rated is not None and rated.satisfaction == 5
    [answer] = await wecom.says("wm_courier_3", "送件摔伤了算不算工伤")
    assert "工伤" in (answer.text or "")  # the bot answers again


async def test_retried_callbacks_and_an_expired_token_answer_once(wecom: WeCom) -> None:
    api = wecom.api
    await wecom.agreed("wm_courier_4")
    api.expire_tokens()
    fetched = api.gettoken_calls
    before = len(api.sent_to("wm_courier_4"))
    api.send_text("wm_courier_4", "试用期不交社保合法吗")
    await api.deliver_callback(times=3)
    await api.wait_for_sent("wm_courier_4", before + 1, timeout=20)
    await wecom.idle()
    answer = api.sent_to("wm_courier_4")[before:]
    texts = [s.text for s in answer]
    assert len(texts) == len(set(texts)) and sum(bool(s.menu) for s in answer) == 1  # once
    assert api.gettoken_calls == fetched + 1  # exactly one new token


async def test_never_more_than_five_messages_in_a_window(wecom: WeCom) -> None:
    api = wecom.api
    await wecom.agreed("wm_courier_5")
    before = len(api.sent_to("wm_courier_5"))
    api.send_text("wm_courier_5", "工伤")
    await api.wait_for_sent("wm_courier_5", before + 1, timeout=20)
    await wecom.idle()
    # Staff notices and other sends for this courier now, without a new courier message:
    core = wecom.running.core
    from common.replies import Reply

    for number in range(8):
        await core.dispatcher.reply("wecom", "wm_courier_5", Reply(blocks=(f"第{number}条",)))
    window = [s for s in api.sent_to("wm_courier_5")[before:] if s.via == "send_msg"]
    assert len(window) == 5
    assert [c for c in api.calls_to("kf/send_msg") if not c.ok] == []  # never refused
    wecom.clock.advance(hours=49)
    api.advance(49 * 3600)
    sent = await core.dispatcher.reply("wecom", "wm_courier_5", Reply(blocks=("过期",)))
    assert sent.message_ref is None and len(api.sent_to("wm_courier_5")) == before + 5


def _add_staff(wecom: WeCom, userid: str, role: str, alias: str) -> None:
    engine = make_engine(wecom.settings.database_url)
    try:
        with UnitOfWork(engine)() as session:
            add_staff(
                session, ChatRef("wecom", userid), role=role, alias=alias,
                now=wecom.clock.now(), actor="test", wecom_userid=userid,
            )  # fmt: skip
    finally:
        engine.dispose()

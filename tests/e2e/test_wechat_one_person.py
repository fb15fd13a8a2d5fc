"""Both WeChat channels in one process (`bot.runner`), each against its stand-in: a courier
who follows the service account and agrees there, then opens the 微信客服 chat, is one person
when WeChat gives both the same unionid (no second consent), and two when it does not."""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.runner import Running, start
from bot.settings import Settings
from tests.helpers.services import free_port
from tests.standin.wechat_mp_api import MPStandin
from tests.standin.wecom_api import WeComStandin

pytestmark = pytest.mark.integration

KF_TOKEN = "oneperson"
KF_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")


@pytest.fixture
async def both(
    tmp_path: Path, dead_nlu_url: str
) -> AsyncIterator[tuple[MPStandin, WeComStandin, Running]]:
    async with MPStandin() as mp, WeComStandin() as kf:
        kf_port, mp_port = free_port(), free_port()
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'both.db'}",
            nlu_url=dead_nlu_url,
            wechat_mp_app_id=mp.app_id, wechat_mp_app_secret=SecretStr(mp.secret),
            wechat_mp_token=SecretStr(mp.token), wechat_mp_aes_key=SecretStr(mp.aes_key),
            wechat_mp_api_base_url=mp.root, wechat_mp_callback_port=mp_port,
            wecom_corp_id=kf.corp_id, wecom_secret=SecretStr(kf.secret),
            wecom_token=SecretStr(KF_TOKEN), wecom_aes_key=SecretStr(KF_KEY),
            wecom_api_base_url=kf.root, wecom_callback_port=kf_port,
            console_with_assistant=False, log_level="WARNING",
        )  # fmt: skip
        running = await start(settings)
        mp.callback_url = f"http://127.0.0.1:{mp_port}{settings.wechat_mp_callback_path}"
        kf.set_callback(f"http://127.0.0.1:{kf_port}/wecom/callback", KF_TOKEN, KF_KEY)
        try:
            yield mp, kf, running
        finally:
            await running.stop()


async def _agree_on_the_service_account(mp: MPStandin, openid: str) -> None:
    await mp.follow(openid)
    await mp.text(openid, "同意")
    await mp.wait_texts(openid, 1)


async def test_one_unionid_is_one_person(
    both: tuple[MPStandin, WeComStandin, Running],
) -> None:
    mp, kf, _running = both
    mp.unionids["o-li"] = kf.unionids["wm-li"] = "union-li"
    await _agree_on_the_service_account(mp, "o-li")
    kf.enter_session("wm-li")
    [welcome] = await kf.wait_for_sent("wm-li", 1, timeout=20)
    assert not any(i == "consent:yes" for i, _ in welcome.menu)  # agreed once, as one person
    kf.send_text("wm-li", "老板拖欠工资怎么办")
    [answer, *_] = (await kf.wait_for_sent("wm-li", 2, timeout=20))[1:]
    assert "同意" not in (answer.text or "")[:40]  # answered, not asked to agree again


async def test_without_a_unionid_they_stay_two(
    both: tuple[MPStandin, WeComStandin, Running],
) -> None:
    mp, kf, _running = both
    await _agree_on_the_service_account(mp, "o-wang")
    kf.enter_session("wm-wang")
    [welcome] = await kf.wait_for_sent("wm-wang", 1, timeout=20)
    assert any(i == "consent:yes" for i, _ in welcome.menu)  # a new person here: asked
    await asyncio.sleep(0.2)

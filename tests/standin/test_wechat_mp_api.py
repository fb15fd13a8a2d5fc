"""The WeChat stand-in's own rules: its crypto agrees with the platform's scheme (checked against
the bot's independent implementation both ways), callbacks retried after 5 s, the template
quota, field rules, client_msg_id, job-finished events."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from bot.channels.wxcrypto import WXCrypto
from tests.standin.wechat_mp_api import MPStandin, StandinCrypto


def test_the_two_crypto_implementations_agree() -> None:
    mp = MPStandin()
    theirs = StandinCrypto(mp.token, mp.aes_key, mp.app_id)
    ours = WXCrypto(mp.token, mp.aes_key, mp.app_id)
    text = "<xml><Content><![CDATA[你好，快递小哥]]></Content></xml>" * 3
    assert ours.decrypt(theirs.encrypt(text)) == text
    assert theirs.decrypt(ours.encrypt(text)) == text
    encrypted = theirs.encrypt(text)
    ours.check(theirs.sign("1700000000", "n0nce", encrypted), "1700000000", "n0nce", encrypted)


async def fake_bot(delays: list[float]) -> tuple[web.AppRunner, str, list[str]]:
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.query["msg_signature"])
        await asyncio.sleep(delays.pop(0) if delays else 0)
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/cb", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/cb", seen


async def test_a_slow_answer_is_retried_three_times_at_most() -> None:
    async with MPStandin() as mp:
        mp.answer_within = 0.2
        runner, mp.callback_url, seen = await fake_bot([1.0, 1.0, 0.0])
        attempt = await mp.text("o1", "hi")
        assert attempt.status == 200 and len(seen) == 3
        runner2, mp.callback_url, seen2 = await fake_bot([1.0] * 5)
        attempt = await mp.text("o1", "hi")
        assert attempt.status == 0 and len(seen2) == 4  # the first try and three retries
        await runner.cleanup()
        await runner2.cleanup()


async def test_templates_quota_fields_dedup_and_job_finished() -> None:
    async with MPStandin(daily_quota=2) as mp:
        runner, mp.callback_url, seen = await fake_bot([])
        for openid in ("o1", "o2", "o3"):
            mp.follower(openid)
        mp.follower("o2").blocks_templates = True
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{mp.root}/cgi-bin/stable_token", json={
                "grant_type": "client_credential", "appid": mp.app_id, "secret": mp.secret,
            }) as response:  # fmt: skip
                token = (await response.json())["access_token"]

            async def send(openid: str, thing: str, client_id: str) -> int:
                async with http.post(
                    f"{mp.root}/cgi-bin/message/template/send", params={"access_token": token},
                    json={"touser": openid, "template_id": mp.template_id,
                          "client_msg_id": client_id,
                          "data": {"thing1": {"value": thing},
                                   "time2": {"value": "2026年12月1日 14:00"}}},
                ) as response:  # fmt: skip
                    return int((await response.json())["errcode"])

            assert await send("o1", "一" * 21, "d1") == 47003
            assert await send("o1", "体检", "d1") == 0
            assert await send("o1", "体检", "d1") == 0  # the same client_msg_id: dropped
            assert await send("o2", "体检", "d2") == 0
            assert await send("o3", "体检", "d3") == 45009
        assert len(mp.follower("o1").templates) == 1
        await asyncio.sleep(0.3)
        assert len(seen) == 2  # one job-finished event per template sent
        await runner.cleanup()

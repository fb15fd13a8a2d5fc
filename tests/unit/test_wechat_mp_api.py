"""The API client: the token cached, fetched once more on 40001/42001/40014, nothing retried."""

from __future__ import annotations

import pytest

from bot.channels.wechat_mp.api import MPClient, MPError, Unreached
from tests.helpers.services import free_port
from tests.standin.wechat_mp_api import MPStandin, Window


async def test_token_cached_and_renewed_once() -> None:
    async with MPStandin() as mp:
        client = MPClient(mp.root, mp.app_id, mp.secret)
        mp.follower("o1")

        mp.windows["o1"] = Window(float("inf"), 100)
        for _ in range(3):
            await client.custom_send("o1", {"msgtype": "text", "text": {"content": "hi"}})
        assert mp.token_requests == 1
        mp.expire_tokens()
        await client.custom_send("o1", {"msgtype": "text", "text": {"content": "hi"}})
        assert mp.token_requests == 2 and len(mp.follower("o1").texts) == 4
        with pytest.raises(MPError) as refused:
            await client.custom_send("o-nobody", {"msgtype": "text", "text": {"content": "x"}})
        assert refused.value.errcode == 43004
        assert [c for c in mp.calls if c[0] == "custom"].count(("custom", 43004)) == 1
        await client.aclose()


async def test_a_wrong_secret_and_no_server() -> None:
    async with MPStandin() as mp:
        client = MPClient(mp.root, mp.app_id, "wrong")
        with pytest.raises(MPError) as refused:
            await client.menu_create({"button": []})
        assert refused.value.errcode == 40125 and mp.token_requests == 1
        await client.aclose()
    client = MPClient(f"http://127.0.0.1:{free_port()}", "wx", "s")
    with pytest.raises(Unreached):
        await client.token()
    await client.aclose()

"""The Rasa client's error paths, against a small local HTTP server that answers as scripted (the
happy path runs against real Rasa in tests/integration)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from nlu.client import NLUClient, parse_rasa_response
from nlu.fallback import OfflineMatcher
from tests.helpers.services import free_port

OFFLINE = OfflineMatcher(
    [("wages.arrears", "老板拖欠工资不发"), ("injury.recognition", "送件摔伤算工伤吗")]
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ScriptedRasa:
    """A local server for `/model/parse`; `handler` decides each answer, `texts` records asks."""

    def __init__(self) -> None:
        self.handler: Handler = self._ok
        self.texts: list[str] = []
        self.tokens: list[str | None] = []
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        self.server = TestServer(app, host="127.0.0.1")

    async def _parse(self, request: web.Request) -> web.StreamResponse:
        self.texts.append((await request.json())["text"])
        self.tokens.append(request.query.get("token"))
        return await self.handler(request)

    @staticmethod
    async def _ok(request: web.Request) -> web.StreamResponse:
        return web.json_response({"intent_ranking": [{"name": "wages.arrears", "confidence": 1}]})

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))


@pytest.fixture
async def rasa() -> AsyncIterator[ScriptedRasa]:
    scripted = ScriptedRasa()
    await scripted.server.start_server()
    yield scripted
    await scripted.server.close()


@pytest.fixture
async def client(rasa: ScriptedRasa) -> AsyncIterator[NLUClient]:
    nlu = NLUClient(rasa.url, offline=OFFLINE, timeout=0.5)
    yield nlu
    await nlu.aclose()


async def test_parses_rasa_ranking_and_drops_fallback_intent(
    rasa: ScriptedRasa, client: NLUClient
) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {
                "intent": {"name": "nlu_fallback", "confidence": 0.3},
                "intent_ranking": [
                    {"name": "nlu_fallback", "confidence": 0.3},
                    {"name": "wages.arrears", "confidence": 0.25},
                    {"name": "rights.inspection", "confidence": 0.2},
                ],
                "entities": [],
            }
        )

    rasa.handler = answer
    result = await client.parse("工资")
    assert result.source == "rasa"
    assert [c.topic for c in result.candidates] == ["wages.arrears", "rights.inspection"]
    assert rasa.texts == ["工资"]


async def bad_status(request: web.Request) -> web.StreamResponse:
    return web.Response(status=500, text="boom")


async def not_json(request: web.Request) -> web.StreamResponse:
    return web.Response(text="not json", content_type="application/json")


async def bad_shape(request: web.Request) -> web.StreamResponse:
    return web.json_response({"intent_ranking": [{"confidence": 1}]})


@pytest.mark.parametrize(
    "handler", [bad_status, not_json, bad_shape], ids=["server-error", "bad-json", "bad-shape"]
)
async def test_bad_answers_degrade_to_offline(
    rasa: ScriptedRasa, client: NLUClient, handler: Handler
) -> None:
    rasa.handler = handler
    result = await client.parse("老板拖欠工资")
    assert result.degraded
    assert result.top is not None and result.top.topic == "wages.arrears"


async def test_server_down_degrades_to_offline() -> None:
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", offline=OFFLINE, timeout=0.5)
    try:
        result = await nlu.parse("送件摔伤了")
    finally:
        await nlu.aclose()
    assert result.source == "offline"
    assert result.top is not None and result.top.topic == "injury.recognition"


async def test_timeout_degrades_to_offline(rasa: ScriptedRasa, client: NLUClient) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return await ScriptedRasa._ok(request)

    rasa.handler = slow
    result = await client.parse("工资")
    release.set()
    assert result.degraded


async def test_connection_closed_by_the_server_is_asked_again(
    rasa: ScriptedRasa, client: NLUClient
) -> None:
    """A kept-alive connection the server drops is retried once on a new one (a parse is safe
    to repeat); a second drop degrades as any failure does."""
    drops = 1

    async def drop_first(request: web.Request) -> web.StreamResponse:
        nonlocal drops
        if drops > 0:
            drops -= 1
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        return await ScriptedRasa._ok(request)

    rasa.handler = drop_first
    result = await client.parse("工资")
    assert result.source == "rasa" and rasa.texts == ["工资", "工资"]

    drops = 2
    result = await client.parse("送件摔伤了")
    assert result.degraded and len(rasa.texts) == 4


def test_parse_response_keeps_entities() -> None:
    body = {
        "intent_ranking": [{"name": "wages.arrears", "confidence": 0.9}],
        "entities": [{"entity": "amount", "value": "3000"}],
    }
    result = parse_rasa_response(body)
    assert result.entities == ({"entity": "amount", "value": "3000"},)


async def test_the_token_goes_with_every_parse(rasa: ScriptedRasa) -> None:
    nlu = NLUClient(rasa.url, offline=OFFLINE, timeout=0.5, token="s3cret/+=")
    try:
        await nlu.parse("工资")
        await nlu.parse("工伤")
    finally:
        await nlu.aclose()
    assert rasa.tokens == ["s3cret/+=", "s3cret/+="]  # quoted on the way, intact on arrival


async def test_without_a_token_none_is_sent(rasa: ScriptedRasa, client: NLUClient) -> None:
    await client.parse("工资")
    assert rasa.tokens == [None]


async def test_a_refused_token_answers_offline_and_logs_no_token(
    rasa: ScriptedRasa, caplog: pytest.LogCaptureFixture
) -> None:
    async def unauthorized(request: web.Request) -> web.StreamResponse:
        return web.json_response({"reason": "NotAuthenticated"}, status=401)

    rasa.handler = unauthorized
    nlu = NLUClient(rasa.url, offline=OFFLINE, timeout=0.5, token="wrong-token")
    try:
        result = await nlu.parse("老板拖欠工资")
    finally:
        await nlu.aclose()
    assert result.source == "offline" and result.top is not None
    # What our code logged (the stand-in server's own access log is not ours):
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("nlu"))
    assert "401" in ours and "wrong-token" not in ours


async def test_without_a_server_the_offline_parser_answers_everything(rasa: ScriptedRasa) -> None:
    nlu = NLUClient(None, offline=OFFLINE, timeout=0.5, token="t")
    try:
        result = await nlu.parse("送件摔伤了")
    finally:
        await nlu.aclose()
    assert result.source == "offline" and rasa.texts == []

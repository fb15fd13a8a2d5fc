"""The bot's aiohttp requests: what reaches the server, and how each failure is classified (a
request that surely never left may be sent again, one that may have arrived never is)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.events import outcome_of
from bot.channels.telegram.ratelimit import surely_not_delivered
from bot.channels.telegram.request import AiohttpRequest
from reminders.sender import Outcome
from tests.helpers.services import free_port

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Server:
    def __init__(self) -> None:
        self.handler: Handler = self._echo
        self.seen: list[dict[str, str]] = []
        app = web.Application()
        app.router.add_route("*", "/{method}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        return await self.handler(request)

    async def _echo(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        self.seen.append(
            {k: v if isinstance(v, str) else f"file:{v.filename}" for k, v in form.items()}
        )
        return web.json_response({"ok": True, "result": True})

    def url(self, method: str) -> str:
        return str(self.server.make_url(f"/{method}"))


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    running = Server()
    await running.server.start_server()
    yield running
    await running.server.close()


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(connection_pool_size=1, read_timeout=0.3, pool_timeout=0.2)
    await request.initialize()
    yield request
    await request.shutdown()


async def test_form_fields_and_files_reach_the_server(
    server: Server, request_: AiohttpRequest
) -> None:
    plain = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "你好 <b>"),
        ]
    )
    status, body = await request_.do_request(server.url("sendMessage"), "POST", plain)
    assert status == 200 and b'"ok": true' in body
    upload = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input(
                "document", InputFile(b"%PDF", filename="a.pdf", attach=True)
            ),
        ]
    )
    await request_.do_request(server.url("sendDocument"), "POST", upload)
    assert server.seen[0] == {"chat_id": "42", "text": "你好 <b>"}
    assert server.seen[1]["chat_id"] == "42"
    assert "file:a.pdf" in server.seen[1].values()


async def test_an_error_status_is_returned_for_ptb_to_raise(
    server: Server, request_: AiohttpRequest
) -> None:
    async def bad_gateway(request: web.Request) -> web.StreamResponse:
        return web.Response(status=502, text="Bad Gateway")

    server.handler = bad_gateway
    status, _ = await request_.do_request(server.url("sendMessage"), "POST")
    assert status == 502


async def test_refused_connection_surely_did_not_deliver(request_: AiohttpRequest) -> None:
    with pytest.raises(NetworkError) as caught:
        await request_.do_request(f"http://127.0.0.1:{free_port()}/sendMessage", "POST")
    assert surely_not_delivered(caught.value)
    assert outcome_of(caught.value).kind is Outcome.NETWORK_ERROR


async def test_no_answer_in_time_may_have_delivered(
    server: Server, request_: AiohttpRequest
) -> None:
    release = asyncio.Event()

    async def silent(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    server.handler = silent
    with pytest.raises(TimedOut) as caught:
        await request_.do_request(server.url("sendMessage"), "POST")
    release.set()
    assert not surely_not_delivered(caught.value)
    assert outcome_of(caught.value).kind is Outcome.UNKNOWN


async def test_connection_dropped_after_sending_may_have_delivered(
    server: Server, request_: AiohttpRequest
) -> None:
    async def drop(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    server.handler = drop
    with pytest.raises(NetworkError) as caught:
        await request_.do_request(server.url("sendMessage"), "POST")
    assert not isinstance(caught.value, TimedOut)
    assert not surely_not_delivered(caught.value)
    assert outcome_of(caught.value).kind is Outcome.UNKNOWN


async def test_no_free_connection_in_time_surely_did_not_deliver(
    server: Server, request_: AiohttpRequest
) -> None:
    """The pool holds one connection; a second request waits for it past the pool timeout."""
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    server.handler = slow
    first = asyncio.create_task(
        request_.do_request(server.url("sendMessage"), "POST", read_timeout=5)
    )
    await asyncio.sleep(0.05)
    with pytest.raises(TimedOut) as caught:
        await request_.do_request(server.url("sendMessage"), "POST", connect_timeout=0.05)
    release.set()
    assert (await first)[0] == 200
    assert surely_not_delivered(caught.value)
    assert outcome_of(caught.value).kind is Outcome.NETWORK_ERROR


async def test_not_initialised_refuses() -> None:
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:1/getMe", "POST")


async def test_a_proxy_in_the_environment_is_used(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTPS_PROXY / HTTP_PROXY are honoured, as PTB's httpx client honoured them."""
    monkeypatch.setenv("HTTP_PROXY", str(server.server.make_url("")))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    proxied: list[str] = []

    async def as_proxy(request: web.Request) -> web.StreamResponse:
        proxied.append(str(request.url))
        return web.json_response({"ok": True, "result": True})

    server.handler = as_proxy
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, _ = await request.do_request("http://api.telegram.invalid/sendMessage", "POST")
    finally:
        await request.shutdown()
    assert status == 200 and proxied == ["http://api.telegram.invalid/sendMessage"]


async def test_hosts_in_no_proxy_are_reached_directly(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    async def direct(request: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True, "result": str(request.url)})

    server.handler = direct
    request = AiohttpRequest()
    await request.initialize()
    try:
        url = str(server.server.make_url("/sendMessage"))
        first = await request.do_request(url, "POST")
        second = await request.do_request(url, "POST")  # the looked-up answer is reused
    finally:
        await request.shutdown()
    assert first[0] == second[0] == 200

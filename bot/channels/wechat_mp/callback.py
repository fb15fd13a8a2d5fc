"""The callback server (服务器配置): aiohttp, safe mode only.

- GET: URL verification. The `signature` over Token, timestamp and nonce must match; then the
  `echostr` is answered as it came (plain on this platform). 403 otherwise.
- POST: the body's `Encrypt` must carry a right `msg_signature` and a timestamp within five
  minutes, and decrypt to this AppID; 403 otherwise, and nothing is done. A valid callback is
  answered at once (`success`, or a passive reply when one is ready), well within WeChat's
  5 seconds; the work goes on after the answer (`Handler.arrived` decides).

The XML is parsed with defusedxml (no entities, no external references).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeXML
from aiohttp import web

from bot.channels.wxcrypto import CryptoError, WXCrypto, signature

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_SKEW = 300  # seconds between the callback's timestamp and our clock
Fields = dict[str, str]
Arrived = Callable[[Fields], Awaitable[str | None]]


def parse(xml_text: str) -> Fields:
    """The top-level fields of a callback's XML (`MsgType`, `Content`, `Event` …)."""
    root: Element = SafeXML.fromstring(xml_text)
    return {child.tag: (child.text or "") for child in root}


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to: str, account: str, content: str, now: int) -> str:
    """A passive text reply's XML."""
    return (
        f"<xml><ToUserName>{_cdata(to)}</ToUserName><FromUserName>{_cdata(account)}"
        f"</FromUserName><CreateTime>{now}</CreateTime><MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


class CallbackServer:
    def __init__(
        self,
        *,
        token: str,
        crypto: WXCrypto,
        path: str,
        arrived: Arrived,
        time_source: Callable[[], float] = time.time,
    ) -> None:
        self._token = token
        self._crypto = crypto
        self._path = path
        self._arrived = arrived
        self._time = time_source
        self.rejected = 0
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get(self._path, self.verify)
        app.router.add_post(self._path, self.receive)
        return app

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("WeChat service account callback listening on %s:%s%s", host, port, self._path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _forbidden(self, why: str) -> web.Response:
        self.rejected += 1
        log.warning("WeChat callback rejected: %s", why)
        return web.Response(status=403, text="forbidden")

    def _fresh(self, timestamp: str) -> bool:
        return timestamp.isdigit() and abs(self._time() - int(timestamp)) <= MAX_SKEW

    async def verify(self, request: web.Request) -> web.Response:
        """GET: the URL check when the server configuration is saved."""
        query = request.query
        expected = signature(self._token, query.get("timestamp", ""), query.get("nonce", ""))
        if not hmac.compare_digest(expected, query.get("signature", "").lower()):
            return self._forbidden("bad signature on URL verification")
        return web.Response(text=query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        query = request.query
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not self._fresh(timestamp):
            return self._forbidden("stale or missing timestamp")
        try:
            envelope = parse(await request.text())
            encrypted = envelope.get("Encrypt", "")
            if not encrypted:
                return self._forbidden("not in safe mode (no Encrypt)")
            plain = self._crypto.open(query.get("msg_signature", ""), timestamp, nonce, encrypted)
            fields = parse(plain)
        except (CryptoError, SafeXML.ParseError, ValueError) as exc:
            return self._forbidden(type(exc).__name__)
        try:
            passive = await self._arrived(fields)
        except Exception:
            log.error("a WeChat callback could not be handled", exc_info=True)
            passive = None
        if passive is None:
            return web.Response(text="success")
        return web.Response(text=self.seal(fields, passive), content_type="application/xml")

    def seal(self, fields: Fields, content: str) -> str:
        """The passive reply `content` to the sender of `fields`, encrypted."""
        now = int(self._time())
        plain = text_reply(
            fields.get("FromUserName", ""), fields.get("ToUserName", ""), content, now
        )
        nonce = secrets.token_hex(8)
        encrypted, msg_signature = self._crypto.seal(plain, str(now), nonce)
        return (
            f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt><MsgSignature>{_cdata(msg_signature)}"
            f"</MsgSignature><TimeStamp>{now}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
        )

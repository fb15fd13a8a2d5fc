"""The callback server WeCom calls: GET to verify the URL (answer the decrypted echostr), POST
for news (`kf_msg_or_event`). A bad signature or a message for another corp gets 403 and starts
nothing. A good callback is answered 200 at once (WeCom waits 5 seconds, then retries); the
feed is read after it. Nothing of a message is logged.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable

from aiohttp import web

from bot.channels.wxcrypto import CryptoError, WXCrypto

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


def _field(xml: str, name: str) -> str:
    try:
        root = ET.fromstring(xml)  # noqa: S314 - a small body of the platform, checked first
    except ET.ParseError:
        return ""
    node = root.find(name)
    return (node.text or "").strip() if node is not None else ""


def make_app(
    crypto: WXCrypto, path: str, on_news: Callable[[str, str | None], None]
) -> web.Application:
    """`on_news(open_kfid, sync_token)` is called for each authentic callback."""

    async def verify(request: web.Request) -> web.Response:
        q = request.query
        try:
            echo = crypto.open(
                q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""),
                q.get("echostr", ""),
            )  # fmt: skip
        except CryptoError:
            log.warning("WeCom URL verification with a bad signature refused")
            return web.Response(status=403, text="forbidden")
        return web.Response(text=echo)

    async def news(request: web.Request) -> web.Response:
        body = await request.content.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return web.Response(status=413, text="too large")
        q = request.query
        encrypted = _field(body.decode(errors="replace"), "Encrypt")
        try:
            plain = crypto.open(
                q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""), encrypted
            )
        except CryptoError:
            log.warning("a WeCom callback with a bad signature or receiver was refused")
            return web.Response(status=403, text="forbidden")
        if _field(plain, "Event") == "kf_msg_or_event":
            account = _field(plain, "OpenKfId")
            if account:
                on_news(account, _field(plain, "Token") or None)
        return web.Response(text="success")

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_get(path, verify)
    app.router.add_post(path, news)
    return app

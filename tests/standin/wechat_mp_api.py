"""A local stand-in for the WeChat service account (服务号) API, over real HTTP (aiohttp), and
for WeChat's side of the callbacks.

Its own crypto (pycryptodome; nothing of `bot/channels/wxcrypto.py`): callbacks are encrypted
and signed as WeChat does in safe mode, passive replies are checked and decrypted. The platform's
rules, as the tests need them:
- `stable_token`: a token lives `token_lifetime` seconds; `expire_tokens()` ends them early (the
  next call with one gets 42001); force_refresh issues a new one.
- 客服消息: a follower's message opens 5 sends within 48 h, a follow / click / scan 3 within a
  minute; beyond: 45015 (time) or 45047 (count); texts over 2,048 bytes: 45002; 43004 for
  someone who does not follow.
- Template messages: the daily quota (45009), field rules (47003: a `thing` over 20
  characters, a `time` not a date-time), `client_msg_id` dropping a repeat within ten minutes,
  then a `TEMPLATESENDJOBFINISH` callback (`failed:user block` for followers who blocked).
- Callbacks: an answer must come within 5 seconds, else WeChat tries again, three times more.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import struct
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from Crypto.Cipher import AES

TOKEN_ERRORS = {"expired": 42001, "invalid": 40001}
MAX_TEXT = 2048
DEDUP_SECONDS = 600
ANSWER_WITHIN = 5.0  # seconds WeChat waits for an answer (`answer_within` per stand-in)
RETRIES = 3
TIME_VALUE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}(~.*)?$")


class StandinCrypto:
    """WeChat's safe mode, written from the documentation, independently of the bot's."""

    def __init__(self, token: str, aes_key: str, app_id: str) -> None:
        self.token = token
        self.key = base64.b64decode(aes_key + "=")
        self.app_id = app_id

    def sign(self, *parts: str) -> str:
        return hashlib.sha1("".join(sorted([self.token, *parts])).encode()).hexdigest()

    def encrypt(self, text: str) -> str:
        body = text.encode()
        raw = os.urandom(16) + struct.pack("!I", len(body)) + body + self.app_id.encode()
        pad = 32 - len(raw) % 32
        raw += bytes([pad]) * pad
        return base64.b64encode(
            AES.new(self.key, AES.MODE_CBC, self.key[:16]).encrypt(raw)
        ).decode()

    def decrypt(self, encrypted: str) -> str:
        raw = AES.new(self.key, AES.MODE_CBC, self.key[:16]).decrypt(base64.b64decode(encrypted))
        raw = raw[: -raw[-1]]
        (length,) = struct.unpack("!I", raw[16:20])
        assert raw[20 + length :].decode() == self.app_id, "passive reply for another AppID"
        return raw[20 : 20 + length].decode()


@dataclass
class Window:
    until: float
    left: int


@dataclass
class Template:
    openid: str
    data: dict[str, str]
    url: str | None
    client_msg_id: str | None
    msgid: int
    at: float


@dataclass
class Follower:
    openid: str
    following: bool = True
    blocks_templates: bool = False  # the job-finished event says failed:user block
    texts: list[str] = field(default_factory=list)
    passive: list[str] = field(default_factory=list)
    templates: list[Template] = field(default_factory=list)


@dataclass
class CallbackAttempt:
    status: int
    seconds: float
    body: str


class MPStandin:
    def __init__(
        self,
        *,
        app_id: str = "wxstandin0000001",
        secret: str = "standin-secret",
        token: str = "standin-token",
        aes_key: str | None = None,
        template_id: str = "TPL_EVENT",
        daily_quota: int = 100_000,
        token_lifetime: float = 7200.0,
        fail_first_template_sends: int = 0,
    ) -> None:
        self.app_id = app_id
        self.secret = secret
        self.token = token
        self.aes_key = aes_key or base64.b64encode(os.urandom(32)).decode().rstrip("=")
        self.crypto = StandinCrypto(token, self.aes_key, app_id)
        self.template_id = template_id
        self.daily_quota = daily_quota
        self.token_lifetime = token_lifetime
        self.callback_url = ""  # the bot's, set by the test
        self.followers: dict[str, Follower] = {}
        self.windows: dict[str, Window] = {}
        self.tokens: dict[str, float] = {}  # token -> expiry
        self.token_requests = 0
        self.calls: list[tuple[str, int]] = []  # (path, errcode)
        self.template_times: list[float] = []
        self.templates_today = 0
        self.menu: dict[str, Any] | None = None
        #: openid -> unionid, for accounts bound to an open platform (`user/info` gives it).
        self.unionids: dict[str, str] = {}
        self.attempts: dict[str, list[CallbackAttempt]] = defaultdict(list)
        self._dedup: dict[tuple[str, str], tuple[float, int]] = {}
        self._msgid = 1000
        self._msg_counter = 5_000_000_000
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.root = ""
        self.answer_within = ANSWER_WITHIN

    # --- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> MPStandin:
        app = web.Application()
        app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        app.router.add_post("/cgi-bin/message/custom/typing", self._typing)
        app.router.add_post("/cgi-bin/message/template/send", self._template_send)
        app.router.add_post("/cgi-bin/menu/create", self._menu_create)
        app.router.add_get("/cgi-bin/user/info", self._user_info)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root = f"http://127.0.0.1:{port}"
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the API -------------------------------------------------------------------------------

    def expire_tokens(self) -> None:
        self.tokens = dict.fromkeys(self.tokens, 0.0)

    def _answer(self, path: str, errcode: int, **more: Any) -> web.Response:
        self.calls.append((path, errcode))
        return web.json_response(
            {"errcode": errcode, "errmsg": "ok" if not errcode else "err", **more}
        )

    def _check_token(self, request: web.Request) -> int:
        expiry = self.tokens.get(request.query.get("access_token", ""))
        if expiry is None:
            return 40001
        return 42001 if expiry <= time.monotonic() else 0

    async def _stable_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.token_requests += 1
        if body.get("appid") != self.app_id or body.get("secret") != self.secret:
            return self._answer("stable_token", 40125)
        live = [t for t, expiry in self.tokens.items() if expiry > time.monotonic()]
        if live and not body.get("force_refresh"):
            token = live[0]
        else:
            self.tokens = {}
            token = secrets.token_hex(16)
            self.tokens[token] = time.monotonic() + self.token_lifetime
        self.calls.append(("stable_token", 0))
        return web.json_response({"access_token": token, "expires_in": int(self.token_lifetime)})

    async def _typing(self, request: web.Request) -> web.Response:
        return self._answer("typing", self._check_token(request))

    async def _custom_send(self, request: web.Request) -> web.Response:
        bad = self._check_token(request)
        if bad:
            return self._answer("custom", bad)
        body = await request.json()
        follower = self.followers.get(body.get("touser", ""))
        if follower is None or not follower.following:
            return self._answer("custom", 43004)
        if body.get("msgtype") != "text":
            return self._answer("custom", 40008)
        content = body["text"]["content"]
        if len(content.encode()) > MAX_TEXT:
            return self._answer("custom", 45002)
        window = self.windows.get(follower.openid)
        if window is None or window.until <= time.monotonic():
            return self._answer("custom", 45015)
        if window.left <= 0:
            return self._answer("custom", 45047)
        window.left -= 1
        follower.texts.append(content)
        return self._answer("custom", 0)

    async def _template_send(self, request: web.Request) -> web.Response:
        bad = self._check_token(request)
        if bad:
            return self._answer("template", bad)
        body = await request.json()
        now = time.monotonic()
        self.template_times.append(now)
        openid = body.get("touser", "")
        follower = self.followers.get(openid)
        if body.get("template_id") != self.template_id:
            return self._answer("template", 40037)
        if follower is None or not follower.following:
            return self._answer("template", 43004)
        data = {key: str(value.get("value", "")) for key, value in body.get("data", {}).items()}
        if not self._fields_ok(data):
            return self._answer("template", 47003)
        client_id = body.get("client_msg_id")
        if client_id:
            seen = self._dedup.get((openid, client_id))
            if seen is not None and now - seen[0] < DEDUP_SECONDS:
                return self._answer("template", 0, msgid=seen[1])
        if self.templates_today >= self.daily_quota:
            return self._answer("template", 45009)
        self.templates_today += 1
        self._msgid += 1
        msgid = self._msgid
        if client_id:
            self._dedup[(openid, client_id)] = (now, msgid)
        follower.templates.append(Template(openid, data, body.get("url"), client_id, msgid, now))
        status = "failed:user block" if follower.blocks_templates else "success"
        self._later(self.job_finished(openid, msgid, status))
        return self._answer("template", 0, msgid=msgid)

    @staticmethod
    def _fields_ok(data: dict[str, str]) -> bool:
        for key, value in data.items():
            kind = key.rstrip("0123456789")
            if kind == "thing" and not 0 < len(value) <= 20:
                return False
            if kind == "time" and not TIME_VALUE.match(value):
                return False
        return True

    async def _menu_create(self, request: web.Request) -> web.Response:
        bad = self._check_token(request)
        if bad:
            return self._answer("menu", bad)
        body = await request.json()
        buttons = body.get("button", [])
        if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button", [])) > 5 for b in buttons):
            return self._answer("menu", 40017)
        self.menu = body
        return self._answer("menu", 0)

    async def _user_info(self, request: web.Request) -> web.Response:
        """A follower's basic information; `unionid` only when the account is bound to an open
        platform (here: when the test put one in `unionids`)."""
        bad = self._check_token(request)
        if bad:
            return self._answer("user/info", bad)
        openid = request.query.get("openid", "")
        if openid not in self.followers:
            return self._answer("user/info", 40003)
        more: dict[str, Any] = {"subscribe": 1, "openid": openid}
        if openid in self.unionids:
            more["unionid"] = self.unionids[openid]
        return self._answer("user/info", 0, **more)

    # --- WeChat's side: callbacks --------------------------------------------------------------

    def _later(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def follower(self, openid: str) -> Follower:
        return self.followers.setdefault(openid, Follower(openid))

    def _open(self, openid: str, seconds: float, count: int) -> None:
        current = self.windows.get(openid)
        if current is not None and current.until > time.monotonic() + seconds and current.left:
            return
        self.windows[openid] = Window(time.monotonic() + seconds, count)

    def envelope(self, fields: dict[str, str]) -> tuple[dict[str, str], str]:
        """(query, body) of a callback in safe mode."""
        inner = (
            "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()) + "</xml>"
        )
        encrypted = self.crypto.encrypt(inner)
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        query = {
            "signature": self.crypto.sign(timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": fields.get("FromUserName", ""),
            "encrypt_type": "aes",
            "msg_signature": self.crypto.sign(timestamp, nonce, encrypted),
        }
        body = (
            "<xml><ToUserName><![CDATA[gh_standin]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
        return query, body

    async def post(self, fields: dict[str, str], *, retries: int = RETRIES) -> CallbackAttempt:
        """Deliver a callback as WeChat does: no answer within 5 s (or not 200) → again."""
        assert self._http is not None and self.callback_url
        key = (
            fields.get("MsgId")
            or f"{fields['FromUserName']}:{fields['CreateTime']}:{fields.get('Event', '')}"
        )
        attempt = CallbackAttempt(0, 0.0, "")
        for _ in range(1 + retries):
            query, body = self.envelope(fields)
            began = time.monotonic()
            try:
                async with self._http.post(
                    self.callback_url,
                    params=query,
                    data=body.encode(),
                    timeout=aiohttp.ClientTimeout(total=self.answer_within),
                ) as response:
                    attempt = CallbackAttempt(
                        response.status, time.monotonic() - began, await response.text()
                    )
            except TimeoutError:
                attempt = CallbackAttempt(0, time.monotonic() - began, "")
            self.attempts[key].append(attempt)
            if attempt.status == 200:
                break
        if attempt.status == 200 and attempt.body.startswith("<xml>"):
            self.follower(fields["FromUserName"]).passive.append(self.open_passive(attempt.body))
        return attempt

    def open_passive(self, body: str) -> str:
        root = ET.fromstring(body)
        encrypted = root.findtext("Encrypt") or ""
        timestamp, nonce = root.findtext("TimeStamp") or "", root.findtext("Nonce") or ""
        assert root.findtext("MsgSignature") == self.crypto.sign(timestamp, nonce, encrypted)
        inner = ET.fromstring(self.crypto.decrypt(encrypted))
        return inner.findtext("Content") or ""

    def _fields(self, openid: str, kind: str, **more: str) -> dict[str, str]:
        return {
            "ToUserName": "gh_standin", "FromUserName": openid,
            "CreateTime": str(int(time.time())), "MsgType": kind, **more,
        }  # fmt: skip

    async def follow(self, openid: str) -> CallbackAttempt:
        follower = self.follower(openid)
        follower.following = True
        self._open(openid, 60.0, 3)
        return await self.post(self._fields(openid, "event", Event="subscribe", EventKey=""))

    async def unfollow(self, openid: str) -> CallbackAttempt:
        self.follower(openid).following = False
        return await self.post(self._fields(openid, "event", Event="unsubscribe", EventKey=""))

    async def click(self, openid: str, key: str) -> CallbackAttempt:
        self._open(openid, 60.0, 3)
        return await self.post(self._fields(openid, "event", Event="CLICK", EventKey=key))

    async def text(
        self,
        openid: str,
        content: str,
        *,
        menu_id: str | None = None,
        msgid: int | None = None,
        retries: int = RETRIES,
    ) -> CallbackAttempt:
        self.windows[openid] = Window(time.monotonic() + 48 * 3600, 5)
        self._msg_counter += 1
        more = {"Content": content, "MsgId": str(msgid or self._msg_counter)}
        if menu_id is not None:
            more["bizmsgmenuid"] = menu_id
        return await self.post(self._fields(openid, "text", **more), retries=retries)

    async def tap(self, openid: str, label: str) -> CallbackAttempt:
        """Tap the link labelled `label` in the last text that had it."""
        for sent in reversed(self.follower(openid).texts + self.follower(openid).passive):
            found = re.search(
                r'msgmenucontent=([^&"]*)&(?:amp;)?msgmenuid=(\d+)">' + re.escape(label) + "</a>",
                sent,
            )
            if found:
                return await self.text(openid, found.group(1), menu_id=found.group(2))
        raise AssertionError(f"no link {label!r} was sent to {openid}")

    async def job_finished(self, openid: str, msgid: int, status: str) -> None:
        await asyncio.sleep(0.05)
        fields = self._fields(
            openid, "event", Event="TEMPLATESENDJOBFINISH", MsgID=str(msgid), Status=status
        )
        fields.pop("MsgId", None)
        await self.post(fields)

    async def wait_texts(self, openid: str, count: int, timeout: float = 20.0) -> list[str]:
        """The follower's 客服消息 once there are at least `count`."""
        deadline = time.monotonic() + timeout
        follower = self.follower(openid)
        while len(follower.texts) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{openid}: {len(follower.texts)} texts, wanted {count}: {follower.texts}"
                )
            await asyncio.sleep(0.02)
        return follower.texts

    def today(self) -> dt.date:
        return dt.date.today()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)

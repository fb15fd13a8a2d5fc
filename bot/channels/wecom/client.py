"""The WeCom server API over aiohttp: requests go to `{root}/cgi-bin/{path}?access_token=...`.

The access token is cached and fetched again shortly before it expires; when a call answers
40014 (invalid) or 42001 (expired), exactly one new token is fetched, however many calls failed
at once, and the call is tried once more. Every other error is returned as `WeComError` with
its errcode (logged here, never with message text); nothing is retried in a storm.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40014, 42001, 41001})
REFRESH_MARGIN = 300.0  # seconds before expiry at which a new token is fetched
JSON = dict[str, Any]


class WeComError(Exception):
    def __init__(self, path: str, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{path}: errcode {errcode} {errmsg}".strip())
        self.path = path
        self.errcode = errcode
        self.errmsg = errmsg


class WeComClient:
    def __init__(
        self,
        *,
        root: str,
        corp_id: str,
        secret: str,
        timeout: float = 10.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._root = root.rstrip("/")
        self._corp_id = corp_id
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._now = now
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.token_fetches = 0

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def token(self, *, stale: str | None = None) -> str:
        """A valid access token. `stale`: the token a call was refused with; a new one is
        fetched only if nobody has replaced it meanwhile (one fetch for many failed calls)."""
        async with self._lock:
            fresh = self._token is not None and self._now() < self._expires - REFRESH_MARGIN
            if fresh and (stale is None or stale != self._token):
                assert self._token is not None
                return self._token
            url = f"{self._root}/cgi-bin/gettoken"
            params = {"corpid": self._corp_id, "corpsecret": self._secret}
            self.token_fetches += 1
            async with self._http().get(url, params=params) as response:
                body: JSON = await response.json(content_type=None)
            if body.get("errcode", 0) != 0 or "access_token" not in body:
                code = int(body.get("errcode", -1))
                log.error("WeCom gettoken failed: errcode %s", code)
                raise WeComError("gettoken", code, str(body.get("errmsg", "")))
            self._token = str(body["access_token"])
            self._expires = self._now() + float(body.get("expires_in", 7200))
            return self._token

    async def call(self, path: str, payload: JSON) -> JSON:
        """POST `payload` to `cgi-bin/{path}`; the answer, or `WeComError`."""
        token = await self.token()
        body = await self._post(path, token, payload)
        code = int(body.get("errcode", 0))
        if code in TOKEN_ERRORS:
            token = await self.token(stale=token)
            body = await self._post(path, token, payload)
            code = int(body.get("errcode", 0))
        if code != 0:
            log.warning("WeCom %s failed: errcode %s", path, code)
            raise WeComError(path, code, str(body.get("errmsg", "")))
        return body

    async def _post(self, path: str, token: str, payload: JSON) -> JSON:
        url = f"{self._root}/cgi-bin/{path}"
        async with self._http().post(url, params={"access_token": token}, json=payload) as resp:
            if resp.status >= 500:
                return {"errcode": -1, "errmsg": f"HTTP {resp.status}"}
            body: JSON = await resp.json(content_type=None)
            return body

    # --- the calls the channel uses ---------------------------------------------------------

    async def sync_msg(
        self, open_kfid: str, cursor: str | None, token: str | None, limit: int = 1000
    ) -> JSON:
        payload: JSON = {"open_kfid": open_kfid, "limit": limit, "voice_format": 0}
        if cursor:
            payload["cursor"] = cursor
        if token:
            payload["token"] = token
        return await self.call("kf/sync_msg", payload)

    async def send_msg(self, open_kfid: str, touser: str, message: JSON, msgid: str) -> str:
        payload = {"touser": touser, "open_kfid": open_kfid, "msgid": msgid, **message}
        return str((await self.call("kf/send_msg", payload)).get("msgid", msgid))

    async def send_on_event(self, code: str, message: JSON, msgid: str) -> str:
        payload = {"code": code, "msgid": msgid, **message}
        return str((await self.call("kf/send_msg_on_event", payload)).get("msgid", msgid))

    async def service_state(self, open_kfid: str, external_userid: str) -> tuple[int, str]:
        body = await self.call(
            "kf/service_state/get", {"open_kfid": open_kfid, "external_userid": external_userid}
        )
        return int(body.get("service_state", 0)), str(body.get("servicer_userid", ""))

    async def transfer(
        self, open_kfid: str, external_userid: str, state: int, servicer: str | None = None
    ) -> str | None:
        """Change the session's state; the `msg_code` for one event message, if given."""
        payload: JSON = {
            "open_kfid": open_kfid,
            "external_userid": external_userid,
            "service_state": state,
        }
        if servicer:
            payload["servicer_userid"] = servicer
        code = (await self.call("kf/service_state/trans", payload)).get("msg_code")
        return str(code) if code else None

    async def unionid(self, external_userid: str) -> str | None:
        """The courier's unionid, when the corp is bound to an open platform."""
        body = await self.call(
            "kf/customer/batchget",
            {"external_userid_list": [external_userid], "need_enter_session_context": 0},
        )
        for customer in body.get("customer_list") or []:
            if customer.get("external_userid") == external_userid and customer.get("unionid"):
                return str(customer["unionid"])
        return None

    async def contact_way(self, open_kfid: str, scene: str) -> str:
        body = await self.call("kf/add_contact_way", {"open_kfid": open_kfid, "scene": scene})
        return str(body["url"])

    async def app_message(self, agent_id: int, touser: str, text: str) -> None:
        """A text from the app to an internal WeCom user (a notice to staff)."""
        await self.call(
            "message/send",
            {"touser": touser, "msgtype": "text", "agentid": agent_id, "text": {"content": text}},
        )

"""The service account's HTTP API on aiohttp: `stable_token`, 客服消息, template messages, menu.

- The access token comes from `cgi-bin/stable_token` and is kept until five minutes before it
  expires; concurrent callers share one fetch. A call refused with 40001 / 42001 / 40014 (the
  token was replaced or expired early) fetches it once more and is repeated once; nothing else
  is retried here, so a refusal never turns into a storm of requests.
- Every refusal is logged with its errcode and raised as `MPError`; a request that surely did
  not leave raises `Unreached`, one that may have arrived (timeout, connection dropped) raises
  `NoAnswer`. The access token and the secret never reach a log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 42001, 40014})  # invalid credential, expired, invalid token
TOKEN_MARGIN = 300.0  # seconds before the expiry at which a token is fetched anew
Json = dict[str, Any]


class MPError(Exception):
    """The platform answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str, path: str) -> None:
        super().__init__(f"{path}: {errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path


class Unreached(Exception):
    """The request surely did not reach the platform (could not connect)."""


class NoAnswer(Exception):
    """The request may have reached the platform, but no answer came (timeout, cut off)."""


class MPClient:
    def __init__(
        self,
        root: str,
        app_id: str,
        secret: str,
        *,
        timeout: float = 10.0,
        time_source: Callable[[], float] = time.monotonic,
    ) -> None:
        self._root = root.rstrip("/")
        self._app_id = app_id
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._time = time_source
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.token_fetches = 0

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(limit=64)
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- the access token ----------------------------------------------------------------------

    async def token(self, *, rejected: str | None = None) -> str:
        """The current access token. `rejected`: the platform refused this one, so fetch anew
        (unless another caller already did)."""
        async with self._lock:
            fresh = self._token is not None and self._time() < self._expires
            if fresh and self._token != rejected:
                assert self._token is not None
                return self._token
            answer = await self._post("stable_token", None, self._token_request(False))
            if rejected is not None and answer.get("access_token") == rejected:
                # The platform still hands out the token it refused: ask for a new one.
                answer = await self._post("stable_token", None, self._token_request(True))
            self.token_fetches += 1
            self._token = str(answer["access_token"])
            lifetime = float(answer.get("expires_in", 7200))
            self._expires = self._time() + max(60.0, lifetime - TOKEN_MARGIN)
            return self._token

    def _token_request(self, force: bool) -> Json:
        return {
            "grant_type": "client_credential",
            "appid": self._app_id,
            "secret": self._secret,
            "force_refresh": force,
        }

    # --- calls ---------------------------------------------------------------------------------

    async def call(self, path: str, payload: Json | None, *, query: Json | None = None) -> Json:
        """POST `payload` (or GET, when it is None) to `cgi-bin/{path}` with the access token;
        one more try with a new token when the platform says the token is no longer good."""
        token = await self.token()
        try:
            return await self._post(path, token, payload, query)
        except MPError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.warning("WeChat refused the access token (%s); fetching it again", exc.errcode)
        token = await self.token(rejected=token)
        return await self._post(path, token, payload, query)

    async def _post(
        self, path: str, token: str | None, payload: Json | None, query: Json | None = None
    ) -> Json:
        url = f"{self._root}/cgi-bin/{path}"
        params = {**(query or {}), **({"access_token": token} if token is not None else {})}
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        method = "POST" if payload is not None else "GET"
        try:
            async with self._http().request(
                method, url, params=params or None, data=body,
                headers={"Content-Type": "application/json"} if body is not None else None,
            ) as response:  # fmt: skip
                raw = await response.read()
                status = response.status
        except aiohttp.ClientConnectorError as exc:
            raise Unreached(f"{path}: cannot connect ({type(exc).__name__})") from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise NoAnswer(f"{path}: no answer ({type(exc).__name__})") from None
        if status >= 500:
            raise NoAnswer(f"{path}: HTTP {status}")
        try:
            answer = json.loads(raw)
        except ValueError:
            raise MPError(-2, f"not JSON (HTTP {status})", path) from None
        if not isinstance(answer, dict):
            raise MPError(-2, "not a JSON object", path)
        errcode = int(answer.get("errcode", 0) or 0)
        if errcode:
            errmsg = str(answer.get("errmsg", ""))[:120]
            log.warning("WeChat %s: errcode %s (%s)", path, errcode, errmsg)
            raise MPError(errcode, errmsg, path)
        return answer

    # --- what the channel uses -------------------------------------------------------------------

    async def custom_send(self, openid: str, message: Json) -> None:
        """客服消息: `message` is {"msgtype": "text", "text": {"content": ...}} or the like."""
        await self.call("message/custom/send", {"touser": openid, **message})

    async def unionid(self, openid: str) -> str | None:
        """The follower's unionid, when the account is bound to an open platform."""
        answer = await self.call("user/info", None, query={"openid": openid, "lang": "zh_CN"})
        value = answer.get("unionid")
        return str(value) if value else None

    async def typing(self, openid: str) -> None:
        await self.call("message/custom/typing", {"touser": openid, "command": "Typing"})

    async def template_send(
        self,
        openid: str,
        template_id: str,
        data: dict[str, str],
        *,
        url: str | None = None,
        client_msg_id: str | None = None,
    ) -> str:
        """A template message; the platform's msgid (TEMPLATESENDJOBFINISH names it)."""
        payload: Json = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        if url:
            payload["url"] = url
        if client_msg_id:
            payload["client_msg_id"] = client_msg_id  # the same id twice: sent once
        answer = await self.call("message/template/send", payload)
        return str(answer.get("msgid", ""))

    async def menu_create(self, menu: Json) -> None:
        await self.call("menu/create", menu)

"""The application's client of the Rasa server: `POST /model/parse?token=...` with a timeout.

When the server is down, slow, refuses our token or answers badly, it never raises: it asks the
offline parser instead, the same model run in-process (nlu/inprocess.py) when it was exported
for the current data, else the BM25 matcher, whose results are marked degraded so that the
dialogue can say understanding is limited.

It speaks aiohttp rather than httpx: one parse per courier message, and under load httpx cost
about ten times the CPU per request (1.3-2.5 ms against 0.2-0.35 ms on the same machine).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp

from nlu.result import FALLBACK_INTENT, Candidate, NLUResult, OfflineParser

log = logging.getLogger(__name__)

# Rasa's web server (Sanic) closes an idle kept-alive connection after 5 s; close ours first so
# that a request rarely goes out on a connection the server is closing.
KEEPALIVE_SECONDS = 4.0


def parse_rasa_response(body: dict[str, Any]) -> NLUResult:
    """Turn Rasa's parse JSON into an `NLUResult` (Rasa's fallback intent is dropped).

    A body without the expected fields raises KeyError/TypeError, which `parse` treats as down.
    """
    ranking = body["intent_ranking"]
    candidates = tuple(
        Candidate(topic=str(item["name"]), confidence=float(item["confidence"]))
        for item in ranking
        if item["name"] != FALLBACK_INTENT
    )
    entities = tuple(dict(entity) for entity in body.get("entities") or ())
    return NLUResult(candidates=candidates, source="rasa", entities=entities)


class NLUClient:
    """Async client for one event loop; owns one `aiohttp.ClientSession`, made on the first parse
    (aiohttp needs the running loop for it), closed with `aclose`."""

    def __init__(
        self,
        base_url: str | None,
        *,
        offline: OfflineParser,
        timeout: float = 3.0,
        token: str | None = None,
    ) -> None:
        """`base_url` None: no server, `offline` answers everything (`eval --offline`)."""
        self._url = base_url.rstrip("/") + "/model/parse" if base_url else None
        self._params = {"token": token} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._offline = offline
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS)
            self._http = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._http

    async def _post(self, text: str) -> NLUResult:
        assert self._url is not None
        request = self._session().post(self._url, params=self._params, json={"text": text})
        async with request as response:
            response.raise_for_status()
            body = json.loads(await response.read())
        return parse_rasa_response(body)

    async def parse(self, text: str) -> NLUResult:
        if self._url is None:
            return await self._parse_offline(text)
        try:
            try:
                return await self._post(text)
            except aiohttp.ServerDisconnectedError:
                # A kept-alive connection closed by the server just as we reused it: a parse
                # changes nothing, so asking once more on a fresh connection is safe.
                return await self._post(text)
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            # The type and status only: the request's URL carries the token.
            status = getattr(exc, "status", None)
            log.warning(
                "NLU server unavailable (%s%s); understanding without it",
                type(exc).__name__,
                f" {status}" if status else "",
            )
            return await self._parse_offline(text)

    async def _parse_offline(self, text: str) -> NLUResult:
        # In a thread: the in-process model loads jieba's dictionary (about a second) on first use.
        return await asyncio.to_thread(self._offline.parse, text)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

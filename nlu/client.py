"""The application's client of the Rasa server: `POST /model/parse` with a timeout.

When the server is down, slow or answers badly, it never raises: it falls back to the offline
matcher and marks the result as degraded, so the dialogue can say understanding is limited.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from nlu.fallback import OfflineMatcher
from nlu.result import FALLBACK_INTENT, Candidate, NLUResult

log = logging.getLogger(__name__)


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
    """Async client; owns one `httpx.AsyncClient` (close it with `aclose`)."""

    def __init__(
        self,
        base_url: str,
        *,
        offline: OfflineMatcher,
        timeout: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout), transport=transport
        )
        self._offline = offline

    async def parse(self, text: str) -> NLUResult:
        try:
            response = await self._http.post("/model/parse", json={"text": text})
            response.raise_for_status()
            return parse_rasa_response(response.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "NLU server unavailable (%s); using the offline matcher", type(exc).__name__
            )
            return self._offline.parse(text)

    async def aclose(self) -> None:
        await self._http.aclose()

"""The Rasa client's error paths, with httpx.MockTransport (the happy path runs against real Rasa
in tests/integration)."""

from __future__ import annotations

import httpx
import pytest

from nlu.client import NLUClient, parse_rasa_response
from nlu.fallback import OfflineMatcher

OFFLINE = OfflineMatcher(
    [("wages.arrears", "老板拖欠工资不发"), ("injury.recognition", "送件摔伤算工伤吗")]
)


def client_with(handler: httpx.MockTransport) -> NLUClient:
    return NLUClient("http://nlu.test", offline=OFFLINE, timeout=0.5, transport=handler)


async def test_parses_rasa_ranking_and_drops_fallback_intent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        return httpx.Response(
            200,
            json={
                "intent": {"name": "nlu_fallback", "confidence": 0.3},
                "intent_ranking": [
                    {"name": "nlu_fallback", "confidence": 0.3},
                    {"name": "wages.arrears", "confidence": 0.25},
                    {"name": "rights.inspection", "confidence": 0.2},
                ],
                "entities": [],
            },
        )

    result = await client_with(httpx.MockTransport(handler)).parse("工资")
    assert result.source == "rasa"
    assert [c.topic for c in result.candidates] == ["wages.arrears", "rights.inspection"]


@pytest.mark.parametrize(
    "handler",
    [
        lambda request: httpx.Response(500, text="boom"),
        lambda request: httpx.Response(200, text="not json"),
        lambda request: httpx.Response(200, json={"intent_ranking": [{"confidence": 1}]}),
    ],
    ids=["server-error", "bad-json", "bad-shape"],
)
async def test_bad_answers_degrade_to_offline(handler: object) -> None:
    result = await client_with(httpx.MockTransport(handler)).parse("老板拖欠工资")  # type: ignore[arg-type]
    assert result.degraded
    assert result.top is not None and result.top.topic == "wages.arrears"


async def test_server_down_degrades_to_offline() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = await client_with(httpx.MockTransport(handler)).parse("送件摔伤了")
    assert result.source == "offline"
    assert result.top is not None and result.top.topic == "injury.recognition"


async def test_timeout_degrades_to_offline() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    result = await client_with(httpx.MockTransport(handler)).parse("工资")
    assert result.degraded


def test_parse_response_keeps_entities() -> None:
    body = {
        "intent_ranking": [{"name": "wages.arrears", "confidence": 0.9}],
        "entities": [{"entity": "amount", "value": "3000"}],
    }
    result = parse_rasa_response(body)
    assert result.entities == ({"entity": "amount", "value": "3000"},)

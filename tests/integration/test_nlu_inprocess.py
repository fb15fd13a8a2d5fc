"""The in-process model is the server's model: same rankings, same confidences, on held-out
questions; and the bot uses it when the server does not answer."""

from __future__ import annotations

import httpx
import pytest

from bot.app import catalog_from_files, make_understanding
from bot.core.normalize import normalize
from bot.settings import Settings
from knowledge.loader import load_entries
from nlu.auth import resolve_token
from nlu.export import export_path
from nlu.inprocess import InProcessModel
from nlu.text import classifier_text
from nlu.training import heldout_items, train

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def model() -> InProcessModel:
    settings = Settings()
    trained = train(  # the session's model (nlu_url trains it): cached, only looked up here
        load_entries().values(),
        build_dir=settings.build_dir,
        models_dir=settings.models_dir,
        rasa_venv=settings.rasa_venv,
    )
    return InProcessModel(export_path(trained))


def test_rankings_equal_the_servers_on_heldout_questions(
    nlu_url: str, model: InProcessModel
) -> None:
    settings = Settings()
    token = resolve_token(settings.nlu_auth_token, settings.nlu_token_file)
    texts = [classifier_text(normalize(item["text"])) for item in heldout_items()[::3]]
    assert len(texts) > 500
    with httpx.Client(base_url=nlu_url, params={"token": token}, timeout=30) as server:
        for text in texts:
            body = server.post("/model/parse", json={"text": text}).json()
            expected = [
                (item["name"], item["confidence"])
                for item in body["intent_ranking"]
                if item["name"] != "nlu_fallback"
            ]
            got = [(c.topic, c.confidence) for c in model.parse(text).candidates]
            assert [topic for topic, _ in got] == [topic for topic, _ in expected], text
            confidences = [confidence for _, confidence in got]
            assert confidences == pytest.approx([c for _, c in expected], abs=1e-9), text


async def test_the_bot_understands_with_the_server_down(dead_nlu_url: str, nlu_url: str) -> None:
    # nlu_url: the session's model is trained (and exported) for the current data
    understanding, client = make_understanding(
        Settings(nlu_url=dead_nlu_url, nlu_timeout_seconds=2), catalog_from_files()
    )
    try:
        decision = await understanding.understand("送件摔伤了 怎么申请工伤认定")
    finally:
        await client.aclose()
    assert decision.topic in {"injury.application", "injury.recognition"}
    assert str(decision.action) == "answer"
    assert not decision.degraded  # the model itself answered, not the BM25 matcher

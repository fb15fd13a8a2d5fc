"""End to end through the real Rasa server: the CLI contracts and the dialogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_services
from bot.core.dialogue import UserRef
from bot.settings import Settings
from common.replies import Action

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def classify(texts: list[str], nlu_url: str) -> list[dict[str, object]]:
    stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "classify"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
        env={**os.environ, "NLU_URL": nlu_url},
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_classify_unpaid_wages(nlu_url: str) -> None:
    [out] = classify(["老板两个月没发工资了怎么办"], nlu_url)
    assert out["topic"] == "wages.arrears" and out["action"] == "answer"
    assert set(out) == {"text", "topic", "action", "confidence", "candidates"}
    assert isinstance(out["confidence"], float) and out["candidates"]


def test_classify_crisis_with_server_up_and_down(nlu_url: str, dead_nlu_url: str) -> None:
    for url in (nlu_url, dead_nlu_url):
        [out] = classify(["我不想活了，准备今晚从楼顶跳下去"], url)
        assert out["action"] == "crisis", url


def test_classify_degrades_without_server(dead_nlu_url: str) -> None:
    [out] = classify(["老板拖欠工资三个月了"], dead_nlu_url)
    assert out["action"] in {"answer", "fallback"}
    if out["action"] == "answer":
        assert out["topic"] == "wages.arrears"


async def test_dialogue_answers_through_real_rasa(nlu_url: str, tmp_path: Path) -> None:
    settings = Settings(nlu_url=nlu_url, database_url=f"sqlite:///{tmp_path / 'e2e.db'}")
    services = build_services(settings)
    try:
        reply = await services.dialogue.handle_text(
            UserRef("terminal", "e2e"), "老板两个月没发工资了怎么办"
        )
        assert reply is not None and reply.action is Action.ANSWER
        text = reply.plain()
        assert "怎么做" in text and "依据" in text and "劳动" in text
        hello = await services.dialogue.handle_text(UserRef("terminal", "e2e"), "你好呀")
        assert hello is not None and hello.action is Action.SMALLTALK
    finally:
        await services.aclose()

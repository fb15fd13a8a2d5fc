"""The dashboard's figures: the same as `courier-aid report handoff` on the same rows; charts,
tables and CSV downloads; no courier identifiers on the page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.cli import main
from common.clock import FixedClock
from storage.db import UnitOfWork
from tests.helpers.console_seed import COURIER_PHONE, COURIER_REF, seed

RANGE = {"from": "2026-11-01", "to": "2026-11-30"}
CHART_KEYS = ("questions", "gaps", "roles", "first_reply", "ratings", "crisis", "entry")


@pytest.fixture
def seeded(uow: UnitOfWork, clock: FixedClock) -> dict[str, int]:
    with uow() as session:
        return seed(session, clock.now())


def _cli_figures(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> dict[str, object]:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    capsys.readouterr()
    code = main(["report", "handoff", "--from", RANGE["from"], "--to", RANGE["to"], "--json"])
    assert code == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _csv(client: TestClient, key: str) -> list[list[str]]:
    response = client.get(f"/charts/{key}.csv", params=RANGE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_figures_match_the_cli_report(
    as_viewer: TestClient, seeded: dict[str, int], engine: Engine,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    cli = _cli_figures(engine, monkeypatch, capsys)
    page = as_viewer.get("/", params=RANGE).text
    bot_alone = cli["bot_alone"]
    assert isinstance(bot_alone, dict)
    assert f"机器人独立解决（{bot_alone['resolved']} / {bot_alone['couriers']} 人）" in page
    assert f"{bot_alone['share'] * 100:.1f}%" in page
    first = cli["first_reply"]
    assert isinstance(first, dict)
    assert (
        f"{first['median_minutes']:.1f} 分钟" in page and f"{first['p90_minutes']:.1f} 分钟" in page
    )
    assert f"<b>{cli['cases']}</b><span>转人工个案（紧急 {cli['urgent']}）" in page
    satisfaction = cli["satisfaction"]
    assert isinstance(satisfaction, dict)
    assert f"{satisfaction['average']:.2f}" in page
    roles = {row[0]: int(row[1]) for row in _csv(as_viewer, "roles")[1:]}
    by_role = cli["by_role"]
    assert isinstance(by_role, dict)
    assert list(roles.values()) == list(by_role.values())
    assert sum(roles.values()) == cli["cases"] == 7
    ratings = {row[0]: int(row[1]) for row in _csv(as_viewer, "ratings")[1:]}
    assert {k[0]: v for k, v in ratings.items() if v} == satisfaction["ratings"]
    replies = sum(int(row[1]) for row in _csv(as_viewer, "first_reply")[1:])
    assert replies == first["count"]


def test_every_chart_has_svg_a_table_and_a_csv(
    as_viewer: TestClient, seeded: dict[str, int]
) -> None:
    page = as_viewer.get("/", params=RANGE).text
    assert page.count("<svg") == len(CHART_KEYS)
    assert page.count("<table>") == len(CHART_KEYS)
    for key in CHART_KEYS:
        assert f'href="/charts/{key}.csv?from=2026-11-01&amp;to=2026-11-30"' in page
        assert len(_csv(as_viewer, key)) >= 2


def test_known_counts(as_viewer: TestClient, seeded: dict[str, int]) -> None:
    entry = {row[0]: int(row[1]) for row in _csv(as_viewer, "entry")[1:]}
    assert entry == {"Telegram": 8, "企业微信客服": 4}
    crisis = {row[0]: row[1:] for row in _csv(as_viewer, "crisis")[1:]}
    assert crisis == {"可能自伤": ["1", "0"], "正在发生的暴力": ["1", "1"]}
    questions = _csv(as_viewer, "questions")
    assert questions[0][0] == "日期" and len(questions) == 31  # header and 30 days
    gaps = {row[0]: row[1:] for row in _csv(as_viewer, "gaps")[1:]}
    assert int(gaps["（未识别）"][0]) > 0  # the fallbacks without a topic


def test_no_courier_identifiers(as_viewer: TestClient, seeded: dict[str, int]) -> None:
    for path in ("/", *(f"/charts/{key}.csv" for key in CHART_KEYS)):
        text = as_viewer.get(path, params=RANGE).text
        assert COURIER_REF not in text and COURIER_PHONE not in text


def test_a_bad_period_falls_back_to_thirty_days(as_viewer: TestClient) -> None:
    page = as_viewer.get("/", params={"from": "2026-12-01", "to": "2026-11-01"}).text
    assert "结束日期早于开始日期" in page and "2026-11-01 至 2026-11-30" in page


def test_unknown_chart_is_404(as_viewer: TestClient) -> None:
    assert as_viewer.get("/charts/nothing.csv").status_code == 404

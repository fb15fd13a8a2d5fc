"""deploy/backup.sh and deploy/restore.sh: a dump restored into a fresh PostgreSQL database, and
the assistant's composition root, `courier-aid report handoff` and the console start on it with
the same data."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, select, text
from starlette.testclient import TestClient

from bot.app import build_services
from bot.cli import main
from bot.settings import Settings
from common.clock import FixedClock
from console.accounts import add_user
from console.app import create_app
from storage.console_models import ConsoleUser
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from tests.conftest import POSTGRES_URL, _postgres_reachable
from tests.console.conftest import PASSWORD, login, make_config
from tests.helpers.console_seed import seed

ROOT = Path(__file__).resolve().parents[2]
SOURCE, TARGET = "courier_aid_deploy_src", "courier_aid_deploy_restored"
pytestmark = pytest.mark.integration


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def pg_env() -> Iterator[dict[str, str]]:
    _need(_postgres_reachable(), "PostgreSQL is not reachable at 127.0.0.1:5432")
    _need(shutil.which("pg_dump") is not None, "pg_dump is not installed")
    url = make_url(POSTGRES_URL)
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "postgres"}  # fmt: skip
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in (SOURCE, TARGET):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{SOURCE}"'))
    yield env
    with admin.connect() as conn:
        for name in (SOURCE, TARGET):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


def _report(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    assert main(["report", "handoff", "--from", "2026-11-01", "--to", "2026-11-30", "--json"]) == 0
    return capsys.readouterr().out


def test_a_dump_restores_and_the_services_start_on_it(
    pg_env: dict[str, str], tmp_path: Path, clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    source = make_engine(_url(SOURCE))
    upgrade(source)
    with UnitOfWork(source)() as session:
        seed(session, clock.now())
        add_user(session, name="admin1", role="admin", password=PASSWORD, now=clock.now())
    source.dispose()
    before = _report(_url(SOURCE), monkeypatch, capsys)
    assert json.loads(before)["cases"] == 7

    dump = subprocess.run(
        [ROOT / "deploy" / "backup.sh", SOURCE, tmp_path / "backups"], env=pg_env,
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert Path(dump).stat().st_mode & 0o777 == 0o600
    subprocess.run([ROOT / "deploy" / "restore.sh", dump, TARGET], env=pg_env, check=True,
                   capture_output=True)  # fmt: skip

    services = build_services(Settings(_env_file=None, database_url=_url(TARGET)))  # type: ignore[call-arg]
    try:
        assert services.catalog.topics  # the knowledge base loaded into the restored database
    finally:
        asyncio.run(services.aclose())
    assert _report(_url(TARGET), monkeypatch, capsys) == before

    restored = make_engine(_url(TARGET))
    uow = UnitOfWork(restored)
    with uow() as session:
        assert session.scalars(select(ConsoleUser.name)).all() == ["admin1"]
    with TestClient(create_app(make_config(), uow, clock), follow_redirects=False) as client:
        assert login(client, "admin1").status_code == 303
        assert "劳动法小课堂" in client.get("/events").text
    restored.dispose()

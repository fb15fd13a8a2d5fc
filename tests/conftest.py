"""Shared fixtures: a fixed clock, the catalog, PostgreSQL, and one real Rasa server per session
(a freshly trained model, or the cached one with the same hash) for integration and e2e tests."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.app import catalog_from_files
from bot.settings import Settings
from common.clock import FixedClock
from knowledge.catalog import Catalog
from knowledge.loader import load_entries
from nlu.auth import resolve_token
from nlu.server import RasaServer
from nlu.training import train
from storage.db import make_engine
from tests.helpers.services import free_port

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return catalog_from_files()


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def _fresh_postgres() -> Engine:
    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI and is not reachable")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each kind (the PostgreSQL one is wiped first)."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        eng = _fresh_postgres()
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def nlu_url() -> Iterator[str]:
    settings = Settings(nlu_url=f"http://127.0.0.1:{free_port()}")
    model = train(
        load_entries().values(),
        build_dir=settings.build_dir,
        models_dir=settings.models_dir,
        rasa_venv=settings.rasa_venv,
    )
    server = RasaServer(
        rasa_venv=settings.rasa_venv,
        model=model,
        nlu_url=settings.nlu_url,
        log_file=settings.build_dir / "rasa-test-server.log",
        # The project's token, as every Settings() here and every process the tests start reads
        # it: they all reach this server as the bot reaches its own.
        auth_token=resolve_token(settings.nlu_auth_token, settings.nlu_token_file),
    )
    with server:
        yield settings.nlu_url


@pytest.fixture
def dead_nlu_url() -> str:
    """An address where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"

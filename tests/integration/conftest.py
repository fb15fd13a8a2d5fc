"""A real Rasa server with a freshly trained (or cached, same hash) model, once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import Settings
from knowledge.loader import load_entries
from nlu.server import RasaServer
from nlu.training import train
from tests.helpers.services import free_port


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
    )
    with server:
        yield settings.nlu_url


@pytest.fixture
def dead_nlu_url() -> str:
    """An address where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"

"""The composition root: builds every long-lived part from one `Settings`.

Nothing is created at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from bot.core.dialogue import Dialogue
from bot.core.policy import Policy, Thresholds
from bot.core.understanding import Understanding
from bot.settings import Settings
from common.clock import Clock, SystemClock
from knowledge.catalog import Catalog
from knowledge.loader import load_entries, load_topics
from knowledge.render import Renderer
from knowledge.store import LoadReport, load_into_db, read_from_db
from nlu.auth import resolve_token
from nlu.client import NLUClient
from nlu.fallback import OfflineMatcher
from nlu.inprocess import InProcessModel, OfflineUnderstanding, export_for
from nlu.training import current_fingerprint
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade

log = logging.getLogger(__name__)


def make_policy(settings: Settings, catalog: Catalog) -> Policy:
    thresholds = Thresholds(
        answer=settings.answer_threshold,
        clarify=settings.clarify_threshold,
        margin=settings.clarify_margin,
    )
    return Policy({topic.id: topic.action for topic in catalog.topics.values()}, thresholds)


def make_understanding(
    settings: Settings, catalog: Catalog, *, server: bool = True
) -> tuple[Understanding, NLUClient]:
    """Understanding through the NLU server; while it does not answer (or with `server=False`
    always), through the same model in-process, or the BM25 matcher if it was never exported."""

    def export() -> Path:  # the model `nlu train` makes of the knowledge files; found on first use
        return export_for(settings.models_dir, current_fingerprint(load_entries().values()))

    offline = OfflineUnderstanding(InProcessModel(export), OfflineMatcher(catalog.examples()))
    client = NLUClient(
        settings.nlu_url if server else None,
        offline=offline,
        timeout=settings.nlu_timeout_seconds,
        token=resolve_token(settings.nlu_auth_token, settings.nlu_token_file) if server else None,
    )
    return Understanding(client, make_policy(settings, catalog)), client


def catalog_from_files() -> Catalog:
    return Catalog.build(load_topics(), load_entries().values())


@dataclass
class Services:
    settings: Settings
    engine: Engine
    uow: UnitOfWork
    catalog: Catalog
    nlu: NLUClient
    understanding: Understanding
    dialogue: Dialogue
    clock: Clock

    async def aclose(self) -> None:
        await self.nlu.aclose()
        self.engine.dispose()


def prepare_database(settings: Settings, clock: Clock) -> tuple[Engine, UnitOfWork, LoadReport]:
    """Migrate the database and load the knowledge files into it (both idempotent)."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    uow = UnitOfWork(engine)
    report = load_into_db(load_entries().values(), uow, clock.now())
    return engine, uow, report


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    engine, uow, report = prepare_database(settings, clock)
    log.info("knowledge base: %s changed, %s unchanged", report.changed, report.unchanged)
    catalog = Catalog.build(load_topics(), read_from_db(uow))
    understanding, client = make_understanding(settings, catalog)
    dialogue = Dialogue(
        catalog=catalog,
        understanding=understanding,
        renderer=Renderer(),
        uow=uow,
        clock=clock,
    )
    return Services(settings, engine, uow, catalog, client, understanding, dialogue, clock)

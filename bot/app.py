"""The composition root: builds every long-lived part from one `Settings`.

Nothing is created at import time."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from bot.core.accounts import Accounts
from bot.core.assembly import Core, Reminders, Services
from bot.core.conversation import Conversation
from bot.core.dialogue import Dialogue, UserRef
from bot.core.dispatch import Dispatcher
from bot.core.intake import FloodGuard, InboundLog
from bot.core.policy import Policy, Thresholds
from bot.core.texts import TELEGRAM, TERMINAL, WECHAT, WECHAT_MP, CourierTexts, Words, courier_texts
from bot.core.understanding import Understanding
from bot.retention_job import install_daily_purge
from bot.settings import Settings
from common.clock import Clock, SystemClock
from common.replies import Choice, Reply
from handoff.config import HandoffConfig
from handoff.service import HandoffService
from knowledge.catalog import Catalog
from knowledge.loader import load_entries, load_topics
from knowledge.render import Renderer
from knowledge.store import LoadReport, load_into_db, read_from_db
from nlu.auth import resolve_token
from nlu.client import NLUClient
from nlu.fallback import OfflineMatcher
from nlu.inprocess import InProcessModel, OfflineUnderstanding, export_for
from nlu.training import current_fingerprint
from reminders.config import ReminderConfig
from reminders.courier import CourierEvents, DeadlineAnswer
from reminders.personal import DeadlineKind
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
    return Services(engine, uow, catalog, client, understanding, dialogue, clock)


# --- the core every channel shares ------------------------------------------------------------

DEADLINE_PROMPT = "deadline"
STALE_TEXT = "这个按钮已经失效了。可以直接打字问我。"
WORDS: dict[str, Words] = {"telegram": TELEGRAM, "wecom": WECHAT, "wechat_mp": WECHAT_MP}


def texts_for(settings: Settings) -> dict[str, CourierTexts]:
    days = settings.retention_days
    made = {name: courier_texts(words, days) for name, words in WORDS.items()}
    made["default"] = courier_texts(TERMINAL, days)
    return made


def build_core(
    settings: Settings, *, clock: Clock | None = None, services: Services | None = None
) -> Core:
    """Every channel-neutral part, from the settings. Raises ValueError on bad settings."""
    services = services or build_services(settings, clock=clock)
    catalog = services.catalog
    handoff = HandoffService(
        uow=services.uow,
        clock=services.clock,
        config=HandoffConfig.from_settings(
            settings, topic_titles={t: catalog.title(t) for t in catalog.topics}
        ),
    )
    services.dialogue.set_availability(handoff.can_come)
    config = ReminderConfig.from_settings(settings)
    events = CourierEvents(services.uow, services.clock, config)
    services.dialogue.offer_under_answers(_deadline_offer)
    services.dialogue.add_prompt(DEADLINE_PROMPT, partial(_deadline_answer, events))
    accounts = Accounts(services.uow, services.clock)
    dispatcher = Dispatcher(handoff)
    texts = texts_for(settings)
    conversation = Conversation(
        catalog=catalog,
        dialogue=services.dialogue,
        understanding=services.understanding,
        accounts=accounts,
        handoff=handoff,
        dispatcher=dispatcher,
        inbound=InboundLog(services.uow, services.clock.now),
        texts=lambda channel: texts.get(channel, texts["default"]),
        events=events,
        flood=FloodGuard(),
    )
    core = Core(
        database_url=settings.database_url,
        services=services,
        accounts=accounts,
        handoff=handoff,
        dispatcher=dispatcher,
        conversation=conversation,
        reminders=Reminders(config=config, courier=events),
    )
    core.scheduled.append(
        lambda scheduler: install_daily_purge(scheduler, settings, services.uow, services.clock)
    )
    return core


def _deadline_offer(topic: str) -> tuple[Choice, ...]:
    offer = CourierEvents.deadline_offer(topic)
    return (offer,) if offer is not None else ()


def _deadline_answer(events: CourierEvents, who: UserRef, text: str, arg: str) -> DeadlineAnswer:
    if arg not in {kind.value for kind in DeadlineKind}:
        return DeadlineAnswer(Reply(blocks=(STALE_TEXT,)), done=True)
    return events.deadline_answer(who.channel, who.external_ref, DeadlineKind(arg), text)

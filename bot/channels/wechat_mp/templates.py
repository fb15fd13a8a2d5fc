"""Event reminders as template messages (模板消息), for the reminder engine's broadcasts.

- Fields: `WECHAT_MP_TEMPLATE_EVENT_FIELDS` maps template keys to event fields
  (`thing1=title,time2=start,thing3=place`); each value is made to fit its key's type (a
  `thing` at most 20 characters, shortened with …; a `time` a Beijing date and time).
- Once each: the delivery record's id is the `client_msg_id`, so a send repeated within ten
  minutes (a timeout, a crash in the middle) reaches the follower once.
- The daily quota (`WECHAT_MP_TEMPLATE_DAILY_QUOTA`, or the platform's 45009): the rest of the
  broadcast waits until midnight Beijing time and goes on then (RETRY_AFTER), and the
  administrators are told; nothing is dropped.
- 43004 (the follower left) marks the courier inactive; a `TEMPLATESENDJOBFINISH` with
  `failed:user block` turns the delivery failed and the courier inactive (`job_finished`).
- A refusal that would repeat for every follower (a wrong template id, missing rights) is logged
  once and fails the rest without asking the platform again, instead of a storm of requests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.channels.wechat_mp.api import MPClient, MPError, NoAnswer, Unreached
from common.clock import Clock
from common.replies import to_plain
from reminders.broadcaster import Item
from reminders.deliveries import refused_after_send, sent_since
from reminders.sender import SendOutcome
from storage.db import UnitOfWork
from storage.event_models import Event, EventReminder

log = logging.getLogger(__name__)

EVENT_FIELDS = ("title", "start", "end", "place", "description", "audience", "tags")
# Type rules of the template keywords (the key's name without its number).
MAX_CHARS = {
    "thing": 20, "character_string": 32, "phrase": 5, "name": 10, "number": 32, "amount": 32,
    "letter": 32, "symbol": 5, "phone_number": 17, "car_number": 8,
}  # fmt: skip
TIME_TYPES = ("time", "date")
BLOCKED = {43004: "unfollowed", 43019: "blacklisted"}
QUOTA = {45009}  # the platform's daily limit reached
BROKEN = {40037, 40036, 47003, 48001, 40164, 40125, 41001, 40013}  # same for every follower
BUSY = {-1, 45011}
KIND_MARK = {"change": "【有变动】", "cancel": "【已取消】"}
MAX_MSGIDS = 200_000
CHANNEL = "wechat_mp"
Report = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class FieldMap:
    pairs: tuple[tuple[str, str], ...]  # (template key, event field)

    @classmethod
    def parse(cls, text: str) -> FieldMap:
        """'thing1=title,time2=start' -> pairs; ValueError naming what is wrong."""
        pairs = []
        for part in text.replace("，", ",").split(","):
            if not part.strip():
                continue
            key, sep, field = (p.strip() for p in part.partition("="))
            kind = key.rstrip("0123456789")
            if not sep or field not in EVENT_FIELDS:
                raise ValueError(
                    f"WECHAT_MP_TEMPLATE_EVENT_FIELDS: {part.strip()!r}: key=field, field one "
                    f"of {', '.join(EVENT_FIELDS)}"
                )
            if kind not in MAX_CHARS and kind not in TIME_TYPES:
                raise ValueError(f"WECHAT_MP_TEMPLATE_EVENT_FIELDS: unknown key type {key!r}")
            pairs.append((key, field))
        if not pairs:
            raise ValueError("WECHAT_MP_TEMPLATE_EVENT_FIELDS is empty")
        return cls(tuple(pairs))


def fit(key: str, value: str | dt.datetime | None, tz: ZoneInfo) -> str:
    """`value` as the template key's type allows."""
    kind = key.rstrip("0123456789")
    if isinstance(value, dt.datetime):
        local = value.astimezone(tz)
        if kind == "date":
            return f"{local.year}年{local.month}月{local.day}日"
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    text = " ".join((value or "").split()) or "—"
    limit = MAX_CHARS.get(kind)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


@dataclass(frozen=True, slots=True)
class Facts:
    """What a reminder's template is filled from."""

    values: dict[str, str | dt.datetime | None]
    event_id: int | None


class TemplateSender:
    """`reminders.sender.Sender` (and `ItemSender`) over `message/template/send`."""

    def __init__(
        self,
        client: MPClient,
        *,
        template_id: str | None,
        fields: FieldMap,
        quota: int,
        uow: UnitOfWork | None,
        clock: Clock,
        tz: ZoneInfo,
        event_url: str | None = None,
        on_blocked: Callable[[str], None] | None = None,
        report: Report | None = None,
    ) -> None:
        self._client = client
        self._template = template_id
        self._fields = fields
        self._quota = quota
        self._uow = uow
        self._clock = clock
        self._tz = tz
        self._event_url = event_url
        self._on_blocked = on_blocked
        self._report = report
        self._facts: OrderedDict[int, Facts] = OrderedDict()
        self._day: dt.date | None = None
        self._used = 0
        self._told: dt.date | None = None
        self._broken: str | None = None
        self.msgids: OrderedDict[str, int] = OrderedDict()  # platform msgid -> delivery id

    # --- sending -------------------------------------------------------------------------------

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        """A message outside a broadcast: only administrators' reports come this way, and their
        ids are Telegram's, so they are not sent here."""
        return SendOutcome.failed("reports go to administrators on Telegram")

    async def send_item(self, item: Item) -> SendOutcome:
        if self._template is None:
            return SendOutcome.failed("WECHAT_MP_TEMPLATE_EVENT is not set")
        if self._broken is not None:
            return SendOutcome.failed(self._broken)
        facts = await self._facts_of(item)
        wait = await self._quota_wait()
        if wait is not None:
            await self._tell_quota()
            start = facts.values.get("start")
            resumes = self._clock.now() + dt.timedelta(seconds=wait)
            if facts.event_id is not None and isinstance(start, dt.datetime) and start <= resumes:
                # Tomorrow is too late for this event: failed (and counted in the report).
                return SendOutcome.failed("daily template quota reached; the event is over")
            return SendOutcome.retry(wait, "daily template quota reached")
        data = {
            key: fit(key, facts.values.get(field), self._tz) for key, field in self._fields.pairs
        }
        url = None
        if self._event_url and facts.event_id is not None:
            url = self._event_url.replace("{id}", str(facts.event_id))
        prefix = "d" if item.reminder_id is not None else "p"
        self._used += 1
        try:
            msgid = await self._client.template_send(
                item.chat_ref, self._template, data, url=url, client_msg_id=f"{prefix}{item.key}"
            )
        except MPError as exc:
            return await self._refused(item, exc)
        except Unreached as exc:
            self._used -= 1
            return SendOutcome.network_error(str(exc))
        except NoAnswer as exc:
            # It may have arrived; the same client_msg_id again is dropped by the platform.
            return SendOutcome.network_error(str(exc))
        if item.reminder_id is not None and msgid:
            self.msgids[msgid] = item.key
            while len(self.msgids) > MAX_MSGIDS:
                self.msgids.popitem(last=False)
        return SendOutcome.sent()

    async def _refused(self, item: Item, exc: MPError) -> SendOutcome:
        detail = f"errcode {exc.errcode}: {exc.errmsg}"
        if exc.errcode in BLOCKED:
            self._used -= 1
            if self._on_blocked is not None:
                self._on_blocked(item.chat_ref)
            return SendOutcome.blocked(BLOCKED[exc.errcode])
        if exc.errcode in QUOTA:
            self._used = max(self._used, self._quota)
            await self._tell_quota()
            return SendOutcome.retry(self._until_midnight(), detail)
        if exc.errcode in BUSY:
            self._used -= 1
            return SendOutcome.retry(2.0, detail)
        if exc.errcode in BROKEN:
            if self._broken is None:
                log.error("template messages refused for every follower (%s); check "
                          "WECHAT_MP_TEMPLATE_EVENT and the account's rights", detail)  # fmt: skip
            self._broken = detail
        return SendOutcome.failed(detail)

    # --- the daily quota -----------------------------------------------------------------------

    async def _quota_wait(self) -> float | None:
        today = self._clock.now().astimezone(self._tz).date()
        if today != self._day:
            self._day = today
            self._used = 0
            if self._uow is not None:  # after a restart: what went out today already
                midnight = dt.datetime.combine(today, dt.time(), self._tz)
                self._used = await asyncio.to_thread(self._sent_since, midnight)
        if self._used < self._quota:
            return None
        return self._until_midnight()

    def _sent_since(self, since: dt.datetime) -> int:
        assert self._uow is not None
        with self._uow() as session:
            return sent_since(session, CHANNEL, since)

    def _until_midnight(self) -> float:
        now = self._clock.now().astimezone(self._tz)
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), self._tz)
        return (midnight - now).total_seconds() + 1.0

    async def _tell_quota(self) -> None:
        if self._told == self._day:
            return
        self._told = self._day
        text = (
            f"微信服务号今天的模板消息额度（{self._quota} 条）用完了，"
            "没发出的活动提醒会在明天零点后接着发，一条都不会丢。"
        )
        log.warning("WeChat template quota of %s reached; the rest goes after midnight",
                    self._quota)  # fmt: skip
        if self._report is not None:
            try:
                await self._report(text)
            except Exception:
                log.error("quota report failed", exc_info=True)

    # --- what a template is filled from -------------------------------------------------------

    async def _facts_of(self, item: Item) -> Facts:
        if item.reminder_id is None:  # a personal reminder: its own text
            lines = [line for line in to_plain(item.html).split("\n") if line.strip()]
            title = lines[0] if lines else "提醒"
            values: dict[str, str | dt.datetime | None] = {
                "title": title, "start": self._clock.now(), "end": None, "place": "暖蜂助手",
                "description": " ".join(lines[1:]), "audience": "", "tags": "",
            }  # fmt: skip
            return Facts(values, None)
        cached = self._facts.get(item.reminder_id)
        if cached is None:
            cached = await asyncio.to_thread(self._load, item.reminder_id)
            self._facts[item.reminder_id] = cached
            while len(self._facts) > 64:
                self._facts.popitem(last=False)
        return cached

    def _load(self, reminder_id: int) -> Facts:
        assert self._uow is not None
        with self._uow() as session:
            row = session.execute(
                select(Event, EventReminder.kind)
                .join(EventReminder, EventReminder.event_id == Event.id)
                .where(EventReminder.id == reminder_id)
            ).one()
            event, kind = row[0], row[1]
            values: dict[str, str | dt.datetime | None] = {
                "title": KIND_MARK.get(kind, "") + event.title,
                "start": event.start_at,
                "end": event.end_at or event.start_at,
                "place": event.place,
                "description": event.description,
                "audience": event.audience,
                "tags": "、".join(event.tags),
            }
            return Facts(values, event.id)

    # --- TEMPLATESENDJOBFINISH -----------------------------------------------------------------

    async def job_finished(self, openid: str, msgid: str, status: str) -> bool:
        """The platform's word on a sent template: `failed:user block` turns the delivery
        failed (and the courier inactive); True then, so the channel marks the courier inactive
        too when the delivery is not known here (sent before a restart)."""
        if status == "success":
            self.msgids.pop(msgid, None)
            return False
        key = self.msgids.pop(msgid, None)
        if status.replace(" ", "") != "failed:userblock":
            log.warning("template message %s was not delivered: %s", msgid, status[:60])
            return False
        if self._on_blocked is not None:
            self._on_blocked(openid)
        if key is not None:
            await asyncio.to_thread(self._refuse, key, status)
        return True

    def _refuse(self, key: int, status: str) -> None:
        assert self._uow is not None
        with self._uow() as session:
            refused_after_send(session, key, status[:60], self._clock.now())

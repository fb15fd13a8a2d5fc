"""Template reminders: fields by type, the daily quota, refusals that must not storm."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.channels.wechat_mp.api import MPError, NoAnswer
from bot.channels.wechat_mp.templates import Facts, FieldMap, TemplateSender, fit
from common.clock import FixedClock
from reminders.broadcaster import Item
from reminders.sender import Outcome

TZ = ZoneInfo("Asia/Shanghai")


def test_fields_follow_their_type() -> None:
    assert fit("thing1", "一" * 25, TZ) == "一" * 19 + "…"
    assert fit("thing3", "  工人\n文化宫 ", TZ) == "工人 文化宫"
    assert fit("thing3", "", TZ) == "—"
    start = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)  # 00:30 on 12-01 in Beijing
    assert fit("time2", start, TZ) == "2026年12月1日 00:30"
    assert fit("date4", start, TZ) == "2026年12月1日"
    assert fit("phrase5", "已经取消了", TZ) == "已经取消了"


def test_field_map() -> None:
    assert FieldMap.parse("thing1=title, time2=start，thing3=place").pairs == (
        ("thing1", "title"), ("time2", "start"), ("thing3", "place"),
    )  # fmt: skip
    for bad in ("thing1=colour", "thing1", "bogus1=title", ""):
        with pytest.raises(ValueError, match="WECHAT_MP_TEMPLATE_EVENT_FIELDS"):
            FieldMap.parse(bad)


class FakeClient:
    def __init__(self, errors: list[Exception | None]) -> None:
        self.errors = errors
        self.calls: list[dict[str, Any]] = []

    async def template_send(self, openid: str, template_id: str, data: dict[str, str],
                            **kw: Any) -> str:  # fmt: skip
        self.calls.append({"openid": openid, "data": data, **kw})
        error = self.errors.pop(0) if self.errors else None
        if error is not None:
            raise error
        return str(len(self.calls))


def sender(
    client: FakeClient,
    clock: FixedClock,
    quota: int = 100,
    reports: list[str] | None = None,
    blocked: list[str] | None = None,
) -> TemplateSender:
    async def report(text: str) -> None:
        (reports if reports is not None else []).append(text)

    return TemplateSender(
        client,  # type: ignore[arg-type]
        template_id="TPL", fields=FieldMap.parse("thing1=title,time2=start"), quota=quota,
        uow=None,
        clock=clock, tz=TZ, report=report,
        on_blocked=(blocked.append if blocked is not None else None),
    )  # fmt: skip


def personal(key: int) -> Item:
    return Item(key, f"o-{key}", "<b>工伤认定申请截止提醒</b>\n还有 7 天")


async def test_quota_waits_until_midnight_beijing_and_reports_once(clock: FixedClock) -> None:
    client, reports = FakeClient([]), []
    send = sender(client, clock, quota=2, reports=reports)
    outcomes = [await send.send_item(personal(n)) for n in range(4)]
    assert [o.kind for o in outcomes] == [Outcome.SENT] * 2 + [Outcome.RETRY_AFTER] * 2
    midnight = dt.datetime(2026, 11, 30, tzinfo=TZ)  # the clock stands at 10:00 on 11-29
    assert outcomes[2].retry_after == pytest.approx((midnight - clock.now()).total_seconds() + 1)
    assert len(reports) == 1 and "明天" in reports[0]
    clock.advance(days=1)
    assert (await send.send_item(personal(9))).kind is Outcome.SENT
    assert client.calls[0]["client_msg_id"] == "p0" and client.calls[0]["data"]["thing1"]


async def test_refusals(clock: FixedClock) -> None:
    blocked: list[str] = []
    client = FakeClient([
        MPError(43004, "require subscribe", "t"), MPError(-1, "busy", "t"),
        NoAnswer("timeout"), MPError(45009, "quota", "t"), None,
    ])  # fmt: skip
    send = sender(client, clock, blocked=blocked)
    kinds = [(await send.send_item(personal(n))).kind for n in range(4)]
    assert kinds == [Outcome.BLOCKED, Outcome.RETRY_AFTER, Outcome.NETWORK_ERROR,
                     Outcome.RETRY_AFTER]  # fmt: skip
    assert blocked == ["o-0"]


async def test_a_wrong_template_is_asked_once_not_for_every_follower(clock: FixedClock) -> None:
    client = FakeClient([MPError(40037, "invalid template_id", "t")])
    send = sender(client, clock)
    kinds = {(await send.send_item(personal(n))).kind for n in range(50)}
    assert kinds == {Outcome.FAILED} and len(client.calls) == 1


async def test_past_the_quota_an_event_that_begins_before_midnight_is_not_held(
    clock: FixedClock,
) -> None:
    """Waiting until tomorrow would remind of an event already over: failed, and reported."""
    client, reports = FakeClient([]), []
    send = sender(client, clock, quota=1, reports=reports)
    soon = Facts({"title": "讲座", "start": clock.now() + dt.timedelta(hours=3)}, event_id=1)
    later = Facts({"title": "体检", "start": clock.now() + dt.timedelta(days=3)}, event_id=2)
    send._facts.update({1: soon, 2: later})
    outcomes = [await send.send_item(Item(n, f"o-{n}", "", reminder_id=r))
                for n, r in ((1, 1), (2, 1), (3, 2))]  # fmt: skip
    assert [o.kind for o in outcomes] == [Outcome.SENT, Outcome.FAILED, Outcome.RETRY_AFTER]
    assert client.calls[0]["client_msg_id"] == "d1" and len(reports) == 1

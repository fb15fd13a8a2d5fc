"""The dashboard's figures for a date range (local dates, both ends included).

The handoff figures are `handoff.report.build_report`'s, the same as `courier-aid report
handoff`; the rest (questions by topic group, gaps, crisis cases, entry points) are counted here
with the same range. Couriers are only counted, never named.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from common.replies import Action
from console.charts import Chart, Series
from handoff.report import HandoffReport, build_report, local_range, percentile
from handoff.staff import ROLE_LABELS
from storage.models import HandoffCase, Message, User

QUESTION_ACTIONS = tuple(a.value for a in Action)
GROUP_LABELS = {
    "contract": "劳动合同", "wages": "工资报酬", "insurance": "社会保险", "injury": "工伤",
    "complaint": "投诉与冲突", "safety": "安全", "rights": "维权途径", "union": "工会",
    "youth": "青年服务", "career": "职业发展", "living": "生活服务", "psych": "心理支持",
    "meta": "关于助手", "smalltalk": "闲聊",
}  # fmt: skip
CHANNEL_LABELS = {
    "telegram": "Telegram", "wecom": "企业微信客服", "wechat_mp": "微信服务号",
    "terminal": "终端（测试）",
}  # fmt: skip
RISK_LABELS = {"self_harm": "可能自伤", "violence": "正在发生的暴力"}
UNKNOWN = "（未识别）"
MINUTE_BUCKETS = ((5, "5 分钟内"), (15, "5-15 分钟"), (60, "15-60 分钟"), (240, "1-4 小时"))
TOP_GROUPS = 5
TOP_TOPICS = 12


@dataclass(frozen=True, slots=True)
class Dashboard:
    start: dt.date
    end: dt.date
    report: HandoffReport
    questions: int
    crisis_cases: int
    crisis_taken_minutes: tuple[float, ...]
    charts: tuple[Chart, ...]

    @property
    def crisis_median(self) -> float | None:
        values = self.crisis_taken_minutes
        return statistics.median(values) if values else None

    @property
    def crisis_p90(self) -> float | None:
        return percentile(self.crisis_taken_minutes, 90)

    def chart(self, key: str) -> Chart:
        for chart in self.charts:
            if chart.key == key:
                return chart
        raise KeyError(key)


def group_of(topic: str | None) -> str:
    if not topic:
        return UNKNOWN
    prefix = topic.partition(".")[0]
    return GROUP_LABELS.get(prefix, prefix)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _in_range(column: InstrumentedAttribute[dt.datetime], low: dt.datetime,
              high: dt.datetime) -> list[ColumnElement[bool]]:  # fmt: skip
    return [column >= low, column < high]


def questions_chart(
    rows: Sequence[tuple[dt.datetime, str | None]], start: dt.date, end: dt.date, zone: ZoneInfo
) -> Chart:
    """Questions a day, one line per topic group (the biggest five, the rest as 其他)."""
    per_group: dict[str, Counter[dt.date]] = defaultdict(Counter)
    for at, topic in rows:
        per_group[group_of(topic)][at.astimezone(zone).date()] += 1
    ranked = sorted(per_group, key=lambda g: -sum(per_group[g].values()))
    shown, rest = ranked[:TOP_GROUPS], ranked[TOP_GROUPS:]
    days = _days(start, end)
    series = [Series(g, tuple(float(per_group[g][d]) for d in days)) for g in shown]
    if rest:
        values = tuple(float(sum(per_group[g][d] for g in rest)) for d in days)
        series.append(Series("其他", values))
    return Chart(
        "questions", "每天的提问（按主题分组）", "line", tuple(d.isoformat() for d in days),
        tuple(series), label_header="日期",
    )  # fmt: skip


def gaps_chart(rows: Sequence[tuple[str | None, str]], titles: Mapping[str, str]) -> Chart:
    """Fallbacks and 没帮助 presses by topic: what the knowledge base misses."""
    fallback = Counter(t for t, a in rows if a == Action.FALLBACK.value)
    unhelpful = Counter(t for t, a in rows if a == "unhelpful")
    topics = sorted(
        set(fallback) | set(unhelpful), key=lambda t: (-(fallback[t] + unhelpful[t]), t or "")
    )[:TOP_TOPICS]
    labels = tuple(titles.get(t, t) if t else UNKNOWN for t in topics)
    return Chart(
        "gaps", "没答上和“没帮助”（按主题）", "hbar", labels,
        (Series("没答上（兜底回复）", tuple(float(fallback[t]) for t in topics)),
         Series("点了“没帮助”", tuple(float(unhelpful[t]) for t in topics))),
        label_header="主题",
    )  # fmt: skip


def minute_buckets(values: Sequence[float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    counts = Counter[str]()
    for value in values:
        label = next((name for limit, name in MINUTE_BUCKETS if value < limit), "4 小时以上")
        counts[label] += 1
    labels = (*(name for _, name in MINUTE_BUCKETS), "4 小时以上")
    return labels, tuple(float(counts[label]) for label in labels)


def build_dashboard(
    session: Session, start: dt.date, end: dt.date, zone_name: str, titles: Mapping[str, str]
) -> Dashboard:
    zone = ZoneInfo(zone_name)
    report = build_report(session, start, end, zone_name)
    low, high = local_range(start, end, zone)
    asked = session.execute(
        select(Message.created_at, Message.topic).where(
            Message.direction == "in", Message.action.in_(QUESTION_ACTIONS),
            *_in_range(Message.created_at, low, high),
        )
    ).all()  # fmt: skip
    gaps = session.execute(
        select(Message.topic, Message.action).where(
            Message.direction == "in", Message.action.in_((Action.FALLBACK.value, "unhelpful")),
            *_in_range(Message.created_at, low, high),
        )
    ).all()  # fmt: skip
    crisis = list(
        session.scalars(
            select(HandoffCase).where(
                HandoffCase.reason.like("crisis:%"), *_in_range(HandoffCase.created_at, low, high)
            )
        )
    )
    taken = tuple(
        (c.claimed_at - c.created_at).total_seconds() / 60 for c in crisis if c.claimed_at
    )
    charts = (
        questions_chart([(a, t) for a, t in asked], start, end, zone),
        gaps_chart([(t, a or "") for t, a in gaps], titles),
        _roles_chart(report),
        _first_reply_chart(report),
        _ratings_chart(report),
        _crisis_chart(crisis),
        entry_chart(session, low, high),
    )
    return Dashboard(start, end, report, len(asked), len(crisis), taken, charts)


def _roles_chart(report: HandoffReport) -> Chart:
    labels = tuple(ROLE_LABELS.get(r, "未选类别") for r in report.by_role)
    values = tuple(float(n) for n in report.by_role.values())
    return Chart("roles", "转人工（按类别）", "hbar", labels, (Series("个案数", values),),
                 label_header="类别")  # fmt: skip


def _first_reply_chart(report: HandoffReport) -> Chart:
    labels, values = minute_buckets(report.first_reply_minutes)
    return Chart("first_reply", "多久有人第一次回复", "hbar", labels,
                 (Series("个案数", values),), label_header="等待时间")  # fmt: skip


def _ratings_chart(report: HandoffReport) -> Chart:
    labels = tuple(f"{k} 分" for k in range(1, 6))
    values = tuple(float(report.ratings.get(k, 0)) for k in range(1, 6))
    return Chart("ratings", "满意度评分", "hbar", labels, (Series("人数", values),),
                 label_header="评分")  # fmt: skip


def _crisis_chart(cases: Sequence[HandoffCase]) -> Chart:
    kinds = Counter(c.reason.partition(":")[2] for c in cases)
    waiting = Counter(c.reason.partition(":")[2] for c in cases if c.claimed_at is None)
    order = sorted(kinds, key=lambda k: -kinds[k])
    return Chart(
        "crisis", "危机个案", "hbar", tuple(RISK_LABELS.get(k, k) for k in order),
        (Series("个案数", tuple(float(kinds[k]) for k in order)),
         Series("无人接手", tuple(float(waiting[k]) for k in order))),
        label_header="风险",
    )  # fmt: skip


def entry_chart(session: Session, low: dt.datetime, high: dt.datetime) -> Chart:
    """Couriers who wrote in the range, by channel, and by QR station where `users.entry_point`
    exists (a WeChat courier's scene; the column comes with the WeChat channels)."""
    entry = getattr(User, "entry_point", None)
    columns = [User.channel] + ([entry] if entry is not None else [])
    rows = session.execute(
        select(*columns, func.count(func.distinct(User.id)))
        .join(Message, Message.user_id == User.id)
        .where(
            Message.direction == "in",
            or_(Message.action.is_(None), Message.action != "relay"),
            *_in_range(Message.created_at, low, high),
        )
        .group_by(*columns)
    ).all()
    counts: Counter[str] = Counter()
    for row in rows:
        label = CHANNEL_LABELS.get(row[0], row[0])
        if entry is not None and row[1]:
            label = f"{label} · {row[1]}"
        counts[label] += int(row[-1])
    labels = tuple(sorted(counts, key=lambda k: -counts[k]))
    return Chart("entry", "来访快递员（按入口）", "hbar", labels,
                 (Series("人数", tuple(float(counts[k]) for k in labels)),),
                 label_header="入口")  # fmt: skip

"""`courier-aid staff add|list|remove` and `courier-aid report handoff`; registered by
`bot.cli.build_parser`. Exit codes: 0 done, 1 nothing to do (no such staff), 2 bad arguments."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.settings import Settings
from common.clock import SystemClock
from handoff.notices import ChatRef
from handoff.report import HandoffReport, build_report
from handoff.staff import ROLE_LABELS, StaffError, add_staff, list_staff, remove_staff
from storage.db import UnitOfWork, make_engine
from storage.handoff_models import STAFF_ROLES
from storage.migrate import upgrade

ACTOR = "cli"
REASON_LABELS = {"crisis": "危机", "asked": "主动要求", "button": "按钮", "offer": "接受建议"}
STATUS_LABELS = {"waiting": "等待", "claimed": "处理中", "closed": "已结束", "cancelled": "已取消"}


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with UnitOfWork(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _now() -> dt.datetime:
    return SystemClock().now()


def _telegram_id(value: str) -> str:
    if not value.isascii() or not value.isdigit() or int(value) <= 0:
        raise argparse.ArgumentTypeError(f"a Telegram user id is a positive number, not {value!r}")
    return str(int(value))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"dates look like 2026-11-29, not {value!r}") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded for Chinese characters (two cells wide)."""
    widths = [max(_width(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --- staff ------------------------------------------------------------------------------------


def cmd_staff_add(settings: Settings, args: argparse.Namespace) -> int:
    if args.telegram_id is None and args.wecom_userid is None:
        print("courier-aid staff add: give --telegram-id, --wecom-userid or both", file=sys.stderr)
        return 2
    who = (
        ChatRef("telegram", args.telegram_id)
        if args.telegram_id is not None
        else ChatRef("wecom", args.wecom_userid)
    )
    with _session(settings) as session:
        try:
            row, created = add_staff(
                session, who, role=args.role, alias=args.alias, now=_now(), actor=ACTOR,
                wecom_userid=args.wecom_userid,
            )  # fmt: skip
        except StaffError as exc:
            print(f"courier-aid staff add: {exc}", file=sys.stderr)
            return 2
        verb = "added" if created else "updated"
        ids = [f"telegram id {row.external_ref}"] if row.channel == "telegram" else []
        ids += [f"WeCom userid {row.wecom_userid}"] if row.wecom_userid else []
        print(f"{verb} staff #{row.id}: {row.alias} ({row.role}), {', '.join(ids)}")
    return 0


def _wecom_userid(value: str) -> str:
    """A WeCom userid: 1-64 letters, digits, '_', '-', '.', '@'."""
    if (
        not value
        or len(value) > 64
        or not all(c.isascii() and (c.isalnum() or c in "_-.@") for c in value)
    ):
        raise argparse.ArgumentTypeError("a WeCom userid is 1-64 letters, digits, _ - . @")
    return value


def cmd_staff_list(settings: Settings, args: argparse.Namespace) -> int:
    zone = ZoneInfo(settings.timezone)
    with _session(settings) as session:
        rows = list_staff(session, include_removed=args.all)
        if not rows:
            print("no staff registered; add one with: courier-aid staff add --telegram-id N ...")
            return 0
        body = [
            (
                str(s.id),
                s.external_ref if s.channel == "telegram" else "-",
                s.wecom_userid or "-",
                f"{s.role} {ROLE_LABELS[s.role]}",
                s.alias,
                "yes" if s.active else "removed",
                f"{s.added_at.astimezone(zone):%Y-%m-%d %H:%M}",
            )
            for s in rows
        ]
    header = (
        "id",
        "telegram id",
        "wecom userid",
        "role 角色",
        "alias 化名",
        "active",
        f"added ({settings.timezone})",
    )
    print(table(header, body))
    return 0


def cmd_staff_remove(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        row = remove_staff(session, ChatRef("telegram", args.telegram_id), now=_now(), actor=ACTOR)
        if row is None:
            print(f"no active staff with telegram id {args.telegram_id}", file=sys.stderr)
            return 1
        print(f"removed staff #{row.id}: {row.alias} ({row.role})")
    return 0


# --- report -----------------------------------------------------------------------------------


def format_report(report: HandoffReport) -> str:
    def minutes(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} min"

    out = [
        f"handoff report 人工转接报告  {report.start} .. {report.end} ({report.zone})",
        "",
        table(
            ("cases by type 按类别", "", "n"),
            [
                *[(r, ROLE_LABELS.get(r, "未选"), str(n)) for r, n in report.by_role.items()],
                ("total", "合计", str(report.cases)),
                ("urgent", "紧急", str(report.urgent)),
            ],
        ),
        "",
        table(
            ("by reason 来由", "", "n"),
            [(k, REASON_LABELS.get(k, ""), str(v)) for k, v in report.by_reason.items()],
        ),
        "",
        table(
            ("by status 状态", "", "n"),
            [(k, STATUS_LABELS.get(k, ""), str(v)) for k, v in report.by_status.items()],
        ),
        "",
        f"time to first human reply 首次人工回复 (n={len(report.first_reply_minutes)}): "
        f"median 中位数 {minutes(report.median_minutes)}, p90 {minutes(report.p90_minutes)}",
    ]
    if report.cases_by_channel:
        channels = ", ".join(f"{k} {v}" for k, v in report.cases_by_channel.items())
        out.append(f"cases by channel 渠道: {channels}")
    if report.couriers_by_entry:
        entries = ", ".join(f"{k} {v}" for k, v in report.couriers_by_entry.items())
        out.append(f"couriers by entry point 来源（渠道 · 驿站二维码）: {entries}")
    share = report.bot_alone_share
    out.append(
        f"resolved by the bot alone 机器人独立解决: {report.bot_alone} of {report.couriers}"
        " couriers" + ("" if share is None else f" ({share:.1%})")
    )
    out.append(
        "  = couriers who wrote to the bot in the range, got at least one answer,"
        " and had no handoff case opened in it"
    )
    count = sum(report.ratings.values())
    average = report.satisfaction_average
    out.append(
        f"satisfaction 满意度 (n={count}): average 平均 "
        + ("-" if average is None else f"{average:.2f}")
        + "  "
        + "  ".join(f"{k}: {report.ratings.get(k, 0)}" for k in range(1, 6))
    )
    return "\n".join(out)


DEFAULT_REPORT_DAYS = 30


def cmd_report_handoff(settings: Settings, args: argparse.Namespace) -> int:
    """Without dates: the last 30 days up to today (local time)."""
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    args.end = args.end or today
    args.start = args.start or args.end - dt.timedelta(days=DEFAULT_REPORT_DAYS - 1)
    if args.end < args.start:
        print("courier-aid report handoff: --to is before --from", file=sys.stderr)
        return 2
    with _session(settings) as session:
        report = build_report(session, args.start, args.end, settings.timezone)
    if args.json:
        print(json.dumps(report.figures(), ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `staff` and `report` to the `courier-aid` command."""
    staff = sub.add_parser("staff", help="register the people who take handed-off cases")
    actions = staff.add_subparsers(dest="staff", required=True)
    add = actions.add_parser("add", help="register (or update) a staff member")
    add.add_argument("--telegram-id", type=_telegram_id, metavar="N")
    add.add_argument(
        "--wecom-userid", type=_wecom_userid, metavar="ID",
        help="their WeCom userid: 微信客服 sessions are handed to them in the WeCom app",
    )  # fmt: skip
    add.add_argument("--role", required=True, choices=STAFF_ROLES)
    add.add_argument("--alias", required=True, help="the name couriers see, e.g. 小李")
    add.set_defaults(func=cmd_staff_add)
    show = actions.add_parser("list", help="list staff")
    show.add_argument("--all", action="store_true", help="include removed staff")
    show.set_defaults(func=cmd_staff_list)
    remove = actions.add_parser("remove", help="remove a staff member (kept in the audit log)")
    remove.add_argument("--telegram-id", required=True, type=_telegram_id, metavar="N")
    remove.set_defaults(func=cmd_staff_remove)

    report = sub.add_parser("report", help="figures").add_subparsers(dest="report", required=True)
    handoff = report.add_parser("handoff", help="handoff figures for a date range")
    handoff.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD",
                         help="first day (default: 29 days before --to)")  # fmt: skip
    handoff.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD",
                         help="last day (default: today)")  # fmt: skip
    handoff.add_argument("--json", action="store_true", help="print the figures as JSON")
    handoff.set_defaults(func=cmd_report_handoff)

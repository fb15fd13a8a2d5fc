"""`courier-aid data purge [--dry-run] [--json]`: apply the retention period now (issue 14).

Registered by `bot.cli.build_parser`. What is purged is described in `storage/retention.py`;
the running bot does the same every day at RETENTION_PURGE_TIME (`bot/retention_job.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from zoneinfo import ZoneInfo

from bot.cli_staff import table
from bot.settings import Settings
from common.clock import SystemClock
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from storage.retention import PurgeCounts, run_purge

LABELS = {
    "messages": ("message texts", "消息内容"),
    "cases": ("case summaries and close notes", "转接摘要和结案备注"),
    "relay_links": ("relay links", "转发对应记录"),
    "case_cards": ("case card references", "工作群卡片记录"),
    "staff_focus": ("staff focus on closed cases", "工作人员当前案件"),
    "dialogue_states": ("dialogue states", "计算器进度"),
    "processed_updates": ("processed update ids", "已处理的更新编号"),
    "personal_reminders": ("finished personal reminders", "已结束的个人提醒"),
    "users_anonymized": ("users unlinked (purged:<id>)", "用户去标识"),
    "users_deleted": ("users deleted (nothing left)", "用户删除"),
}


def format_counts(counts: PurgeCounts, days: int, zone: str, *, dry_run: bool) -> str:
    cutoff = counts.cutoff.astimezone(ZoneInfo(zone))
    head = f"data purge 数据清理: older than {days} days, before {cutoff:%Y-%m-%d %H:%M} ({zone})"
    if dry_run:
        head += "\ndry run 试运行: nothing was changed; a purge now would change:"
    rows = [(en, zh, str(n)) for key, n in counts.counts().items() for en, zh in [LABELS[key]]]
    rows.append(("total", "合计", str(counts.total)))
    return head + "\n\n" + table(("what", "", "n"), rows)


def cmd_data_purge(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        counts = run_purge(
            UnitOfWork(engine),
            SystemClock().now(),
            dt.timedelta(days=settings.retention_days),
            dry_run=args.dry_run,
        )
    finally:
        engine.dispose()
    if args.json:
        data = {
            "dry_run": args.dry_run,
            "retention_days": settings.retention_days,
            "cutoff": counts.cutoff.isoformat(),
            **counts.counts(),
        }
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(
            format_counts(counts, settings.retention_days, settings.timezone, dry_run=args.dry_run)
        )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `data purge` to the `courier-aid` command."""
    data = sub.add_parser("data", help="stored personal data").add_subparsers(
        dest="data", required=True
    )
    purge = data.add_parser(
        "purge", help="clear what is older than RETENTION_DAYS (counts for reports stay)"
    )
    purge.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    purge.add_argument("--json", action="store_true", help="print the counts as JSON")
    purge.set_defaults(func=cmd_data_purge)

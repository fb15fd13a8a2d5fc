"""`courier-aid event ...` end to end on a SQLite file, and the same commands from Telegram."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import main
from bot.settings import Settings
from common.clock import FixedClock
from reminders.commands import Context, run_admin_text
from reminders.config import ReminderConfig
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade

START = "2099-06-01 14:00"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REMINDER_OFFSETS_DEFAULT", "24h,1h")
    # main() points logging at the (captured) stderr; keep it off so later tests do not log there.
    monkeypatch.setattr("bot.cli._setup_logging", lambda *_args, **_kw: None)
    return url


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["event", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_edit_cancel_report(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "add", "--title", "劳动法律讲座", "--start", START, "--end", "2099-06-01 16:00",
        "--tags", "法律讲座,工会活动", "--place", "市总工会", "--remind", "2d,1h,30m",
    )  # fmt: skip
    assert code == 0
    assert "已添加活动 #1" in out and "2099-06-01 14:00 – 2099-06-01 16:00" in out
    assert "2099-05-30 14:00（提前 2d）" in out and "2099-06-01 13:30（提前 30m）" in out

    code, out, _ = cli(capsys, "add", "--title", "体检", "--start", START, "--tags", "健康体检",
                       "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["id"] == 2 and data["remind"] == "24h,1h" and data["end"] is None

    code, out, _ = cli(capsys, "list")
    assert code == 0 and out.count("\n") == 2 and "#1  2099-06-01 14:00" in out

    code, out, _ = cli(capsys, "edit", "1", "--start", "2099-06-02 14:00", "--no-end")
    assert code == 0 and "变动通知" in out and "start_at" in out

    code, out, _ = cli(capsys, "edit", "1", "--title", "劳动法律讲座（二）")
    assert code == 0 and "已修改：title" in out and "变动通知" not in out

    code, out, _ = cli(capsys, "cancel", "2")
    assert code == 0 and "已取消活动 #2" in out
    code, out, _ = cli(capsys, "list", "--json")
    assert [event["id"] for event in json.loads(out)] == [1]
    code, out, _ = cli(capsys, "list", "--all", "--json")
    assert [(event["id"], event["status"]) for event in json.loads(out)] == [
        (2, "cancelled"),
        (1, "scheduled"),
    ]

    code, out, _ = cli(capsys, "report", "1")
    assert code == 0 and "还没有生成提醒" in out
    code, out, _ = cli(capsys, "report", "1", "--json")
    assert json.loads(out)["event"]["revision"] == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "--title", "x", "--start", "明天下午", "--tags", "a"], "时间格式不对"),
        (["add", "--title", "x", "--start", "2020-01-01 10:00", "--tags", "a"], "已经过去"),
        (["add", "--title", "x", "--start", START, "--tags", "a", "--remind", "5x"], "5x"),
        (["add", "--title", "x", "--start", START, "--tags", ","], "至少要有一个标签"),
        (["add", "--title", "x", "--start", START, "--end", START, "--tags", "a"], "结束时间"),
        (["edit", "99", "--title", "x"], "没有编号为 99"),
        (["cancel", "99"], "没有编号为 99"),
        (["import", "/nonexistent/events.yaml"], "读不了文件"),
    ],
)
def test_bad_arguments_say_what_to_fix(
    db_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = cli(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_missing_required_option_is_an_argparse_error(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["event", "add", "--title", "x", "--start", START])
    assert exit_info.value.code == 2
    assert "--tags" in capsys.readouterr().err


def test_import_yaml(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        "events:\n"
        "  - {key: a, title: 讲座, start: '2099-06-01 14:00', tags: [法律讲座]}\n"
        "  - {key: b, title: 培训, start: '2099-06-03 09:00', tags: 技能培训, remind: 2d}\n",
        encoding="utf-8",
    )
    assert cli(capsys, "import", str(path))[1].strip() == "导入完成：新增 2，更新 0，未变 0"
    assert cli(capsys, "import", str(path))[1].strip() == "导入完成：新增 0，更新 0，未变 2"
    path.write_text("events:\n  - {title: 讲座}\n", encoding="utf-8")
    code, _out, err = cli(capsys, "import", str(path))
    assert code == 2 and "第 1 个活动：缺少 start" in err


def test_admin_commands_from_telegram(tmp_path: Path, clock: FixedClock) -> None:
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'tg.db'}")
    upgrade(engine)
    ctx = Context(
        UnitOfWork(engine),
        clock,
        ReminderConfig.from_settings(Settings()),
        source="telegram",
        actor="900",
    )
    out = run_admin_text(
        "add --title '<b>讲座</b>' --start '2026-12-05 14:00' --tags 法律讲座 --remind 1h", ctx
    )
    assert out.startswith("已添加活动 #1") and "&lt;b&gt;讲座&lt;/b&gt;" in out
    assert "提醒 1h" in run_admin_text("list", ctx)
    assert "required: --start, --tags" in run_admin_text("add --title x", ctx)
    assert "invalid choice: 'import'" in run_admin_text("import /etc/passwd", ctx)
    assert "命令格式有误" in run_admin_text("add --title 'x", ctx)
    assert "add" in run_admin_text("--help", ctx) and "report" in run_admin_text("--help", ctx)
    assert "已取消活动 #1" in run_admin_text("cancel 1", ctx)
    engine.dispose()

"""`courier-aid`: the one console command. Each subcommand is a thin call into the parts."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot import cli_console, cli_data, cli_events, cli_mp, cli_staff, cli_wecom
from bot.app import (
    build_core,
    build_services,
    catalog_from_files,
    make_understanding,
    prepare_database,
)
from bot.evaluation import Prediction, format_report, read_items, score
from bot.settings import Settings
from common.clock import SystemClock
from knowledge.loader import (
    KnowledgeError,
    check_entries,
    load_entries,
    load_fact_rows,
    load_topics,
)
from nlu.server import RasaServer

log = logging.getLogger("courier_aid")


def _setup_logging(settings: Settings, *, to_file: bool = False) -> None:
    handler: logging.Handler
    if to_file:
        path = Path(settings.build_dir).parent / "var" / "courier-aid.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)


# --- understanding ----------------------------------------------------------------------------


async def _classify_texts(
    settings: Settings, texts: Sequence[str], *, offline: bool = False
) -> list[Prediction]:
    understanding, client = make_understanding(settings, catalog_from_files(), server=not offline)
    limit = asyncio.Semaphore(8)

    async def one(text: str) -> Prediction:
        async with limit:
            decision = await understanding.understand(text)
        return Prediction(
            topic=decision.topic,
            action=str(decision.action),
            confidence=decision.confidence,
            candidates=tuple((c.topic, c.confidence) for c in decision.candidates),
        )

    try:
        return list(await asyncio.gather(*(one(text) for text in texts)))
    finally:
        await client.aclose()


@contextlib.contextmanager
def _nlu_for_batch(settings: Settings, *, offline: bool = False) -> Iterator[None]:
    """The NLU server for a batch command: the running one, or one started for this run.

    Without it every text would go to the offline path, and `eval` would score the wrong
    thing, so a batch command never silently runs without the server, unless `--offline` asks
    for the in-process model (which needs the model trained: done here if the data changed).
    """
    from nlu.server import is_ready

    if offline:
        _train(settings)
        yield
        return
    if is_ready(settings.nlu_url, token=_nlu_token(settings)):
        yield
        return
    print(
        f"no NLU server at {settings.nlu_url}: starting one for this run "
        "(training first if the data changed; the first time takes a few minutes)",
        file=sys.stderr,
        flush=True,
    )
    with _server(settings, _train(settings)):
        yield


def cmd_classify(settings: Settings, args: argparse.Namespace) -> int:
    """JSON lines with `text` in, one JSON object per line out (see DESIGN.md)."""
    items = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = str(item["text"])
        except (ValueError, KeyError, TypeError):
            print(f"line {number}: expected a JSON object with a text field", file=sys.stderr)
            return 2
        items.append(text)
    with _nlu_for_batch(settings, offline=args.offline):
        predictions = asyncio.run(_classify_texts(settings, items, offline=args.offline))
    for text, pred in zip(items, predictions, strict=True):
        out = {
            "text": text,
            "topic": pred.topic,
            "action": pred.action,
            "confidence": round(pred.confidence, 4),
            "candidates": [{"topic": t, "confidence": round(c, 4)} for t, c in pred.candidates],
        }
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.file)
    items = read_items(path)
    texts = [item["text"] for item in items]
    with _nlu_for_batch(settings, offline=args.offline):
        predictions = asyncio.run(_classify_texts(settings, texts, offline=args.offline))
    report = score(items, predictions)
    if args.json:
        print(json.dumps({"file": str(path), **report.figures()}, ensure_ascii=False))
    else:
        print(format_report(report, path.name))
    if args.errors:
        for error in report.errors[: args.errors]:
            print(json.dumps(error, ensure_ascii=False))
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.dialogue import UserRef

    async def run() -> str:
        services = build_services(settings)
        try:
            reply = await services.dialogue.handle_text(UserRef("cli", "ask"), args.text)
            return reply.plain() if reply else ""
        finally:
            await services.aclose()

    print(asyncio.run(run()))
    return 0


# --- knowledge base and NLU -------------------------------------------------------------------


def cmd_kb_check(settings: Settings, _args: argparse.Namespace) -> int:
    try:
        entries = load_entries()
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    facts = load_fact_rows(settings.facts_file) if settings.facts_file.exists() else None
    if facts is None:
        print(f"note: {settings.facts_file} not found; fact ids not checked", file=sys.stderr)
    problems = check_entries(entries, load_topics(), facts)
    for problem in problems:
        print(problem, file=sys.stderr)
    examples = sum(len(entry.examples) for entry in entries.values())
    print(f"{len(entries)} entries, {examples} training examples, {len(problems)} problems")
    return 1 if problems else 0


def cmd_kb_load(settings: Settings, _args: argparse.Namespace) -> int:
    engine, _uow, report = prepare_database(settings, SystemClock())
    engine.dispose()
    print(
        f"loaded: {report.changed} changed, {report.unchanged} unchanged, {report.removed} removed"
    )
    return 0


def cmd_db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    print("database is at the newest revision")
    return 0


def _train(settings: Settings, force: bool = False) -> Path:
    from nlu.training import train

    return train(
        load_entries().values(),
        build_dir=settings.build_dir,
        models_dir=settings.models_dir,
        rasa_venv=settings.rasa_venv,
        force=force,
    )


def cmd_nlu_train(settings: Settings, args: argparse.Namespace) -> int:
    print(f"model: {_train(settings, force=args.force)}")
    return 0


def _nlu_token(settings: Settings) -> str:
    from nlu.auth import resolve_token

    return resolve_token(settings.nlu_auth_token, settings.nlu_token_file)


def _server(settings: Settings, model: Path) -> RasaServer:
    return RasaServer(
        rasa_venv=settings.rasa_venv,
        model=model,
        nlu_url=settings.nlu_url,
        log_file=settings.build_dir / "rasa-server.log",
        auth_token=_nlu_token(settings),
        records=settings.nlu_server_records,
    )


@contextlib.contextmanager
def _nlu_server_for_run(settings: Settings, *, start: bool) -> Iterator[None]:
    """The NLU server `run` uses: one it starts and owns (and stops on exit), or one already
    running at NLU_URL that accepts our token (a test's, an operator's `nlu serve`).

    A server an earlier run started and left behind without its owner is stopped first, never
    reused; a server that refuses our token, or takes requests without one, is not used.
    """
    from nlu.ownership import stop_orphans
    from nlu.server import ServerError, Status, probe

    for orphan in stop_orphans(settings.nlu_server_records):
        print(f"stopped the NLU server left running at {orphan.url} by an earlier run", flush=True)
    status = probe(settings.nlu_url, token=_nlu_token(settings))
    if status is Status.READY:
        print(f"using the NLU server already running at {settings.nlu_url}", file=sys.stderr)
        yield
        return
    if status is not Status.ABSENT:
        raise ServerError(
            f"at {settings.nlu_url}: {status.value}. Stop it, or set NLU_URL elsewhere "
            "(or NLU_AUTH_TOKEN to its token if it is meant to be used)"
        )
    if not start:
        print("no NLU server: the model runs in this process", file=sys.stderr)
        yield
        return
    print("preparing the language model (the first time this takes a few minutes)...", flush=True)
    server = _server(settings, _train(settings))
    print("starting the NLU server...", flush=True)
    with server:
        yield


def cmd_nlu_serve(settings: Settings, _args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM (0), or until Rasa itself ends (1, with where to look)."""
    server = _server(settings, _train(settings))
    with server:
        print(f"NLU server ready at {settings.nlu_url}; Ctrl-C stops it", flush=True)
        try:
            code = server.wait()
        except KeyboardInterrupt:
            return 0
    print(
        f"the NLU server stopped by itself (exit code {code}); see {server.log_file}",
        file=sys.stderr,
    )
    return 1


def cmd_nlu_heldout(_settings: Settings, _args: argparse.Namespace) -> int:
    """Print our own held-out questions as eval JSON lines (action from topics.yaml)."""
    from nlu.training import heldout_items

    topics = load_topics()
    for item in heldout_items():
        item["action"] = topics[item["topic"]].action
        print(json.dumps(item, ensure_ascii=False))
    return 0


# --- running the assistant --------------------------------------------------------------------


def cmd_chat(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.channels.terminal import run_terminal_chat

    async def run() -> None:
        core = build_core(settings)
        try:
            await run_terminal_chat(core.conversation)
        finally:
            await core.aclose()

    asyncio.run(run())
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Train if needed, start the NLU server, run the assistant, stop the server on exit.

    Telegram when `TELEGRAM_BOT_TOKEN` is set, WeCom when `WECOM_CORP_ID` is set (both at once
    if both are); the terminal chat when neither is.
    """

    def assistant() -> int:
        from bot.runner import channels_configured
        from bot.runner import run as run_channels

        channels = channels_configured(settings)
        if not channels:
            return cmd_chat(settings, args)
        print(f"starting the assistant on: {', '.join(channels)}", flush=True)
        run_channels(settings, with_parent=args.stop_with_parent)
        return 0

    with _nlu_server_for_run(settings, start=not args.no_nlu_server):
        return assistant()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="courier-aid", description="暖蜂助手 (courier-aid)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train if needed, start NLU, run the assistant")
    run.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop the bot when the process that started it dies (used by `make run`)",
    )
    run.add_argument(
        "--no-nlu-server",
        action="store_true",
        help="do not train or start the NLU server; without one the model runs in-process",
    )
    run.set_defaults(func=cmd_run, log_to_file=True)
    sub.add_parser("chat", help="terminal chat (NLU server must run)").set_defaults(
        func=cmd_chat, log_to_file=True
    )
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("text")
    ask.set_defaults(func=cmd_ask)
    offline_help = "no NLU server: the model in-process, as the bot runs it while Rasa is down"
    classify = sub.add_parser("classify", help="JSON lines in, classifications out")
    classify.add_argument("--offline", action="store_true", help=offline_help)
    classify.set_defaults(func=cmd_classify)
    ev = sub.add_parser("eval", help="score an evaluation file")
    ev.add_argument("file")
    ev.add_argument("--offline", action="store_true", help=offline_help)
    ev.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ev.add_argument("--errors", type=int, default=0, metavar="N", help="list N wrong items")
    ev.set_defaults(func=cmd_eval)

    kb = sub.add_parser("kb", help="knowledge base").add_subparsers(dest="kb", required=True)
    kb.add_parser("check", help="validate entries").set_defaults(func=cmd_kb_check)
    kb.add_parser("load", help="load entries into the database").set_defaults(func=cmd_kb_load)

    nlu = sub.add_parser("nlu", help="the Rasa NLU model").add_subparsers(dest="nlu", required=True)
    train = nlu.add_parser("train", help="train when data or config changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=cmd_nlu_train)
    nlu.add_parser("serve", help="start the NLU server").set_defaults(func=cmd_nlu_serve)
    nlu.add_parser("heldout", help="print our held-out set as JSON lines").set_defaults(
        func=cmd_nlu_heldout
    )

    db = sub.add_parser("db", help="database").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    cli_staff.register(sub)
    cli_wecom.register(sub)
    cli_events.register(sub)
    cli_data.register(sub)
    cli_console.register(sub)
    cli_mp.register(sub)
    return parser


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    """Turn SIGTERM into SystemExit so `with RasaServer(...)` blocks stop their child server."""
    raise SystemExit(143)


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = build_parser().parse_args(argv)
    settings = Settings()
    _setup_logging(settings, to_file=getattr(args, "log_to_file", False))
    try:
        return int(args.func(settings, args))
    except KnowledgeError as exc:
        print(f"knowledge base problems:\n{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `courier-aid eval ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        log.error("command failed", exc_info=True)
        print(f"courier-aid: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

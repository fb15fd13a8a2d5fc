"""Benchmark: many simulated couriers talk to the real bot through the local Bot API stand-in.

    python -m bench.bot [--couriers 300] [--rate 100] [--seconds 30]

What runs: the Rasa server (the trained model), the bot as its own process exactly as
`make run` starts it (`courier-aid run`, SQLite, long polling against the stand-in), and here the
stand-in plus the couriers. Each courier agrees to the terms, then sends questions from
`questions.txt`; the load is open-loop at `--rate` messages a second, each courier at most one
message every `couriers / rate` seconds, so the flood guard never fires.

Reported: messages handled per second, time from update to first reply (p50/p95/p99), how many
got no reply, and the peak memory of the bot and of the Rasa server. `--nlu offline` leaves Rasa
out (the model runs in the bot's process, as when Rasa is down: nlu/inprocess.py; the BM25
matcher only if the model was never trained) to show what the bot alone holds.
Telegram's own limit of about 30 messages a second is lifted for the bot here
(TELEGRAM_OVERALL_RATE), because the question is whether the bot itself keeps up; the limiter is
tested in the e2e tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.memory import cpu_ms_per, cpu_seconds, machine, peak_rss_mib
from bot.settings import PROJECT_ROOT, Settings
from knowledge.loader import load_entries
from nlu.auth import resolve_token
from nlu.server import RasaServer, is_ready
from nlu.training import train
from tests.helpers.services import free_port
from tests.standin.bot_api import BotAPIStandin

TOKEN = "5150:bench-token"  # noqa: S105 - the stand-in's token, not a secret
RESULTS = Path(__file__).resolve().parent / "results"
QUESTIONS = [
    line.strip()
    for line in (Path(__file__).resolve().parent / "questions.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
FIRST_COURIER = 700_000_000


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def start_bot(
    api: BotAPIStandin, nlu_url: str, workdir: Path, *, offline: bool
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.root,
        "NLU_URL": nlu_url,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "TELEGRAM_OVERALL_RATE": "100000",
        "LOG_LEVEL": "WARNING",
    }
    log = (workdir / "bot.log").open("wb")
    # Offline, `courier-aid run` must not start an NLU server of its own at `nlu_url` (it would,
    # finding none there, and the "offline" figures would then include Rasa).
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "courier-aid"), "run"]
    return subprocess.Popen(
        [*command, "--no-nlu-server"] if offline else command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )


async def warm_up(api: BotAPIStandin, couriers: list[int]) -> None:
    """Every courier sends /start and agrees, as a real one would before asking anything."""
    for chat in couriers:
        api.send_text(chat, "/start")
    for chat in couriers:
        [card] = await api.wait_for_messages(chat, 1, timeout=120)
        api.press_button(chat, card, "consent:yes")
    for chat in couriers:
        await api.wait_for_messages(chat, 2, timeout=120)


async def load(
    api: BotAPIStandin, couriers: list[int], rate: float, seconds: float
) -> tuple[set[int], float]:
    """Open-loop load: one message every 1/rate seconds, couriers in turn."""
    sent: set[int] = set()
    interval = 1.0 / rate
    start = time.monotonic()
    n = 0
    while (elapsed := time.monotonic() - start) < seconds:
        target = int(elapsed / interval) + 1
        while n < target:
            chat = couriers[n % len(couriers)]
            sent.add(api.send_text(chat, QUESTIONS[n % len(QUESTIONS)]))
            n += 1
        await asyncio.sleep(interval / 2)
    return sent, time.monotonic() - start


async def drain(api: BotAPIStandin, updates: set[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not updates & set(api.unanswered_updates()):
            return
        await asyncio.sleep(0.2)


def cpu_use(bot_pid: int, rasa_pid: int | None) -> dict[str, float | None]:
    """CPU seconds used so far by the bot, the Rasa server and this process (the stand-in and
    the simulated couriers, which share the machine with them)."""
    return {
        "bot": cpu_seconds(bot_pid),
        "rasa": cpu_seconds(rasa_pid) if rasa_pid is not None else None,
        "standin_and_couriers": cpu_seconds(os.getpid()),
    }


class NoServer(contextlib.nullcontext[None]):
    pid: int | None = None


def nlu_server(args: argparse.Namespace, nlu_url: str) -> RasaServer | NoServer:
    if args.nlu == "offline":
        return NoServer()  # nothing listens at nlu_url: the model runs in the bot's process
    settings = Settings()
    model = train(
        load_entries().values(),
        build_dir=settings.build_dir,
        models_dir=settings.models_dir,
        rasa_venv=settings.rasa_venv,
    )
    return RasaServer(
        rasa_venv=settings.rasa_venv,
        model=model,
        nlu_url=nlu_url,
        log_file=settings.build_dir / "rasa-bench-server.log",
        auth_token=resolve_token(settings.nlu_auth_token, settings.nlu_token_file),
    )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    nlu_url = f"http://127.0.0.1:{free_port()}"
    server = nlu_server(args, nlu_url)
    couriers = [FIRST_COURIER + i for i in range(args.couriers)]
    with tempfile.TemporaryDirectory(prefix="courier-aid-bench-") as tmp, server:
        settings = Settings()
        token = resolve_token(settings.nlu_auth_token, settings.nlu_token_file)
        assert args.nlu == "offline" or is_ready(nlu_url, token=token)
        workdir = Path(tmp)
        async with BotAPIStandin(token=TOKEN) as api:
            bot = start_bot(api, nlu_url, workdir, offline=args.nlu == "offline")
            try:
                await api.wait_for(lambda c: c.method == "getUpdates", timeout=300)
                print(f"bot polling; warming up {len(couriers)} couriers...", flush=True)
                await warm_up(api, couriers)
                print(f"load: {args.rate}/s for {args.seconds}s...", flush=True)
                cpu_before = cpu_use(bot.pid, server.pid)
                updates, duration = await load(api, couriers, args.rate, args.seconds)
                await drain(api, updates, timeout=60)
                cpu_after = cpu_use(bot.pid, server.pid)
                latencies = [
                    lat.seconds * 1000 for lat in api.reply_latencies() if lat.update_id in updates
                ]
                unanswered = len(updates & set(api.unanswered_updates()))
                last_reply = max(
                    (lat.replied_at for lat in api.reply_latencies() if lat.update_id in updates),
                    default=time.monotonic(),
                )
                first_update = min(
                    lat.injected_at for lat in api.reply_latencies() if lat.update_id in updates
                )
                bot_peak = peak_rss_mib(bot.pid)
                rasa_peak = peak_rss_mib(server.pid) if server.pid is not None else None
            finally:
                bot.send_signal(signal.SIGTERM)
                try:
                    bot.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    bot.kill()
                args.out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(workdir / "bot.log", args.out.with_suffix(".log"))
    handled = len(latencies)
    cpu_ms = cpu_ms_per(cpu_before, cpu_after, handled)
    return {
        "benchmark": "bot",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "couriers": args.couriers,
        "nlu": args.nlu,
        "offered_rate_per_s": args.rate,
        "load_seconds": round(duration, 2),
        "messages_sent": len(updates),
        "messages_answered": handled,
        "messages_unanswered": unanswered,
        "handled_per_s": round(handled / (last_reply - first_update), 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "mean": round(statistics.fmean(latencies), 1) if latencies else None,
            "max": round(max(latencies), 1) if latencies else None,
        },
        # CPU time over the load and the drain, per handled message: comparable across machines
        # of one kind, and the sum says how many cores a given rate needs.
        "cpu_ms_per_message": cpu_ms,
        "peak_memory_mib": {
            "bot": round(bot_peak, 1) if bot_peak else None,
            "rasa": round(rasa_peak, 1) if rasa_peak else None,
        },
        "goal": {"handled_per_s": 100, "p95_ms": 150},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bot", description=__doc__.split("\n")[0])
    parser.add_argument("--couriers", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0, help="messages a second offered")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--nlu", choices=("rasa", "offline"), default="rasa")
    parser.add_argument("--out", type=Path, default=RESULTS / "bot.json")
    args = parser.parse_args(argv)
    if args.couriers / args.rate < 1.25:
        parser.error("each courier would send faster than one message every 1.25 s; add couriers")
    result = asyncio.run(run(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    lat = result["latency_ms"]
    mem = result["peak_memory_mib"]
    cpu = result["cpu_ms_per_message"]
    print(
        f"handled {result['messages_answered']}/{result['messages_sent']} messages, "
        f"{result['handled_per_s']}/s (offered {args.rate}/s); "
        f"update→reply p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms; "
        f"peak memory bot {mem['bot']} MiB, Rasa {mem['rasa']} MiB; "
        f"CPU ms per message bot {cpu['bot']}, Rasa {cpu['rasa']}, "
        f"stand-in and couriers {cpu['standin_and_couriers']} "
        f"({result['machine']['cpus']} CPUs, NLU {args.nlu}) → {args.out}"
    )
    return 0 if result["messages_unanswered"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

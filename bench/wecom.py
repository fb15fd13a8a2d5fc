"""Benchmark: couriers on WeCom 微信客服 talk to the real assistant through the WeCom stand-in.

    python -m bench.wecom [--couriers 300] [--rate 50] [--seconds 30]

What runs: the Rasa server (the trained model), the assistant as its own process exactly as
`make run` starts it (`courier-aid run` with only WECOM_* set, SQLite), and here the WeCom
stand-in (`tests.standin.wecom_api`: real crypto, the 48-hour window and its 5 messages) plus
the couriers. Each courier enters the chat and agrees, then sends questions from
`questions.txt`, open-loop at `--rate` messages a second in all, each courier at most one
message every `couriers / rate` seconds. Every message is one encrypted callback, as WeCom
sends it; the assistant answers 200 at once and reads the feed by kf/sync_msg.

Reported: callback → first send_msg to that courier (p50/p95/p99), messages answered, and the
CPU time per message of the assistant, of Rasa and of the stand-in with the couriers.
Goal: p95 ≤ 300 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
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

from bench.bot import QUESTIONS, RESULTS, NoServer, nlu_server, percentile
from bench.memory import cpu_ms_per, cpu_seconds, machine, peak_rss_mib
from bot.settings import PROJECT_ROOT, Settings
from nlu.auth import resolve_token
from nlu.server import is_ready
from tests.helpers.services import free_port
from tests.standin.wecom_api import WeComStandin

TOKEN = "benchCallbackToken"  # noqa: S105 - the stand-in's callback token, not a secret


def start_assistant(
    api: WeComStandin, nlu_url: str, workdir: Path, port: int, aes_key: str
) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_MP"))},
        "WECOM_CORP_ID": api.corp_id,
        "WECOM_SECRET": api.secret,
        "WECOM_TOKEN": TOKEN,
        "WECOM_AES_KEY": aes_key,
        "WECOM_API_BASE_URL": api.root,
        "WECOM_CALLBACK_PORT": str(port),
        "WECOM_OPEN_KFID": api.open_kfid,
        "NLU_URL": nlu_url,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "CONSOLE_WITH_ASSISTANT": "false",
        "LOG_LEVEL": "WARNING",
    }
    log = (workdir / "assistant.log").open("wb")
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "courier-aid"), "run"]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)


async def wait_up(api: WeComStandin, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await api.verify_url(timeout=2.0):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError("the assistant's callback did not come up")


async def warm_up(api: WeComStandin, couriers: list[str]) -> None:
    """Each courier enters the chat (the welcome) and agrees, as a real one would."""
    for courier in couriers:
        api.enter_session(courier, scene_param="bench")
    for courier in couriers:
        [welcome] = await api.wait_for_sent(courier, 1, timeout=120)
        consent = next((i, c) for i, c in welcome.menu if i == "consent:yes")
        api.send_menu_click(courier, *consent)
    for courier in couriers:
        await api.wait_for_sent(courier, 2, timeout=120)


async def load(
    api: WeComStandin, couriers: list[str], rate: float, seconds: float
) -> tuple[list[tuple[str, float, int]], float]:
    """Open-loop load; (courier, stand-in time of the message, sends to them before it)."""
    sent: list[tuple[str, float, int]] = []
    interval = 1.0 / rate
    start = time.monotonic()
    n = 0
    while (elapsed := time.monotonic() - start) < seconds:
        target = int(elapsed / interval) + 1
        while n < target:
            courier = couriers[n % len(couriers)]
            before = len(api.sent_to(courier))
            sent.append((courier, api.now(), before))
            api.send_text(courier, QUESTIONS[n % len(QUESTIONS)])
            n += 1
        await asyncio.sleep(interval / 2)
    return sent, time.monotonic() - start


async def drain(api: WeComStandin, sent: list[tuple[str, float, int]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(api.sent_to(c)) > before for c, _, before in sent):
            return
        await asyncio.sleep(0.2)


def latencies_ms(api: WeComStandin, sent: list[tuple[str, float, int]]) -> list[float]:
    """Message → the first message the courier got after it (the answer's first part)."""
    out = []
    for courier, at, before in sent:
        got = api.sent_to(courier)
        if len(got) > before:
            out.append((got[before].at - at) * 1000)
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    nlu_url = f"http://127.0.0.1:{free_port()}"
    server = nlu_server(args, nlu_url)
    couriers = [f"wm_bench_{i:05d}" for i in range(args.couriers)]
    aes_key = base64.b64encode(os.urandom(32)).decode().rstrip("=")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="courier-aid-wecom-bench-") as tmp, server:
        settings = Settings()
        token = resolve_token(settings.nlu_auth_token, settings.nlu_token_file)
        assert isinstance(server, NoServer) or is_ready(nlu_url, token=token)
        workdir = Path(tmp)
        async with WeComStandin(callback_timeout=5.0) as api:
            api.set_callback(f"http://127.0.0.1:{port}/wecom/callback", TOKEN, aes_key)
            assistant = start_assistant(api, nlu_url, workdir, port, aes_key)
            try:
                await wait_up(api)
                print(f"assistant up; warming up {len(couriers)} couriers...", flush=True)
                await warm_up(api, couriers)
                print(f"load: {args.rate}/s for {args.seconds}s...", flush=True)
                cpu_before = _cpu(assistant.pid, server.pid)
                sent, duration = await load(api, couriers, args.rate, args.seconds)
                await drain(api, sent, timeout=60)
                cpu_after = _cpu(assistant.pid, server.pid)
                latencies = latencies_ms(api, sent)
                slow_callbacks = sum(1 for c in api.callback_log if c.seconds > 1.0)
                retried = sum(1 for c in api.callback_log if c.attempt > 1)
                peak = peak_rss_mib(assistant.pid)
            finally:
                assistant.send_signal(signal.SIGTERM)
                try:
                    assistant.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    assistant.kill()
                args.out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(workdir / "assistant.log", args.out.with_suffix(".log"))
    answered = len(latencies)
    cpu_ms = cpu_ms_per(cpu_before, cpu_after, answered)
    return {
        "benchmark": "wecom",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "couriers": args.couriers,
        "offered_rate_per_s": args.rate,
        "load_seconds": round(duration, 2),
        "messages_sent": len(sent),
        "messages_answered": answered,
        "callbacks_over_1s": slow_callbacks,
        "callbacks_retried": retried,
        "callback_to_first_send_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "mean": round(statistics.fmean(latencies), 1) if latencies else None,
        },
        "cpu_ms_per_message": cpu_ms,
        "peak_memory_mib": {"assistant": round(peak, 1) if peak else None},
        "goal": {"p95_ms": 300},
    }


def _cpu(assistant: int, rasa: int | None) -> dict[str, float | None]:
    return {
        "assistant": cpu_seconds(assistant),
        "rasa": cpu_seconds(rasa) if rasa is not None else None,
        "standin_and_couriers": cpu_seconds(os.getpid()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.wecom", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--couriers", type=int, default=300)
    parser.add_argument("--rate", type=float, default=50.0, help="messages a second offered")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--nlu", choices=("rasa", "offline"), default="rasa")
    parser.add_argument("--out", type=Path, default=RESULTS / "wecom.json")
    args = parser.parse_args(argv)
    if args.couriers / args.rate < 1.25:
        parser.error("each courier would send faster than one message every 1.25 s; add couriers")
    result = asyncio.run(run(args))
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    lat = result["callback_to_first_send_ms"]
    cpu = result["cpu_ms_per_message"]
    print(
        f"answered {result['messages_answered']}/{result['messages_sent']} messages "
        f"({args.rate}/s offered for {args.seconds}s); callback→first send_msg "
        f"p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms; callbacks over 1 s: "
        f"{result['callbacks_over_1s']}, retried: {result['callbacks_retried']}; "
        "CPU ms per message "
        f"assistant {cpu['assistant']}, Rasa {cpu['rasa']}, stand-in and couriers "
        f"{cpu['standin_and_couriers']} ({result['machine']['cpus']} CPUs) → {args.out}"
    )
    return 0 if result["messages_answered"] == result["messages_sent"] else 1


if __name__ == "__main__":
    sys.exit(main())

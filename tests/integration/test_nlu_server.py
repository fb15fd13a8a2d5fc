"""`courier-aid nlu serve` starts the real server, and SIGTERM stops it with its child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlu.server import is_ready
from tests.helpers.services import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_serve_answers_and_sigterm_stops_the_server(nlu_url: str) -> None:
    # nlu_url: the session's server, which also guarantees the model is trained and cached
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "nlu", "serve"],
        cwd=ROOT,
        env={**os.environ, "NLU_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while not is_ready(url) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(1)
        assert is_ready(url)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 143
        assert not is_ready(url, timeout=2)
    finally:
        if process.poll() is None:
            process.kill()

"""Run the Rasa NLU server (`rasa run --enable-api`) as a child process; wait until it answers."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from nlu.training import rasa_environment

log = logging.getLogger(__name__)


class ServerError(RuntimeError):
    """The NLU server did not come up; the message says where its log is."""


def host_and_port(nlu_url: str) -> tuple[str, int]:
    parts = urlsplit(nlu_url)
    return parts.hostname or "127.0.0.1", parts.port or 5005


def is_ready(nlu_url: str, timeout: float = 2.0) -> bool:
    """True when a Rasa server at `nlu_url` answers and has a model loaded."""
    try:
        response = httpx.get(f"{nlu_url.rstrip('/')}/status", timeout=timeout)
    except httpx.HTTPError:
        return False
    if response.status_code != httpx.codes.OK:
        return False
    body = response.json()
    return bool(body.get("model_file") or body.get("model_id"))


class RasaServer:
    """`with RasaServer(...) as server:` starts the server, waits for it, and stops it on exit."""

    def __init__(
        self,
        *,
        rasa_venv: Path,
        model: Path,
        nlu_url: str,
        log_file: Path,
        startup_timeout: float = 180.0,
    ) -> None:
        self._rasa = rasa_venv / "bin" / "rasa"
        self._model = model
        self._url = nlu_url
        self._log_file = log_file
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_file(self) -> Path:
        """Where the server's output goes."""
        return self._log_file

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs (for measuring it)."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        if not self._rasa.exists():
            raise ServerError(f"Rasa is not installed at {self._rasa}; run `make setup`.")
        host, port = host_and_port(self._url)
        if is_ready(self._url):
            raise ServerError(f"something already answers at {self._url}; stop it or set NLU_URL")
        self._log_file.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(self._rasa),
            "run",
            "--enable-api",
            "-i",
            host,
            "-p",
            str(port),
            "-m",
            str(self._model),
            "--cors",
            "[]",
        ]
        env = rasa_environment()
        with self._log_file.open("wb") as out:
            self._process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=Path(__file__).resolve().parent.parent,
                start_new_session=True,
            )
        try:
            self._wait_until_ready()
        except BaseException:  # a signal or Ctrl-C while waiting: never leave the child behind
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerError(
                    f"rasa exited with {self._process.returncode}; see {self._log_file}"
                )
            if is_ready(self._url, timeout=1.0):
                log.info("NLU server ready at %s", self._url)
                return
            time.sleep(0.5)
        raise ServerError(
            f"rasa did not answer within {self._startup_timeout:.0f}s; see {self._log_file}"
        )

    def wait(self) -> int:
        """Block until the server ends by itself (it crashed or was killed); its exit code."""
        assert self._process is not None, "start() first"
        return self._process.wait()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def __enter__(self) -> RasaServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

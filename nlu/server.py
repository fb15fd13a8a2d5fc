"""Run the Rasa NLU server (`rasa run --enable-api`) as a child process; wait until it answers.

The server runs with an auth token (nlu/auth.py), is tied to the process that started it
(nlu/rasa_launch.py) and, when given a records folder, notes itself there so that a later start
can stop it if its owner died without stopping it (nlu/ownership.py).
"""

from __future__ import annotations

import enum
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from nlu import ownership
from nlu.rasa_launch import OWNER_ENV, PDEATHSIG_ENV, TOKEN_ENV
from nlu.training import rasa_environment

log = logging.getLogger(__name__)


class ServerError(RuntimeError):
    """The NLU server did not come up; the message says where its log is."""


def host_and_port(nlu_url: str) -> tuple[str, int]:
    parts = urlsplit(nlu_url)
    return parts.hostname or "127.0.0.1", parts.port or 5005


class Status(enum.Enum):
    """What answers at an NLU address, as seen with our token."""

    ABSENT = "nothing answers"
    READY = "a Rasa server that accepts our token, with a model loaded"
    STARTING = "a Rasa server that accepts our token, with no model yet"
    REFUSED = "a server that refuses our token"
    UNPROTECTED = "a Rasa server without an auth token: anyone could parse or replace its model"


def probe(nlu_url: str, *, token: str, timeout: float = 2.0) -> Status:
    """Ask `/status` with our token (and, if it answers, without: a server must refuse that)."""
    url = f"{nlu_url.rstrip('/')}/status"
    try:
        response = httpx.get(url, params={"token": token}, timeout=timeout)
        if response.status_code != httpx.codes.OK:
            return Status.REFUSED
        body = response.json()
        if httpx.get(url, timeout=timeout).status_code == httpx.codes.OK:
            return Status.UNPROTECTED
    except httpx.HTTPError:
        return Status.ABSENT
    except ValueError:  # not JSON: not a Rasa server
        return Status.REFUSED
    loaded = isinstance(body, dict) and bool(body.get("model_file") or body.get("model_id"))
    return Status.READY if loaded else Status.STARTING


def is_ready(nlu_url: str, *, token: str, timeout: float = 2.0) -> bool:
    """True when a Rasa server at `nlu_url` accepts `token` and has a model loaded."""
    return probe(nlu_url, token=token, timeout=timeout) is Status.READY


class RasaServer:
    """`with RasaServer(...) as server:` starts the server, waits for it, and stops it on exit.

    Start it from the thread that will stop it, best the main thread: on Linux the kernel stops
    the server when the starting thread ends (see nlu/rasa_launch.py), and from another thread
    only the once-a-second watchdog ties it to the process.
    """

    def __init__(
        self,
        *,
        rasa_venv: Path,
        model: Path,
        nlu_url: str,
        log_file: Path,
        auth_token: str,
        records: Path | None = None,
        startup_timeout: float = 180.0,
    ) -> None:
        self._rasa = rasa_venv / "bin" / "rasa"
        self._python = rasa_venv / "bin" / "python"
        self._model = model
        self._url = nlu_url
        self._log_file = log_file
        self._token = auth_token
        self._records = records
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

    def _record_path(self) -> Path | None:
        if self._records is None:
            return None
        return ownership.record_path(self._records, host_and_port(self._url)[1])

    def start(self) -> None:
        if not self._rasa.exists():
            raise ServerError(f"Rasa is not installed at {self._rasa}; run `make setup`.")
        if self._records is not None:
            ownership.stop_orphans(self._records)
        host, port = host_and_port(self._url)
        status = probe(self._url, token=self._token)
        if status is not Status.ABSENT:
            raise ServerError(
                f"something already answers at {self._url} ({status.value}); stop it or set NLU_URL"
            )
        self._log_file.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(self._python),
            "-m",
            "nlu.rasa_launch",
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
        env = {
            **rasa_environment(),
            TOKEN_ENV: self._token,  # never on the command line: anyone can read that
            OWNER_ENV: str(os.getpid()),
            PDEATHSIG_ENV: "1" if threading.current_thread() is threading.main_thread() else "0",
        }
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
            self._note()  # before the wait: an owner killed while the model loads leaves a note
            self._wait_until_ready()
        except BaseException:  # a signal or Ctrl-C while waiting: never leave the child behind
            self.stop()
            raise

    def _note(self) -> None:
        path = self._record_path()
        if path is None or self._process is None or not sys.platform.startswith("linux"):
            return
        state = ownership.process_state(self._process.pid)
        if state is not None:
            record = ownership.ServerRecord(
                pid=self._process.pid, started=state.started, owner=os.getpid(), url=self._url
            )
            ownership.write_record(path, record)

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerError(
                    f"rasa exited with {self._process.returncode}; see {self._log_file}"
                )
            if is_ready(self._url, token=self._token, timeout=1.0):
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
        if process is None:
            return
        path = self._record_path()
        if path is not None:
            ownership.remove_record(path, process.pid)
        if process.poll() is not None:
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

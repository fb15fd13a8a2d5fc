"""Which Rasa servers we started, so that one whose owner died is stopped, not reused.

A server stops by itself when its owner dies (nlu/rasa_launch.py); this is the second line for
when it did not (another platform, a stuck interpreter, a server left by an older version that
had no such tie). Each `RasaServer` that starts notes itself in a folder (`var/nlu-servers/`):
one JSON file per port with the server's pid, its start time in the kernel's clock ticks (so a
reused pid is never taken for it), and its owner's pid. The next start stops every noted server
whose parent is no longer its owner, and drops notes of servers that have ended.

Reading processes goes through /proc: on systems without it nothing is stopped here.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class ServerRecord:
    pid: int
    started: int  # the process's start time (/proc/<pid>/stat field 22): pid and this name it
    owner: int
    url: str


@dataclass(frozen=True, slots=True)
class ProcessState:
    parent: int
    started: int
    zombie: bool


def process_state(pid: int, proc: Path = PROC) -> ProcessState | None:
    """Parent and start time of a running process; None when there is no such process."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp ... starttime ...": comm may hold spaces and parentheses
    fields = stat[stat.rindex(")") + 2 :].split()
    return ProcessState(parent=int(fields[1]), started=int(fields[19]), zombie=fields[0] == "Z")


def record_path(records: Path, url_port: int) -> Path:
    return records / f"port-{url_port}.json"


def write_record(path: Path, record: ServerRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_suffix(".tmp")
    draft.write_text(json.dumps(asdict(record)), encoding="utf-8")
    draft.replace(path)


def read_record(path: Path) -> ServerRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerRecord(
            pid=int(data["pid"]),
            started=int(data["started"]),
            owner=int(data["owner"]),
            url=str(data["url"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_record(path: Path, pid: int) -> None:
    """Remove the note at `path` if it is still about `pid` (another start may have replaced it)."""
    record = read_record(path)
    if record is not None and record.pid == pid:
        path.unlink(missing_ok=True)


def terminate_group(pid: int, *, grace: float = 15.0, proc: Path = PROC) -> None:
    """SIGTERM to the server's process group (it leads its own session), SIGKILL after `grace`."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        state = process_state(pid, proc)
        if state is None or state.zombie:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def stop_orphans(records: Path, *, proc: Path = PROC) -> list[ServerRecord]:
    """Stop the noted servers whose owner is gone; forget the ones that ended. Those stopped."""
    if not proc.is_dir() or not records.is_dir():
        return []
    stopped = []
    for path in sorted(records.glob("port-*.json")):
        record = read_record(path)
        if record is None:
            path.unlink(missing_ok=True)
            continue
        state = process_state(record.pid, proc)
        if state is None or state.zombie or state.started != record.started:
            path.unlink(missing_ok=True)  # it ended (a reused pid is another process)
            continue
        if state.parent == record.owner:
            continue  # its owner still runs it
        log.warning(
            "stopping the NLU server at %s (pid %s): the process that started it is gone",
            record.url,
            record.pid,
        )
        terminate_group(record.pid, proc=proc)
        path.unlink(missing_ok=True)
        stopped.append(record)
    return stopped

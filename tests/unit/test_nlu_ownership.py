"""Records of the servers we started: one whose owner is gone is stopped, others left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlu.ownership import (
    ServerRecord,
    process_state,
    read_record,
    record_path,
    remove_record,
    stop_orphans,
    write_record,
)

ORPHAN_MAKER = (
    "import subprocess, sys;"
    "p = subprocess.Popen(['sleep', '300'], start_new_session=True,"
    " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(p.pid, flush=True)"
)


def gone(pid: int) -> bool:
    state = process_state(pid)
    return state is None or state.zombie


@pytest.fixture
def orphan() -> Iterator[tuple[int, int]]:
    """A `sleep` in its own session whose parent (pid returned second) has exited."""
    maker = subprocess.run(
        [sys.executable, "-c", ORPHAN_MAKER], capture_output=True, text=True, check=True
    )
    pid = int(maker.stdout)
    yield pid, 1_000_000_000  # an owner pid no process has
    if not gone(pid):
        subprocess.run(["kill", "-9", str(pid)], check=False)


def note(records: Path, pid: int, owner: int, port: int = 5005) -> Path:
    state = process_state(pid)
    assert state is not None
    path = record_path(records, port)
    write_record(path, ServerRecord(pid=pid, started=state.started, owner=owner, url="u"))
    return path


def test_a_server_whose_owner_is_gone_is_stopped(tmp_path: Path, orphan: tuple[int, int]) -> None:
    pid, owner = orphan
    path = note(tmp_path, pid, owner)
    [stopped] = stop_orphans(tmp_path)
    assert stopped.pid == pid and not path.exists()
    for _ in range(50):
        if gone(pid):
            break
        time.sleep(0.1)
    assert gone(pid)


def test_a_server_whose_owner_runs_is_left_alone(tmp_path: Path) -> None:
    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        path = note(tmp_path, child.pid, os.getpid())
        assert stop_orphans(tmp_path) == [] and path.exists() and child.poll() is None
    finally:
        child.kill()
        child.wait()
    assert stop_orphans(tmp_path) == [] and not path.exists()  # ended: its note is dropped


def test_a_reused_pid_is_not_taken_for_our_server(tmp_path: Path, orphan: tuple[int, int]) -> None:
    pid, owner = orphan
    state = process_state(pid)
    assert state is not None
    path = record_path(tmp_path, 5005)
    write_record(path, ServerRecord(pid=pid, started=state.started - 1, owner=owner, url="u"))
    assert stop_orphans(tmp_path) == [] and not path.exists()
    assert not gone(pid)  # another process with that pid: never signalled


def test_notes_round_trip_and_are_removed_only_by_their_server(tmp_path: Path) -> None:
    path = record_path(tmp_path, 5005)
    record = ServerRecord(pid=10, started=20, owner=30, url="http://127.0.0.1:5005")
    write_record(path, record)
    assert read_record(path) == record
    remove_record(path, pid=11)  # a later start's server took the note over
    assert path.exists()
    remove_record(path, pid=10)
    assert not path.exists()
    path.write_text("{not json")
    assert read_record(path) is None
    assert stop_orphans(tmp_path) == [] and not path.exists()

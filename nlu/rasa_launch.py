"""Run `rasa` in this process for `RasaServer`, tied to the process that started it.

`RasaServer` starts `.venv-rasa/bin/python -m nlu.rasa_launch run --enable-api ...` rather than
`.venv-rasa/bin/rasa`, for two things `rasa` cannot do by itself:

- the auth token comes in the environment (`COURIER_AID_RASA_TOKEN`, which only our own user
  can read in /proc) and is added to Rasa's arguments here, inside the process: on the command
  line every user on the machine could read it;
- the server stops when its owner is gone, even killed with SIGKILL (an OOM kill, a crashed
  service), instead of holding ~800 MB as an orphan that the next start would quietly reuse.
  On Linux the kernel sends SIGTERM when the owner dies (prctl PR_SET_PDEATHSIG, asked for only
  when the owner started us from its main thread: the signal follows the thread, not the process);
  everywhere a watchdog thread also checks once a second that the parent is still the owner.

Runs inside the Rasa environment (.venv-rasa, Python 3.10); the application never imports it.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import signal
import sys
import threading
import time

TOKEN_ENV = "COURIER_AID_RASA_TOKEN"  # noqa: S105  # the variable's name, not a token
OWNER_ENV = "COURIER_AID_RASA_OWNER"  # the pid of the process that must outlive us
PDEATHSIG_ENV = "COURIER_AID_RASA_PDEATHSIG"  # "1": ask the kernel for the parent-death signal
PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0
GRACE_SECONDS = 10.0  # after SIGTERM, how long a clean shutdown may take before a hard exit


def ask_for_parent_death_signal() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGTERM) on Linux; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(owner: int) -> None:
    while os.getppid() == owner:
        time.sleep(WATCH_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(1)


def tie_to_owner(owner: int, *, kernel_signal: bool) -> None:
    """Stop this process when `owner` (our parent) ends; exit now if it already has."""
    if kernel_signal:
        ask_for_parent_death_signal()
    if os.getppid() != owner:  # the owner died before we could ask: nobody needs us
        os._exit(1)
    threading.Thread(target=_watch, args=(owner,), name="owner-watchdog", daemon=True).start()


def rasa_arguments(argv: list[str], token: str | None) -> list[str]:
    return [*argv, "--auth-token", token] if token else list(argv)


def main() -> None:
    owner = os.environ.pop(OWNER_ENV, "")
    if owner.isdigit():
        tie_to_owner(int(owner), kernel_signal=os.environ.pop(PDEATHSIG_ENV, "") == "1")
    token = os.environ.pop(TOKEN_ENV, None)  # not passed on to anything Rasa starts
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:], token)]
    rasa_main = importlib.import_module("rasa.__main__").main
    sys.exit(rasa_main())


if __name__ == "__main__":
    main()

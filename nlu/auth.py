"""The NLU server's auth token: without it nothing on the machine can parse through our Rasa
server or replace its model (`PUT /model`); Rasa checks it on every route but `/` and `/version`.

The token is `NLU_AUTH_TOKEN` when that is set, otherwise the one in a file outside git
(`var/nlu-token`, mode 0600), made once by `scripts/setup.sh` (or by the first run that finds none).
It reaches Rasa through the environment, never its command line, which every user can read in
`/proc/<pid>/cmdline`; requests carry it as `?token=...`, the only way Rasa 3.6 accepts one.

`python -m nlu.auth FILE` makes the file when it is missing and prints nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import sys
from pathlib import Path

from pydantic import SecretStr

log = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits, url-safe base64: 43 characters


class TokenError(RuntimeError):
    """The token file exists but holds no token."""


def read_token(path: Path) -> str:
    """The token in `path`; a file others may read is narrowed to its owner first."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); narrowing it to 0600", path, mode)
        path.chmod(0o600)
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise TokenError(f"{path} is empty; delete it and run `make setup` to make a new token")
    return token


def read_or_create_token(path: Path) -> str:
    """The token in `path`, made first (0600, atomically) when the file does not exist yet.

    Two processes that both find no file agree on one token: each writes its own to a private
    temporary file and links it into place, and the one that loses the race reads the winner's.
    """
    with contextlib.suppress(FileNotFoundError):
        return read_token(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A draft of its own for each caller (threads of one process share the pid).
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(TOKEN_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return read_token(path)


def resolve_token(configured: SecretStr | None, token_file: Path) -> str:
    """`NLU_AUTH_TOKEN` when it is set (and not blank), otherwise the token file's."""
    if configured is not None and configured.get_secret_value().strip():
        return configured.get_secret_value().strip()
    return read_or_create_token(token_file)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m nlu.auth TOKEN_FILE", file=sys.stderr)
        return 2
    read_or_create_token(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Console accounts: argon2 password hashes, login with a lockout, server-side sessions.

Functions take a session and never commit (the caller's unit of work does).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from console.config import ConsoleConfig
from storage.console_models import (
    CONSOLE_ROLES,
    ConsoleLoginAttempt,
    ConsoleSession,
    ConsoleUser,
)

NAME_MAX = 32
PASSWORD_MIN = 10
KEEP_ATTEMPTS = dt.timedelta(days=1)
ROLE_LABELS = {"admin": "管理员", "coordinator": "协调员", "viewer": "只读"}
ROLE_RANK = {"viewer": 0, "coordinator": 1, "admin": 2}
# argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 3 passes, 64 MiB);
# about 0.2 s a hash on a busy two-core machine. Tests swap in a cheaper one.
HASHER = PasswordHasher()


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is logged in, as the pages need it (a plain value, not an ORM row)."""

    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user's role is `role` or above (viewer < coordinator < admin)."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class LoginResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown name or wrong password (the page does not say which)
    LOCKED = "locked"
    RATE_LIMITED = "rate_limited"


def clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX or any(ch.isspace() or ch in "<>&\"'/" for ch in name):
        raise AccountError(f"a name is 1-{NAME_MAX} characters, no spaces or < > & \" ' /")
    return name


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"the password needs at least {PASSWORD_MIN} characters")


def add_user(
    session: Session, *, name: str, role: str, password: str, now: dt.datetime
) -> ConsoleUser:
    if role not in CONSOLE_ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(CONSOLE_ROLES)}")
    name = clean_name(name)
    check_password(password)
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.name == name)) is not None:
        raise AccountError(f"a console user named {name!r} exists already")
    user = ConsoleUser(
        name=name,
        role=role,
        password_hash=HASHER.hash(password),
        active=True,
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count(ConsoleUser.id))) or 0)


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong
    password (made on first use, not at import)."""
    return hasher.hash("not a password of anyone")


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _dummy_hash(HASHER), password)
    except (VerificationError, InvalidHashError):
        return False


def login(
    session: Session, config: ConsoleConfig, name: str, password: str, address: str,
    now: dt.datetime,
) -> tuple[LoginResult, ConsoleUser | None]:  # fmt: skip
    """Check a login. Every attempt is recorded; failures count towards the lockout. Attempts
    older than a day are deleted here (they only serve the rate limit and the lockout)."""
    session.execute(delete(ConsoleLoginAttempt).where(ConsoleLoginAttempt.at < now - KEEP_ATTEMPTS))
    since = now - config.rate_window
    failures = session.scalar(
        select(func.count(ConsoleLoginAttempt.id)).where(
            ConsoleLoginAttempt.address == address,
            ConsoleLoginAttempt.ok.is_(False),
            ConsoleLoginAttempt.at >= since,
        )
    )
    name = name.strip()[:64]
    if (failures or 0) >= config.rate_limit:
        session.add(ConsoleLoginAttempt(name=name, address=address[:64], ok=False, at=now))
        return LoginResult.RATE_LIMITED, None
    user = session.scalars(select(ConsoleUser).where(ConsoleUser.name == name)).one_or_none()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _verify(None, password)
        session.add(ConsoleLoginAttempt(name=name, address=address[:64], ok=False, at=now))
        return LoginResult.LOCKED, user
    good = _verify(user.password_hash if user else None, password)
    ok = good and user is not None and user.active
    session.add(ConsoleLoginAttempt(name=name, address=address[:64], ok=ok, at=now))
    if user is None:
        return LoginResult.WRONG, None
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= config.lock_after:
            user.locked_until, user.failed_logins = now + config.lock_for, 0
            return LoginResult.LOCKED, user
        return LoginResult.WRONG, user
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return LoginResult.OK, user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, user: ConsoleUser, config: ConsoleConfig, now: dt.datetime
) -> str:
    """A new session for `user`; returns the token the cookie carries (signed by the caller)."""
    token = secrets.token_urlsafe(32)
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    session.add(
        ConsoleSession(
            token_hash=_digest(token),
            user_id=user.id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + config.session_lifetime,
        )
    )
    return token


def find_session(session: Session, token: str, now: dt.datetime) -> tuple[Viewer, str] | None:
    """The user and CSRF token of a live session, or None (expired, logged out, deactivated)."""
    row = session.execute(
        select(ConsoleSession, ConsoleUser)
        .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
        .where(ConsoleSession.token_hash == _digest(token))
    ).one_or_none()
    if row is None:
        return None
    live, user = row
    if live.expires_at <= now or not user.active:
        return None
    return Viewer(user.id, user.name, user.role), live.csrf


def close_session(session: Session, token: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _digest(token)))

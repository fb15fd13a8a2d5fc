"""The console's configuration, built once from `bot.settings.Settings`, and its secret key."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.settings import Settings
from handoff.config import HandoffConfig
from knowledge.loader import load_topics
from reminders.config import ReminderConfig

SECRET_BYTES = 32
# The login's limits: a name is locked after LOCK_AFTER failures in a row, for LOCK_MINUTES;
# one address may fail RATE_LIMIT times in RATE_WINDOW_MINUTES before it is refused outright.
LOCK_AFTER = 5
LOCK_MINUTES = 15
RATE_LIMIT = 20
RATE_WINDOW_MINUTES = 15


@dataclass(frozen=True, slots=True)
class ConsoleConfig:
    secret: bytes
    handoff: HandoffConfig
    reminders: ReminderConfig
    host: str = "127.0.0.1"
    port: int = 8000
    session_lifetime: dt.timedelta = dt.timedelta(hours=8)
    secure_cookies: bool = False
    zone_name: str = "Asia/Shanghai"
    duty_text: str = ""
    topic_titles: Mapping[str, str] = field(default_factory=dict)
    lock_after: int = LOCK_AFTER
    lock_for: dt.timedelta = dt.timedelta(minutes=LOCK_MINUTES)
    rate_limit: int = RATE_LIMIT
    rate_window: dt.timedelta = dt.timedelta(minutes=RATE_WINDOW_MINUTES)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def address(self) -> str:
        return f"http://{self.host}:{self.port}/"


def load_secret(key: SecretStr | None, path: Path) -> bytes:
    """The key that signs session cookies: CONSOLE_SECRET_KEY, or the one in `path`, made once
    (random, mode 0600) when the file does not exist yet."""
    if key is not None and key.get_secret_value():
        return key.get_secret_value().encode()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(SECRET_BYTES).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(value)
    return value


def config_from_settings(settings: Settings) -> ConsoleConfig:
    """Raises ValueError on malformed duty hours or reminder settings."""
    topics = {topic.id: topic.zh for topic in load_topics().values()}
    return ConsoleConfig(
        secret=load_secret(settings.console_secret_key, settings.console_secret_file),
        handoff=HandoffConfig.from_settings(settings, topic_titles=topics),
        reminders=ReminderConfig.from_settings(settings),
        host=settings.console_host,
        port=settings.console_port,
        session_lifetime=dt.timedelta(minutes=settings.console_session_minutes),
        secure_cookies=settings.console_secure_cookies,
        zone_name=settings.timezone,
        duty_text=f"{settings.duty_hours}（星期 {settings.duty_days}）",
        topic_titles=topics,
    )

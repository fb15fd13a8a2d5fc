"""The 客服消息 window: when and how often the service account may write to a follower.

A follower's message opens 5 messages within 48 hours; a follow, a menu click or a scan opens 3
within one minute (a longer window still open is kept). The platform refuses the rest with
45015 (out of time) or 45047 (out of count); then the window is shut here and nothing is tried
again until the follower writes. Kept in memory: after a restart a follower's first reply is
tried, and a refusal shuts the window as above.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MESSAGE_WINDOW = (48 * 3600.0, 5)
EVENT_WINDOW = (60.0, 3)
MAX_FOLLOWERS = 200_000


@dataclass(slots=True)
class Window:
    until: float
    left: int


class Windows:
    def __init__(self, time_source: Callable[[], float] = time.monotonic) -> None:
        self._time = time_source
        self._open: dict[str, Window] = {}

    def message(self, openid: str) -> None:
        """The follower wrote: 5 messages within 48 hours."""
        self._set(openid, *MESSAGE_WINDOW)

    def event(self, openid: str) -> None:
        """A follow, a click or a scan: 3 messages within a minute, unless more time is open."""
        seconds, count = EVENT_WINDOW
        current = self._open.get(openid)
        now = self._time()
        if current is not None and current.until > now + seconds and current.left > 0:
            return
        self._set(openid, seconds, count)

    def take(self, openid: str) -> bool | None:
        """Use one message: True when the window allows it, False when it does not, None when
        nothing is known (after a restart): the caller may try once."""
        window = self._open.get(openid)
        if window is None:
            return None
        if window.until <= self._time() or window.left <= 0:
            return False
        window.left -= 1
        return True

    def left(self, openid: str) -> int:
        window = self._open.get(openid)
        if window is None or window.until <= self._time():
            return 0
        return window.left

    def shut(self, openid: str) -> None:
        self._open[openid] = Window(0.0, 0)

    def _set(self, openid: str, seconds: float, count: int) -> None:
        if len(self._open) >= MAX_FOLLOWERS:
            now = self._time()
            self._open = {k: w for k, w in self._open.items() if w.until > now}
        self._open[openid] = Window(self._time() + seconds, count)

"""The 客服消息 window: 5 within 48 h after a message, 3 within a minute after an event."""

from __future__ import annotations

from bot.channels.wechat_mp.window import Windows


def test_windows() -> None:
    now = [0.0]
    windows = Windows(lambda: now[0])
    assert windows.take("o") is None  # unknown (after a restart): may try once
    windows.event("o")
    assert [windows.take("o") for _ in range(4)] == [True, True, True, False]
    windows.message("o")
    assert [windows.take("o") for _ in range(6)] == [True] * 5 + [False]
    windows.message("o")
    windows.event("o")  # a click keeps the longer window open
    assert windows.left("o") == 5
    now[0] = 48 * 3600.0 + 1
    assert windows.take("o") is False
    windows.message("o")
    windows.shut("o")  # the platform said 45015 / 45047
    assert windows.take("o") is False

"""Reminder offsets before an event: '24h,1h,30m,2d' <-> minutes, largest first."""

from __future__ import annotations

import re

_ONE = re.compile(r"^(\d+)\s*([mhd])$", re.IGNORECASE)
_MINUTES = {"m": 1, "h": 60, "d": 1440}
MAX_MINUTES = 60 * 1440  # 60 days
MAX_COUNT = 6


def parse_offsets(text: str) -> tuple[int, ...]:
    """'24h,1h' -> (1440, 60). ValueError with a message an administrator can act on."""
    parts = [part.strip() for part in re.split(r"[,，\s]+", text.strip()) if part.strip()]
    if not parts:
        raise ValueError("提醒时间为空：请写成例如 24h,1h（单位 m 分钟、h 小时、d 天）")
    minutes: set[int] = set()
    for part in parts:
        match = _ONE.match(part)
        if match is None:
            raise ValueError(f"无法识别的提醒时间 {part!r}：请用数字加 m、h 或 d，例如 24h,1h,30m")
        value = int(match.group(1)) * _MINUTES[match.group(2).lower()]
        if value <= 0:
            raise ValueError(f"提醒时间 {part!r} 必须大于 0")
        if value > MAX_MINUTES:
            raise ValueError(f"提醒时间 {part!r} 太早了：最多提前 60 天")
        minutes.add(value)
    if len(minutes) > MAX_COUNT:
        raise ValueError(f"提醒次数太多：最多 {MAX_COUNT} 次")
    return tuple(sorted(minutes, reverse=True))


def format_offset(minutes: int) -> str:
    """1440 -> '24h', 90 -> '90m', 2880 -> '2d'."""
    if minutes % 1440 == 0 and minutes >= 2880:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def format_offsets(minutes: tuple[int, ...] | list[int]) -> str:
    return ",".join(format_offset(value) for value in minutes)

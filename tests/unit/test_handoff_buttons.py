"""Handoff button data round-trips; forged or stale data parses to None."""

from __future__ import annotations

import pytest

from bot.core.buttons import parse_button
from handoff.buttons import Press, parse_press


@pytest.mark.parametrize(
    "press",
    [Press("claim", 12), Press("switch", 3), Press("rate", 7, 5), Press("identity", 7, 0),
     Press("same_person", 8, 1), Press("cancel", 9)],
)  # fmt: skip
def test_round_trip(press: Press) -> None:
    assert parse_press(press.encode()) == press
    assert parse_button(press.encode(), {"wages.arrears"}) is None  # never the dialogue's


@pytest.mark.parametrize(
    "data",
    [None, "", "xc", "xc:", "xc:abc", "xc:1:2", "xr:1", "xr:1:6", "xr:1:0", "xi:1:2", "xq:1",
     "h:legal", "xc:-1", "xc:１", "xc:" + "9" * 70],
)  # fmt: skip
def test_forged_data_is_refused(data: str | None) -> None:
    assert parse_press(data) is None

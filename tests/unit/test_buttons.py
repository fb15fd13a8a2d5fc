from __future__ import annotations

import pytest

from bot.core.buttons import ButtonData, parse_button

TOPICS = {"wages.arrears", "contract.written"}


@pytest.mark.parametrize(
    "button",
    [
        ButtonData("answer", "wages.arrears"),
        ButtonData("detail", "contract.written"),
        ButtonData("helpful", "wages.arrears"),
        ButtonData("unhelpful", "wages.arrears"),
        ButtonData("human"),
        ButtonData("human", "legal"),
        ButtonData("offer"),
        ButtonData("offer", "union"),
    ],
)
def test_round_trip(button: ButtonData) -> None:
    assert parse_button(button.encode(), TOPICS) == button


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "x",
        "a",
        "a:",
        "a:unknown.topic",
        "d:wages.arrears:extra",
        "h:",
        "h:admin",
        "z:wages.arrears",
        "a:" + "w" * 100,
        "a:wages.arrears\n",
        "<script>",
        "h:legal:1",
        "o:admin",
    ],
)
def test_forged_or_stale_data_is_rejected(data: str | None) -> None:
    assert parse_button(data, TOPICS) is None


def test_encoded_data_fits_telegram_limit() -> None:
    with pytest.raises(ValueError):
        ButtonData("answer", "x" * 80).encode()

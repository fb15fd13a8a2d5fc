"""The WeChat callback crypto: round trip, signatures, and every way a forgery is refused."""

from __future__ import annotations

import base64
import os

import pytest

from bot.channels.wxcrypto import CryptoError, WXCrypto, signature

KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")


def test_round_trip_with_the_signature() -> None:
    crypto = WXCrypto("token", KEY, "wwcorp")
    encrypted, sig = crypto.seal("<xml>你好</xml>", "1700000000", "42")
    assert crypto.open(sig, "1700000000", "42", encrypted) == "<xml>你好</xml>"
    assert sig == signature("token", "1700000000", "42", encrypted)


def test_forgeries_are_refused() -> None:
    crypto = WXCrypto("token", KEY, "wwcorp")
    encrypted, sig = crypto.seal("hello", "1", "2")
    with pytest.raises(CryptoError):
        crypto.open("0" * 40, "1", "2", encrypted)  # bad signature
    with pytest.raises(CryptoError):
        crypto.open(sig, "1", "3", encrypted)  # signed for another nonce
    other = WXCrypto("token", KEY, "wwother")
    with pytest.raises(CryptoError):
        other.decrypt(encrypted)  # meant for another corp
    with pytest.raises(CryptoError):
        crypto.decrypt("not base64!")
    with pytest.raises(CryptoError):
        WXCrypto("token", base64.b64encode(os.urandom(32)).decode().rstrip("="), "wwcorp").decrypt(
            encrypted
        )  # another key: the padding check fails


def test_a_bad_key_is_a_setting_error() -> None:
    with pytest.raises(ValueError, match="43"):
        WXCrypto("token", "short", "wwcorp")

"""The message crypto of WeCom and WeChat official-account callbacks (加解密方案), shared by the
`wecom` and `wechat_mp` channels.

- Signature: SHA1 of the sorted concatenation of the Token, timestamp, nonce and the encrypted
  text, in lowercase hex (`msg_signature`).
- Encryption: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes,
  PKCS#7 padding to 32-byte blocks; the plaintext is 16 random bytes, the message length (4
  bytes, network order), the message, and the receiver id (the CorpID, or the AppID).

Every check fails closed with `CryptoError`; nothing of the message is logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CryptoError(ValueError):
    """A callback that is not authentic or cannot be decrypted."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str = "") -> str:
    parts = sorted([token, timestamp, nonce, encrypted])
    return hashlib.sha1("".join(parts).encode()).hexdigest()  # noqa: S324 - the platform's scheme


class WXCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        try:
            self._key = base64.b64decode(encoding_aes_key + "=")
        except binascii.Error as exc:
            raise ValueError("EncodingAESKey is not valid base64") from exc
        if len(self._key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        self._token = token
        self._receive_id = receive_id

    def check(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, (msg_signature or "").lower()):
            raise CryptoError("bad signature")

    def decrypt(self, encrypted: str) -> str:
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except binascii.Error as exc:
            raise CryptoError("not base64") from exc
        if not raw or len(raw) % 16:
            raise CryptoError("bad length")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).decryptor()
        padded = decryptor.update(raw) + decryptor.finalize()
        pad = padded[-1]
        if not 1 <= pad <= BLOCK or padded[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding")
        plain = padded[:-pad]
        if len(plain) < 20:
            raise CryptoError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(message) != length or receive_id.decode(errors="replace") != self._receive_id:
            raise CryptoError("wrong receiver")
        try:
            return message.decode()
        except UnicodeDecodeError as exc:
            raise CryptoError("not UTF-8") from exc

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> str:
        """Check the signature, then decrypt: the plaintext of an authentic callback."""
        self.check(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def encrypt(self, message: str, *, random: bytes | None = None) -> str:
        body = message.encode()
        plain = (
            (random or os.urandom(16))
            + struct.pack(">I", len(body))
            + body
            + self._receive_id.encode()
        )
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def seal(self, message: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """(encrypted, msg_signature) for a passive reply."""
        encrypted = self.encrypt(message)
        return encrypted, signature(self._token, timestamp, nonce, encrypted)

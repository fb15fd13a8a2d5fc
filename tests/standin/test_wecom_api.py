"""The WeCom stand-in, driven over real HTTP by a plain aiohttp client, calling back a tiny
receiver that decrypts its callbacks with wechatpy and with a decryption written here from
WeCom's documented algorithm (pycryptodome, not the `cryptography` package)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import socket
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp import web
from Crypto.Cipher import AES
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.work.crypto import WeChatCrypto

from tests.standin import wecom_api
from tests.standin.wecom_api import (
    ENDED,
    NEW,
    QUEUED,
    SERVICER,
    WINDOW_SECONDS,
    ErrCode,
    WeComStandin,
)

CORP = "wwcourieraid0001"
SECRET = "kf-secret-for-tests"
KF = "wkCourierAidKf0001"
TOKEN = "CallbackToken123"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters
COURIER = "wmCourierLaoLi0001"
ROOT = Path(__file__).resolve().parents[2]


def decrypt_documented(encrypt: str, aes_key: str) -> tuple[str, str]:
    """WeCom's 加解密方案, written from the documentation: AESKey = Base64_Decode(
    EncodingAESKey + "="), AES-256-CBC with IV = the key's first 16 bytes, PKCS#7 padding to a
    multiple of 32; the plaintext is random(16) + msg_len (4 bytes, network order) + msg +
    receiveid. Returns (msg, receiveid)."""
    key = base64.b64decode(aes_key + "=")
    assert len(key) == 32
    plain = AES.new(key, AES.MODE_CBC, iv=key[:16]).decrypt(base64.b64decode(encrypt))
    pad = plain[-1]
    assert 1 <= pad <= 32 and plain[-pad:] == bytes([pad]) * pad
    assert len(plain) % 32 == 0
    content = plain[16:-pad]
    (length,) = struct.unpack("!I", content[:4])
    return content[4 : 4 + length].decode(), content[4 + length :].decode()


def signature_documented(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """msg_signature = SHA-1 of the four strings sorted and joined."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


# The example of WeCom's 加解密方案 page: its configuration, a callback and a URL check.
DOC_CORP, DOC_TOKEN = "wx5823bf96d3bd56c7", "QDG6eK"
DOC_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
DOC_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdC"
    "Upj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4X"
    "gpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+K"
    "qCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XX"
    "ZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHB"
    "ZZIs2pDBS8R07+qN+E7Q=="
)
DOC_SIGNED = ("477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149")
DOC_ECHOSTR = (
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
)
DOC_ECHO_SIGNED = ("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780")


def test_documented_example_decrypts_and_the_standin_reproduces_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signature, timestamp, nonce = DOC_SIGNED
    assert signature_documented(DOC_TOKEN, timestamp, nonce, DOC_ENCRYPT) == signature
    plain, receive_id = decrypt_documented(DOC_ENCRYPT, DOC_KEY)
    assert receive_id == DOC_CORP
    assert "<Content><![CDATA[hello]]></Content>" in plain
    body = f"<xml><ToUserName>{DOC_CORP}</ToUserName><Encrypt>{DOC_ENCRYPT}</Encrypt></xml>"
    assert WeChatCrypto(DOC_TOKEN, DOC_KEY, DOC_CORP).decrypt_message(body, *DOC_SIGNED) == plain
    echo_signature, echo_timestamp, echo_nonce = DOC_ECHO_SIGNED
    assert (
        signature_documented(DOC_TOKEN, echo_timestamp, echo_nonce, DOC_ECHOSTR) == echo_signature
    )
    assert decrypt_documented(DOC_ECHOSTR, DOC_KEY) == ("1616140317555161061", DOC_CORP)

    # Given the example's random 16 bytes, the stand-in's encryption is the example's, byte
    # for byte, signature included.
    key = base64.b64decode(DOC_KEY + "=")
    random16 = AES.new(key, AES.MODE_CBC, iv=key[:16]).decrypt(base64.b64decode(DOC_ENCRYPT))[:16]
    monkeypatch.setattr(
        "wechatpy.crypto.base.BasePrpCrypto.get_random_string", lambda self: random16.decode()
    )
    assert wecom_api.encrypt(plain, DOC_TOKEN, DOC_KEY, DOC_CORP, timestamp, nonce) == (
        DOC_ENCRYPT,
        signature,
    )


@dataclass
class Receiver:
    """A tiny stand-in for the bot's callback endpoint."""

    url: str = ""
    bodies: list[tuple[dict[str, str], str]] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # one per request, then 0
    statuses: list[int] = field(default_factory=list)  # one per request, then 200
    echoes: list[str] = field(default_factory=list)
    echo_suffix: str = ""  # a wrong answer to the URL check
    echo_delay: float = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        if request.method == "GET":  # URL verification
            query = dict(request.query)
            expected = signature_documented(
                TOKEN, query["timestamp"], query["nonce"], query["echostr"]
            )
            assert query["msg_signature"] == expected
            echo, receive_id = decrypt_documented(query["echostr"], AES_KEY)
            assert receive_id == CORP
            self.echoes.append(echo)
            await asyncio.sleep(self.echo_delay)
            return web.Response(text=echo + self.echo_suffix)
        self.bodies.append((dict(request.query), await request.text()))
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        return web.Response(text="", status=self.statuses.pop(0) if self.statuses else 200)

    def token_of(self, index: int) -> str:
        _, body = self.bodies[index]
        encrypt = ET.fromstring(body).findtext("Encrypt") or ""
        plain, _ = decrypt_documented(encrypt, AES_KEY)
        return ET.fromstring(plain).findtext("Token") or ""


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver()
    app = web.Application()
    app.router.add_route("*", "/wecom/callback", box.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    box.url = f"http://127.0.0.1:{runner.addresses[0][1]}/wecom/callback"
    yield box
    await runner.cleanup()


@pytest.fixture
async def api(receiver: Receiver) -> AsyncIterator[WeComStandin]:
    async with WeComStandin(
        corp_id=CORP, secret=SECRET, open_kfid=KF, sync_page_size=2, callback_timeout=0.5
    ) as standin:
        standin.set_callback(receiver.url, TOKEN, AES_KEY)
        yield standin


@pytest.fixture
async def http(api: WeComStandin) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=api.root) as session:
        yield session


async def token_of(http: aiohttp.ClientSession) -> str:
    async with http.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}) as r:
        body = await r.json()
    assert body["errcode"] == 0, body
    return str(body["access_token"])


async def call(
    http: aiohttp.ClientSession, access_token: str, path: str, /, **body: Any
) -> dict[str, Any]:
    params = {"access_token": access_token}
    async with http.post(f"/cgi-bin/{path}", params=params, json=body) as r:
        assert r.status == 200
        answer: dict[str, Any] = await r.json()
        return answer


def text(content: str, touser: str = COURIER) -> dict[str, Any]:
    return {"touser": touser, "open_kfid": KF, "msgtype": "text", "text": {"content": content}}


async def test_gettoken_expiry_and_token_errors(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    async with http.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": "no"}) as r:
        assert (await r.json())["errcode"] == ErrCode.INVALID_SECRET == 40001
    async with http.get("/cgi-bin/gettoken", params={"corpid": "ww0", "corpsecret": SECRET}) as r:
        assert (await r.json())["errcode"] == 40013
    async with http.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}) as r:
        first = await r.json()
    assert first["expires_in"] == 7200 and len(first["access_token"]) >= 32
    token = first["access_token"]
    assert await token_of(http) == token  # WeCom: the same token while it is valid
    assert api.tokens_issued == [token] and api.gettoken_calls == 4

    kf = {"open_kfid": KF, "external_userid": COURIER}
    assert (await call(http, token, "kf/service_state/get", **kf))["service_state"] == ENDED
    assert (await call(http, "nonsense", "kf/service_state/get", **kf))["errcode"] == 40014
    async with http.post("/cgi-bin/kf/service_state/get", json=kf) as r:
        assert (await r.json())["errcode"] == 41001

    api.expire_tokens()
    assert (await call(http, token, "kf/service_state/get", **kf))["errcode"] == 42001
    fresh = await token_of(http)
    assert fresh != token and api.tokens_issued == [token, fresh]
    assert (await call(http, fresh, "kf/service_state/get", **kf))["errcode"] == 0
    api.advance(7200)  # expiry by the clock as well
    assert (await call(http, fresh, "kf/service_state/get", **kf))["errcode"] == 42001
    assert [c.errcode for c in api.calls_to("kf/service_state/get")] == [
        0,
        40014,
        41001,
        42001,
        0,
        42001,
    ]


async def test_callback_is_encrypted_as_wecom_does(api: WeComStandin, receiver: Receiver) -> None:
    msgid = api.send_text(COURIER, "你好,我想问工伤")
    [attempt] = await api.wait_for_callbacks()
    assert attempt.ok and attempt.attempt == 1 and attempt.open_kfid == KF
    [(query, body)] = receiver.bodies
    outer = ET.fromstring(body)
    assert outer.findtext("ToUserName") == CORP
    encrypt = outer.findtext("Encrypt") or ""
    assert query["msg_signature"] == signature_documented(
        TOKEN, query["timestamp"], query["nonce"], encrypt
    )
    # The documented algorithm, written here ...
    plain, receive_id = decrypt_documented(encrypt, AES_KEY)
    assert receive_id == CORP
    # ... and wechatpy, as a bot might use it, agree.
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP)
    signed = (query["msg_signature"], query["timestamp"], query["nonce"])
    assert crypto.decrypt_message(body, *signed) == plain
    event = ET.fromstring(plain)
    assert [child.tag for child in event] == [
        "ToUserName",
        "CreateTime",
        "MsgType",
        "Event",
        "Token",
        "OpenKfId",
    ]
    assert event.findtext("ToUserName") == CORP and event.findtext("OpenKfId") == KF
    assert (event.findtext("MsgType"), event.findtext("Event")) == ("event", "kf_msg_or_event")
    assert event.findtext("Token") == attempt.sync_token
    assert int(event.findtext("CreateTime") or 0) == int(query["timestamp"])
    assert api.messages()[0]["msgid"] == msgid

    # A wrong token or key does not verify.
    with pytest.raises(InvalidSignatureException):
        WeChatCrypto("other", AES_KEY, CORP).decrypt_message(body, *signed)


async def test_url_verification(api: WeComStandin, receiver: Receiver) -> None:
    assert await api.verify_url()
    assert len(receiver.echoes) == 1 and re.fullmatch(r"\d{19}", receiver.echoes[0])
    receiver.echo_suffix = "\n"  # WeCom wants the echostr exactly
    assert not await api.verify_url()
    receiver.echo_suffix, receiver.echo_delay = "", 0.3
    assert not await api.verify_url(timeout=0.2)  # WeCom waits 1 s
    assert await api.verify_url(timeout=1.0)


async def test_sync_msg_pages_with_a_cursor_and_checks_the_token(
    api: WeComStandin, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    token = await token_of(http)
    api.enter_session(COURIER, scene="station7", scene_param="from_poster")
    api.send_text(COURIER, "一")
    api.send_menu_click(COURIER, "menu_injury", "工伤")
    api.send_media(COURIER, "voice")
    api.servicer_send("volunteer_wang", COURIER, "我是志愿者小王")
    await api.wait_for_callbacks()
    assert len(receiver.bodies) == 5
    sync_token = receiver.token_of(4)

    pages, cursor = [], ""
    while True:
        page = await call(http, token, "kf/sync_msg", cursor=cursor, token=sync_token, limit=1000)
        assert page["errcode"] == 0, page
        pages.append(page["msg_list"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert [len(p) for p in pages] == [2, 2, 1]  # page size 2 in these tests
    messages = [m for p in pages for m in p]
    enter, first, click, voice, volunteer = messages
    assert enter["origin"] == 4 and enter["msgtype"] == "event"
    assert enter["event"]["event_type"] == "enter_session"
    assert enter["event"]["scene"] == "station7"
    assert enter["event"]["scene_param"] == "from_poster"
    assert enter["event"]["external_userid"] == COURIER and enter["event"]["welcome_code"]
    assert first["origin"] == 3 and first["text"] == {"content": "一"}
    assert first["open_kfid"] == KF and first["external_userid"] == COURIER
    assert click["text"] == {"content": "工伤", "menu_id": "menu_injury"}
    assert voice["msgtype"] == "voice" and voice["voice"]["media_id"]
    assert volunteer["origin"] == 5 and volunteer["servicer_userid"] == "volunteer_wang"
    assert len({m["msgid"] for m in messages}) == 5

    # Nothing new after the last cursor; a new message comes after it.
    again = await call(http, token, "kf/sync_msg", cursor=cursor, token=sync_token)
    assert (again["msg_list"], again["has_more"]) == ([], 0)
    api.send_text(COURIER, "还在吗")
    newer = await call(http, token, "kf/sync_msg", cursor=cursor, open_kfid=KF)
    assert [m["text"]["content"] for m in newer["msg_list"]] == ["还在吗"]

    # The callback token is good for 10 minutes; a made-up one never; limits are checked.
    assert (await call(http, token, "kf/sync_msg", token="ENCmadeup"))["errcode"] == 95007
    assert (await call(http, token, "kf/sync_msg", limit=1001))["errcode"] == 40058
    assert (await call(http, token, "kf/sync_msg", cursor="garbage!"))["errcode"] == 40058
    assert (await call(http, token, "kf/sync_msg", open_kfid="wkOther"))["errcode"] == 95000
    api.advance(601)  # the first callback's token is 10 minutes old now; a new one is fresh
    await api.deliver_callback()
    assert (await call(http, token, "kf/sync_msg", token=sync_token))["errcode"] == 95007
    assert (await call(http, token, "kf/sync_msg", token=receiver.token_of(-1)))["errcode"] == 0


async def test_sync_msg_per_kf_account_and_recalls(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    token = await token_of(http)
    api.add_kf_account("wkSecondKf")
    first = api.send_text(COURIER, "一", KF)
    api.send_text(COURIER, "二", "wkSecondKf")
    api.send_text(COURIER, "三", "wkSecondKf")
    api.recall(COURIER, first)
    api.send_text(COURIER, "四", "wkSecondKf")
    page = await call(http, token, "kf/sync_msg", open_kfid=KF)
    assert [m.get("text", {}).get("content") for m in page["msg_list"]] == ["一", None]
    assert page["msg_list"][1]["event"] == {
        "event_type": "user_recall_msg",
        "open_kfid": KF,
        "external_userid": COURIER,
        "recall_msgid": first,
    }
    assert page["has_more"] == 0
    second = await call(http, token, "kf/sync_msg", open_kfid="wkSecondKf")
    assert [m["text"]["content"] for m in second["msg_list"]] == ["二", "三"]
    assert second["has_more"] == 1
    rest = await call(
        http, token, "kf/sync_msg", open_kfid="wkSecondKf", cursor=second["next_cursor"]
    )
    assert [m["text"]["content"] for m in rest["msg_list"]] == ["四"] and rest["has_more"] == 0
    # Sessions are per kf account.
    kf2 = {"open_kfid": "wkSecondKf", "external_userid": COURIER}
    assert (await call(http, token, "kf/service_state/get", **kf2))["service_state"] == NEW
    unknown = {"open_kfid": "wkNope", "external_userid": COURIER}
    assert (await call(http, token, "kf/service_state/get", **unknown))["errcode"] == 95000


async def test_five_messages_per_courier_message_within_48_hours(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    token = await token_of(http)
    # Never wrote: no session (state 4), no window.
    refused = await call(http, token, "kf/send_msg", **text("你好"))
    assert refused["errcode"] == ErrCode.SESSION_STATE_INVALID
    api.send_text(COURIER, "在吗")
    answers = [await call(http, token, "kf/send_msg", **text(f"第{i}条")) for i in range(1, 7)]
    assert [a["errcode"] for a in answers] == [0, 0, 0, 0, 0, ErrCode.SEND_COUNT_LIMIT]
    assert api.texts_to(COURIER) == ["第1条", "第2条", "第3条", "第4条", "第5条"]
    assert all(a["msgid"] for a in answers[:5])

    api.send_menu_click(COURIER, "more", "还有")  # a menu click is a courier message too
    assert (await call(http, token, "kf/send_msg", **text("第6条")))["errcode"] == 0
    api.advance(WINDOW_SECONDS - 1)
    stale = await call(http, token, "kf/send_msg", **text("第7条"))
    assert stale["errcode"] == 42001  # the access token did not last 48 hours either
    token = await token_of(http)
    assert (await call(http, token, "kf/send_msg", **text("第7条")))["errcode"] == 0
    api.advance(1)  # 48 hours after the click
    late = await call(http, token, "kf/send_msg", **text("第8条"))
    assert late["errcode"] == ErrCode.SEND_TIME_LIMIT
    api.send_text(COURIER, "我回来了")
    assert (await call(http, token, "kf/send_msg", **text("第8条")))["errcode"] == 0
    assert len(api.sent_to(COURIER)) == 8
    assert [s.via for s in api.sent_to(COURIER)] == ["send_msg"] * 8


async def test_send_msg_content_rules_and_client_msgid(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    token = await token_of(http)
    api.send_text(COURIER, "在吗")
    at_limit = "工" * 682 + "ab"  # 2048 bytes in UTF-8
    assert (await call(http, token, "kf/send_msg", **text(at_limit)))["errcode"] == 0
    over = await call(http, token, "kf/send_msg", **text(at_limit + "c"))
    assert over["errcode"] == ErrCode.CONTENT_TOO_LONG == 45002
    assert (await call(http, token, "kf/send_msg", **text("")))["errcode"] == 44004
    bad_type = {**text("x"), "msgtype": "telepathy"}
    assert (await call(http, token, "kf/send_msg", **bad_type))["errcode"] == 40008
    other_kf = {**text("x"), "open_kfid": "wkNope"}
    assert (await call(http, token, "kf/send_msg", **other_kf))["errcode"] == 95000

    menu = {
        "head_content": "请选择:",
        "list": [
            {"type": "click", "click": {"id": "injury", "content": "工伤"}},
            {"type": "click", "click": {"id": "wages", "content": "欠薪"}},
            {"type": "view", "view": {"url": "https://example.org/a", "content": "说明"}},
        ],
        "tail_content": "也可以直接打字",
    }
    sent_menu = await call(
        http, token, "kf/send_msg", touser=COURIER, open_kfid=KF, msgtype="msgmenu", msgmenu=menu
    )
    assert sent_menu["errcode"] == 0
    last = api.sent_to(COURIER)[-1]
    assert last.menu == [("injury", "工伤"), ("wages", "欠薪")]
    assert last.text == "请选择:\n工伤\n欠薪\n说明\n也可以直接打字"
    long_id = {**menu, "list": [{"type": "click", "click": {"id": "x" * 65, "content": "a"}}]}
    too_long = await call(
        http, token, "kf/send_msg", touser=COURIER, open_kfid=KF, msgtype="msgmenu", msgmenu=long_id
    )
    assert too_long["errcode"] == 45002
    bad_item = {**menu, "list": [{"type": "dance", "dance": {}}]}
    assert (
        await call(
            http,
            token,
            "kf/send_msg",
            touser=COURIER,
            open_kfid=KF,
            msgtype="msgmenu",
            msgmenu=bad_item,
        )
    )["errcode"] == 95009

    # A client msgid: returned as given; the same one again is not sent twice.
    first = await call(http, token, "kf/send_msg", **text("一次"), msgid="reply-42")
    again = await call(http, token, "kf/send_msg", **text("一次"), msgid="reply-42")
    assert first["msgid"] == again["msgid"] == "reply-42"
    assert api.texts_to(COURIER).count("一次") == 1
    bad_id = await call(http, token, "kf/send_msg", **text("x"), msgid="有空格 no")
    assert bad_id["errcode"] == 40058
    assert len(api.sent_to(COURIER)) == 3  # 2048 bytes, the menu, "一次"


async def test_welcome_code_once_within_20_seconds(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    token = await token_of(http)
    api.enter_session(COURIER)
    [event] = api.messages()
    code = event["event"]["welcome_code"]
    welcome = {"code": code, "msgtype": "text", "text": {"content": "欢迎使用暖蜂助手"}}
    assert (await call(http, token, "kf/send_msg_on_event", **welcome))["errcode"] == 0
    used = await call(http, token, "kf/send_msg_on_event", **welcome)
    assert used["errcode"] == ErrCode.INVALID_MSG_TOKEN
    [sent] = api.sent_to(COURIER)
    assert (sent.via, sent.text, sent.code) == ("send_msg_on_event", "欢迎使用暖蜂助手", code)
    # The welcome does not count against send_msg's 5 after the courier writes.
    api.send_text(COURIER, "你好")
    answers = [await call(http, token, "kf/send_msg", **text(str(i))) for i in range(6)]
    assert [a["errcode"] for a in answers] == [0, 0, 0, 0, 0, ErrCode.SEND_COUNT_LIMIT]

    # Within 48 h of a welcome, entering again gives no welcome_code.
    api.enter_session(COURIER)
    assert "welcome_code" not in api.messages()[-1]["event"]
    # Another courier's code expires after 20 s.
    api.enter_session("wmCourierXiaoZhao")
    late_code = api.messages()[-1]["event"]["welcome_code"]
    api.advance(20.5)
    late = {**welcome, "code": late_code}
    assert (await call(http, token, "kf/send_msg_on_event", **late))["errcode"] == 95007
    assert (await call(http, token, "kf/send_msg_on_event", **{**welcome, "code": "x"}))[
        "errcode"
    ] == 95007
    image = {"code": late_code, "msgtype": "image", "image": {"media_id": "m"}}
    assert (await call(http, token, "kf/send_msg_on_event", **image))["errcode"] == 40008
    # Entering and a welcome start no session: send_msg waits for the courier to write.
    waiting = await call(http, token, "kf/send_msg", **text("在吗", "wmCourierXiaoZhao"))
    assert waiting["errcode"] == 95018


async def test_session_states_transitions_and_msg_codes(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    token = await token_of(http)
    api.add_servicer("volunteer_wang")
    api.add_servicer("volunteer_li", active=False)
    kf = {"open_kfid": KF, "external_userid": COURIER}
    api.send_text(COURIER, "我要找人工")
    assert api.service_state(COURIER) == (NEW, "")
    assert (await call(http, token, "kf/send_msg", **text("稍等")))["errcode"] == 0

    queued = await call(http, token, "kf/service_state/trans", **kf, service_state=QUEUED)
    assert queued["errcode"] == 0 and queued["msg_code"]
    got = await call(http, token, "kf/service_state/get", **kf)
    assert (got["service_state"], got["servicer_userid"]) == (QUEUED, "")
    # No send_msg while queued; the msg_code still works, once.
    assert (await call(http, token, "kf/send_msg", **text("x")))["errcode"] == 95018
    reply = {"code": queued["msg_code"], "msgtype": "text", "text": {"content": "已为您转人工"}}
    as_menu = {"code": queued["msg_code"], "msgtype": "msgmenu", "msgmenu": {"list": []}}
    assert (await call(http, token, "kf/send_msg_on_event", **as_menu))["errcode"] == 40008
    api.advance(47 * 3600)  # a queue code lasts 48 hours (the access token does not)
    token = await token_of(http)
    assert (await call(http, token, "kf/send_msg_on_event", **reply))["errcode"] == 0
    assert (await call(http, token, "kf/send_msg_on_event", **reply))["errcode"] == 95007

    back = await call(http, token, "kf/service_state/trans", **kf, service_state=1)
    assert back["errcode"] == ErrCode.TRANSITION_NOT_ALLOWED == 95016
    nobody = await call(http, token, "kf/service_state/trans", **kf, service_state=SERVICER)
    assert nobody["errcode"] == ErrCode.NOT_A_SERVICER
    off_duty = await call(
        http, token, "kf/service_state/trans", **kf, service_state=3, servicer_userid="volunteer_li"
    )
    assert off_duty["errcode"] == 95014
    wang = {"service_state": SERVICER, "servicer_userid": "volunteer_wang"}
    taken = await call(http, token, "kf/service_state/trans", **kf, **wang)
    assert taken["errcode"] == 0 and taken["msg_code"]
    assert api.service_state(COURIER) == (SERVICER, "volunteer_wang")
    assert (await call(http, token, "kf/send_msg", **text("x")))["errcode"] == 95018

    # The servicer ends it in the app: an event with a msg_code for a closing message.
    api.end_session(COURIER)
    event = api.messages()[-1]["event"]
    assert event["event_type"] == "session_status_change" and event["change_type"] == 3
    assert event["old_servicer_userid"] == "volunteer_wang"
    assert api.service_state(COURIER) == (ENDED, "")
    assert (await call(http, token, "kf/send_msg", **text("x")))["errcode"] == 95018
    bye = {"code": event["msg_code"], "msgtype": "text", "text": {"content": "感谢使用"}}
    assert (await call(http, token, "kf/send_msg_on_event", **bye))["errcode"] == 0
    # The code of state 3 is good only while the session is in state 3.
    stale = {"code": taken["msg_code"], "msgtype": "text", "text": {"content": "x"}}
    assert (await call(http, token, "kf/send_msg_on_event", **stale))["errcode"] == 95018
    ended = await call(http, token, "kf/service_state/trans", **kf, service_state=QUEUED)
    assert ended["errcode"] == 95016

    # Writing again starts a new session; taken from the queue by a servicer in the app.
    api.send_text(COURIER, "又是我")
    assert api.service_state(COURIER) == (NEW, "")
    assert (await call(http, token, "kf/service_state/trans", **kf, service_state=2))["msg_code"]
    api.take_from_queue(COURIER, "volunteer_wang")
    taken_event = api.messages()[-1]["event"]
    assert taken_event["change_type"] == 1 and taken_event["msg_code"]
    assert taken_event["new_servicer_userid"] == "volunteer_wang"
    assert api.service_state(COURIER) == (SERVICER, "volunteer_wang")
    assert [s.text for s in api.sent_to(COURIER)] == ["稍等", "已为您转人工", "感谢使用"]

    # A servicer writing into an ended session takes it up again (change_type 4).
    api.end_session(COURIER)
    api.servicer_send("volunteer_li", COURIER, "我再跟进一下")
    message, reentry = api.messages()[-2:]
    assert message["origin"] == 5 and message["servicer_userid"] == "volunteer_li"
    assert reentry["event"]["change_type"] == 4 and "msg_code" not in reentry["event"]
    assert reentry["event"]["new_servicer_userid"] == "volunteer_li"
    assert api.service_state(COURIER) == (SERVICER, "volunteer_li")


async def test_callback_retries_when_the_receiver_is_slow_or_fails(
    api: WeComStandin, receiver: Receiver
) -> None:
    receiver.delays = [1.0, 1.0]  # the first two attempts take longer than 0.5 s
    api.send_text(COURIER, "慢")
    log = await api.wait_for_callbacks()
    assert [(a.attempt, a.status) for a in log] == [(1, None), (2, None), (3, 200)]
    assert all(a.seconds >= 0.45 for a in log[:2])  # each waited out the 0.5 s
    assert "no answer within" in (log[0].error or "")
    assert len({a.sync_token for a in log}) == 1 and len({a.delivery for a in log}) == 1
    assert len(receiver.bodies) == 3 and len({b for _, b in receiver.bodies}) == 1

    receiver.statuses = [500, 500, 500]
    api.send_text(COURIER, "失败")
    log = await api.wait_for_callbacks()
    assert [a.status for a in log[3:]] == [500, 500, 500]  # three attempts in all, then it stops

    api.callback_retry_delay = 0.2
    receiver.statuses = [503]
    api.send_text(COURIER, "再试")
    first, second = (await api.wait_for_callbacks())[-2:]
    assert (first.status, second.status) == (503, 200)
    assert second.started_at - (first.started_at + first.seconds) >= 0.19

    copies = await api.deliver_callback(times=3)
    assert [a.status for a in copies] == [200, 200, 200]
    assert len({a.delivery for a in copies}) == 3 and len({a.sync_token for a in copies}) == 1
    assert len({b for _, b in receiver.bodies[-3:]}) == 1


async def test_add_contact_way_and_staff_notices(
    api: WeComStandin, http: aiohttp.ClientSession
) -> None:
    token = await token_of(http)
    way = await call(http, token, "kf/add_contact_way", open_kfid=KF, scene="station_7-a")
    assert way["errcode"] == 0
    assert re.fullmatch(r"https://work\.weixin\.qq\.com/kf/kfc\w+\?enc_scene=\w+", way["url"])
    assert api.contact_ways == [(KF, "station_7-a", way["url"])]
    assert (await call(http, token, "kf/add_contact_way", open_kfid=KF, scene="站点"))[
        "errcode"
    ] == 40058
    assert (await call(http, token, "kf/add_contact_way", open_kfid=KF, scene="x" * 33))[
        "errcode"
    ] == 40058

    notice = {"touser": "volunteer_wang", "msgtype": "text", "agentid": 1000002}
    sent = await call(http, token, "message/send", **notice, text={"content": "新的求助"})
    assert sent["errcode"] == 0 and sent["invaliduser"] == ""
    long = "长" * 700  # 2100 bytes: WeCom truncates to 2048
    await call(http, token, "message/send", **notice, text={"content": long})
    first, second = await api.wait_for_notices("volunteer_wang", 2, timeout=1)
    assert first.content == "新的求助" and not first.truncated
    assert second.truncated and len(second.content.encode()) <= 2048
    wrong_agent = await call(
        http, token, "message/send", **{**notice, "agentid": 1}, text={"content": "x"}
    )
    assert wrong_agent["errcode"] == 40056


async def test_staff_notices_reach_members_only() -> None:
    body = {"msgtype": "text", "agentid": 1000002, "text": {"content": "x"}}
    async with WeComStandin(corp_id=CORP, secret=SECRET, members=["lead_zhang"]) as api:
        client = aiohttp.ClientSession(base_url=api.root)
        async with client:
            token = await token_of(client)
            some = await call(client, token, "message/send", touser="lead_zhang|ghost", **body)
            none = await call(client, token, "message/send", touser="ghost", **body)
    assert some["errcode"] == 0 and some["invaliduser"] == "ghost"
    assert none["errcode"] == 81013
    assert [n.touser for n in api.notices] == ["lead_zhang"]


async def test_failure_injection_and_delays(api: WeComStandin, http: aiohttp.ClientSession) -> None:
    token = await token_of(http)
    api.send_text(COURIER, "在吗")
    api.fail_next("kf/send_msg", -1)
    api.fail_next("kf/send_msg", 45009)
    codes = [(await call(http, token, "kf/send_msg", **text("x")))["errcode"] for _ in range(3)]
    assert codes == [-1, 45009, 0]
    assert len(api.sent_to(COURIER)) == 1  # the failed ones sent nothing
    api.fail_next("gettoken", 42001)
    async with http.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}) as r:
        assert (await r.json())["errcode"] == 42001

    api.delay("kf/sync_msg", 0.3, times=1)
    started = asyncio.get_running_loop().time()
    await call(http, token, "kf/sync_msg")
    assert asyncio.get_running_loop().time() - started >= 0.3
    started = asyncio.get_running_loop().time()
    await call(http, token, "kf/sync_msg")
    assert asyncio.get_running_loop().time() - started < 0.3


async def test_wait_for_sent(api: WeComStandin, http: aiohttp.ClientSession) -> None:
    token = await token_of(http)
    api.send_text(COURIER, "在吗")

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await call(http, token, "kf/send_msg", **text("在的"))

    task = asyncio.create_task(reply_later())
    [sent] = await api.wait_for_sent(COURIER, 1, timeout=5)
    await task
    assert sent.text == "在的" and sent.touser == COURIER and sent.msgtype == "text"
    with pytest.raises(TimeoutError, match="expected 2 message"):
        await api.wait_for_sent(COURIER, 2, timeout=0.1)


async def test_control_api(api: WeComStandin, http: aiohttp.ClientSession) -> None:
    token = await token_of(http)
    api.add_servicer("volunteer_wang")
    async with http.post(
        "/_control/send_text", json={"external_userid": COURIER, "text": "你好"}
    ) as r:
        msgid = (await r.json())["msgid"]
    assert api.messages()[-1]["msgid"] == msgid
    await call(http, token, "kf/send_msg", **text("您好"))
    async with http.get("/_control/sent", params={"external_userid": COURIER}) as r:
        listed = await r.json()
    assert [(s["text"], s["via"]) for s in listed] == [("您好", "send_msg")]
    for path, extra in [
        ("enter_session", {}),
        ("menu_click", {"menu_id": "m1", "text": "工伤"}),
        ("servicer_send", {"servicer_userid": "volunteer_wang", "text": "我来了"}),
        ("session_end", {}),
    ]:
        async with http.post(f"/_control/{path}", json={"external_userid": COURIER, **extra}) as r:
            assert r.status == 200, path
    async with http.get("/_control/state", params={"external_userid": COURIER}) as r:
        assert (await r.json())["service_state"] == ENDED
    async with http.post("/_control/menu_click", json={"external_userid": COURIER}) as r:
        assert r.status == 400
    await api.wait_for_callbacks()
    async with http.get("/_control/callbacks") as r:
        callbacks = await r.json()
    assert len(callbacks) == 5 and {c["status"] for c in callbacks} == {200}


def test_standalone_mode() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "tests.standin.wecom_api",
        "--port",
        str(port),
        "--corp-id",
        CORP,
        "--secret",
        SECRET,
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert f"127.0.0.1:{port}" in process.stdout.readline()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            got = client.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET})
            token = got.json()["access_token"]
            client.post("/_control/send_text", json={"external_userid": "wm1", "text": "hi"})
            page = client.post(f"/cgi-bin/kf/sync_msg?access_token={token}", json={}).json()
            assert [m["text"]["content"] for m in page["msg_list"]] == ["hi"]
    finally:
        process.terminate()
        process.wait(timeout=10)

"""A local stand-in for the WeCom (企业微信) API used by WeChat customer service (微信客服),
served over real HTTP by aiohttp.

Point the bot's WeCom client at ``api.root`` instead of ``https://qyapi.weixin.qq.com``:
requests then arrive at ``{root}/cgi-bin/...`` as they would at WeCom. It implements the calls
courier-aid uses with WeCom's rules (access tokens that expire, kf/sync_msg paging with an
opaque cursor, the 5-messages-in-48-hours window of kf/send_msg, welcome and message codes
usable once, session states and their transitions, byte limits) and it calls the bot back the
way WeCom does: an encrypted ``kf_msg_or_event`` XML (AES-256-CBC, msg_signature, timestamp,
nonce; encrypted with wechatpy, independently of the bot's own crypto), retried when the bot
does not answer 200 in time::

    async with WeComStandin() as api:
        api.set_callback(f"{bot_url}/wecom/callback", token, aes_key)
        api.send_text("wmCourier1", "你好")        # stored, then the bot is called back
        [reply] = await api.wait_for_sent("wmCourier1", 1)

Use it from the event loop that runs it (it is not thread-safe). Its clock (`now`) is the
wall clock plus an offset that `advance()` moves, so tests can cross 48 hours at once.
Standalone, to drive a real bot by hand through a small control API under ``/_control/``::

    python -m tests.standin.wecom_api --port 8092 --corp-id wwcorp --secret s3cret \\
        --token TOKEN --aes-key <43 chars> --callback http://127.0.0.1:8090/wecom/callback
    curl -X POST localhost:8092/_control/send_text -d '{"external_userid": "wm1", "text": "你好"}'
    curl 'localhost:8092/_control/sent?external_userid=wm1'

POST /_control/ enter_session, send_text, menu_click (menu_id, text), servicer_send
(servicer_userid, text), take (servicer_userid), session_end, each with external_userid;
GET /_control/ sent, state (?external_userid=) and callbacks.

Error codes are WeCom's where its documentation names them; `ErrCode` says which are not.
Where sources differ on a limit (a menu item id: 64 or 128 bytes) the stricter one holds.
Simplifications: one corp and one secret (its token serves kf/* and message/send alike); no
media is kept (any non-empty media_id is accepted; a courier's media gets a fresh one); sync_msg
without a token is never rate-limited; sessions do not end by themselves after 48 hours
(send_msg is refused by the window rule instead); servicers change sessions only when a test
injects their actions (`session_status_change`), kf/service_state/trans produces no event.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import itertools
import json
import re
import secrets
import string
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import aiohttp
from aiohttp import web
from wechatpy.utils import WeChatSigner
from wechatpy.work.crypto import PrpCrypto

JSON = dict[str, Any]

HOUR = 3600.0
#: kf/send_msg may answer a courier's message this long after it, at most `SEND_LIMIT` times.
WINDOW_SECONDS = 48 * HOUR
SEND_LIMIT = 5
#: The Token of a kf_msg_or_event callback is good for kf/sync_msg this long.
SYNC_TOKEN_TTL = 600.0
#: kf/send_msg_on_event codes (documented): each sends one message, within its lifetime, of the
#: types given, and (but for the welcome) only while the session is still in the state that
#: gave the code. Key: the state the code came with (None: enter_session's welcome_code).
CODE_RULES: dict[int | None, tuple[float, frozenset[str]]] = {
    None: (20.0, frozenset({"text", "msgmenu"})),  # welcome
    2: (48 * 3600.0, frozenset({"text"})),  # queued: e.g. "please wait"
    3: (48 * 3600.0, frozenset({"text"})),  # taken by a servicer: e.g. "out of hours"
    4: (20.0, frozenset({"text", "msgmenu"})),  # ended: closing words, a rating
}
WELCOME_CODE_TTL = CODE_RULES[None][0]
TEXT_MAX_BYTES = 2048
MENU_HEAD_TAIL_MAX_BYTES = 1024
MENU_CLICK_ID_MAX_BYTES = 64
MENU_CLICK_CONTENT_MAX_BYTES = 128
MENU_VIEW_URL_MAX_BYTES = 2048
MENU_CONTENT_MAX_BYTES = 1024
MENU_MAX_ITEMS = 10  # an assumption: the docs name an error for too many items, not the number
SYNC_LIMIT_MAX = 1000
SCENE_MAX_BYTES = 32


class ErrCode(IntEnum):
    """The errcodes the stand-in answers. Those marked (assumed) are not confirmed by the
    documentation available when this was written; the rest are WeCom's documented codes."""

    SYSTEM_BUSY = -1
    OK = 0
    INVALID_SECRET = 40001
    INVALID_MEDIA_ID = 40007
    INVALID_MSGTYPE = 40008
    INVALID_CORPID = 40013
    INVALID_ACCESS_TOKEN = 40014
    INVALID_AGENTID = 40056
    INVALID_PARAMETER = 40058
    MISSING_ACCESS_TOKEN = 41001
    ACCESS_TOKEN_EXPIRED = 42001
    EMPTY_TEXT = 44004
    CONTENT_TOO_LONG = 45002  # documented meaning; (assumed) that send_msg refuses, not cuts
    FREQUENCY_LIMIT = 45009
    BAD_JSON = 47001
    ALL_RECEIVERS_INVALID = 81013
    INVALID_OPEN_KFID = 95000
    SEND_COUNT_LIMIT = 95001  # 发送客服消息次数限制: a 6th send_msg after one courier message
    SEND_TIME_LIMIT = 95002  # (assumed) send_msg 48 h or more after the last courier message
    INVALID_MSG_TOKEN = 95007  # sync_msg token unknown or expired; also (assumed) event codes
    MENU_TOO_MANY_ITEMS = 95008
    INVALID_MENU_ITEM_TYPE = 95009
    NOT_A_SERVICER = 95014  # also (assumed) for a servicer who is not on duty
    TRANSITION_NOT_ALLOWED = 95016
    # "send msg session status invalid": send_msg in state 2, 3 or 4; also (assumed) an event
    # code used after the session left the state that gave it.
    SESSION_STATE_INVALID = 95018


_ERRMSG = {
    ErrCode.SYSTEM_BUSY: "system busy",
    ErrCode.INVALID_SECRET: "invalid credential",
    ErrCode.INVALID_MEDIA_ID: "invalid media_id",
    ErrCode.INVALID_MSGTYPE: "invalid message type",
    ErrCode.INVALID_CORPID: "invalid corpid",
    ErrCode.INVALID_ACCESS_TOKEN: "invalid access_token",
    ErrCode.INVALID_AGENTID: "invalid agentid",
    ErrCode.INVALID_PARAMETER: "invalid parameter",
    ErrCode.MISSING_ACCESS_TOKEN: "access_token missing",
    ErrCode.ACCESS_TOKEN_EXPIRED: "access_token expired",
    ErrCode.EMPTY_TEXT: "empty content",
    ErrCode.CONTENT_TOO_LONG: "content size out of limit",
    ErrCode.FREQUENCY_LIMIT: "api freq out of limit",
    ErrCode.BAD_JSON: "data format error",
    ErrCode.ALL_RECEIVERS_INVALID: "all touser invalid",
    ErrCode.INVALID_OPEN_KFID: "invalid open_kfid",
    ErrCode.SEND_COUNT_LIMIT: "send msg count limit",
    ErrCode.SEND_TIME_LIMIT: "send msg time limit",
    ErrCode.INVALID_MSG_TOKEN: "invalid msg token",
    ErrCode.MENU_TOO_MANY_ITEMS: "too many menu items",
    ErrCode.INVALID_MENU_ITEM_TYPE: "invalid menu item type",
    ErrCode.NOT_A_SERVICER: "user is not servicer",
    ErrCode.TRANSITION_NOT_ALLOWED: "service state transition not allowed",
    ErrCode.SESSION_STATE_INVALID: "send msg session status invalid",
}


class WeComError(Exception):
    """An error answer: HTTP 200 with a non-zero errcode, as WeCom answers."""

    def __init__(self, code: int, detail: str = "") -> None:
        self.code = int(code)
        message = _ERRMSG.get(code, "error")  # type: ignore[call-overload]
        self.errmsg = f"{message}{', ' + detail if detail else ''}, hint: [standin]"
        super().__init__(self.errmsg)

    def body(self) -> JSON:
        return {"errcode": self.code, "errmsg": self.errmsg}


def _bad(detail: str) -> WeComError:
    return WeComError(ErrCode.INVALID_PARAMETER, detail)


# Session states (kf/service_state/get): 0 new, 1 by the bot (智能助手), 2 queued for a
# person, 3 with a servicer (人工接待), 4 ended or never started.
NEW, BOT, QUEUED, SERVICER, ENDED = range(5)
_TRANSITIONS: dict[int, frozenset[int]] = {
    NEW: frozenset({BOT, QUEUED, SERVICER, ENDED}),
    BOT: frozenset({QUEUED, SERVICER, ENDED}),
    QUEUED: frozenset({SERVICER, ENDED}),
    SERVICER: frozenset({SERVICER, ENDED}),
    ENDED: frozenset(),
}
# Origins of synced messages.
ORIGIN_COURIER, ORIGIN_EVENT, ORIGIN_SERVICER = 3, 4, 5
MEDIA_KINDS = ("image", "voice", "file", "video")
_SEND_MSGTYPES = frozenset(
    ("text", "image", "voice", "video", "file", "link", "miniprogram", "msgmenu", "location")
)
_MSGID = re.compile(r"[0-9a-zA-Z_-]{1,32}")
_SCENE = re.compile(r"[0-9a-zA-Z_-]{0,32}")


@dataclass(frozen=True)
class Call:
    """One API request: path under /cgi-bin/ (e.g. "kf/send_msg"), query (access_token left
    out), JSON body (None for GET), arrival time (time.monotonic()), the body answered."""

    path: str
    query: dict[str, str]
    body: JSON | None
    at: float
    response: JSON

    @property
    def errcode(self) -> int:
        return int(self.response.get("errcode", 0))

    @property
    def ok(self) -> bool:
        return self.errcode == 0


@dataclass(frozen=True)
class Sent:
    """A message the bot sent to a courier: by kf/send_msg or kf/send_msg_on_event (`via`).
    `text` is the text content, or for a msgmenu its head, item contents and tail, one per
    line; `at` is the stand-in's clock (`now()`)."""

    via: str
    touser: str
    open_kfid: str
    msgtype: str
    body: JSON
    text: str | None
    msgid: str
    at: float
    code: str | None = None

    @property
    def menu(self) -> list[tuple[str, str]]:
        """(id, content) of the click items of a msgmenu, in order."""
        if self.msgtype != "msgmenu":
            return []
        items = self.body.get("msgmenu", {}).get("list", [])
        return [
            (str(item["click"]["id"]), str(item["click"]["content"]))
            for item in items
            if item.get("type") == "click"
        ]


@dataclass(frozen=True)
class Notice:
    """An application message (message/send) to one staff member."""

    touser: str
    agentid: int
    content: str
    truncated: bool
    msgid: str
    at: float


@dataclass(frozen=True)
class CallbackAttempt:
    """One POST of a kf_msg_or_event callback. `delivery` numbers the callback (retries and
    `deliver_callback(times=n)` copies share one body); `status` is None when the bot did not
    answer in time or the connection failed (`error` says which)."""

    delivery: int
    attempt: int
    open_kfid: str
    sync_token: str
    started_at: float  # time.monotonic()
    seconds: float
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Session:
    """A courier's conversation with one kf account."""

    open_kfid: str
    external_userid: str
    state: int = ENDED
    servicer_userid: str = ""
    window_start: float | None = None  # the last courier message
    sends_in_window: int = 0
    last_welcome_at: float | None = None
    last_sent_at: float | None = None
    reached: set[int] = field(default_factory=set)  # states 2 and 3 reached in this session


@dataclass
class _EventCode:
    state: int | None  # the state it was issued for (None: a welcome_code)
    open_kfid: str
    external_userid: str
    issued_at: float
    used: bool = False


@dataclass
class _Token:
    value: str
    expires_at: float
    revoked: bool = False


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _str(p: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = p.get(key)
    if value is None or value == "":
        if required:
            raise _bad(f"missing {key}")
        return ""
    if not isinstance(value, str):
        raise _bad(f"{key} must be a string")
    return value


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


_ALNUM = string.ascii_letters + string.digits


def _json_response(body: Any, status: int = 200) -> web.Response:
    text = json.dumps(body, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


def _cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>"


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """msg_signature as WeCom computes it (wechatpy's signer: SHA-1 of the sorted strings)."""
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, encrypt)
    return str(signer.signature)


def encrypt(
    plain: str, token: str, encoding_aes_key: str, receive_id: str, timestamp: str, nonce: str
) -> tuple[str, str]:
    """(Encrypt, msg_signature) for `plain`, by wechatpy's WeCom crypto: AES-256-CBC with the
    key Base64_Decode(EncodingAESKey + "="), of random(16) + msg_len + msg + receiveid."""
    key = base64.b64decode(encoding_aes_key + "=")
    encrypted = PrpCrypto(key).encrypt(plain, receive_id).decode()
    return encrypted, sign(token, timestamp, nonce, encrypted)


class WeComStandin:
    """WeCom's API for one corp on `host` and `port` (0: a free port, see `root`), with one kf
    account `open_kfid` to start with (add others with `add_kf_account`).

    A callback that is not answered 200 within `callback_timeout` seconds is sent again, up
    to `callback_attempts` times in all (WeCom: 5 s, 3), `callback_retry_delay` apart.
    `members`: the corp's userids that message/send may reach (None: any userid). `clock`:
    the wall clock to add `advance()`'s offset to (default time.time)."""

    def __init__(
        self,
        *,
        corp_id: str = "wwstandin0corp01",
        secret: str = "standin-secret",
        agent_id: int = 1000002,
        open_kfid: str = "wkStandinKf0000001",
        token_ttl: int = 7200,
        sync_page_size: int = SYNC_LIMIT_MAX,
        callback_timeout: float = 5.0,
        callback_attempts: int = 3,
        callback_retry_delay: float = 0.0,
        members: Iterable[str] | None = None,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = agent_id
        self.open_kfid = open_kfid
        self.token_ttl = token_ttl
        self.sync_page_size = sync_page_size
        self.callback_timeout = callback_timeout
        self.callback_attempts = callback_attempts
        self.callback_retry_delay = callback_retry_delay
        self.members: set[str] | None = None if members is None else set(members)
        self.host = host
        self.port = port
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.notices: list[Notice] = []
        self.callback_log: list[CallbackAttempt] = []
        #: (open_kfid, scene, url) for each kf/add_contact_way.
        self.contact_ways: list[tuple[str, str, str]] = []
        #: Every access_token gettoken issued (a repeated gettoken while one is valid returns
        #: the same token and adds nothing here).
        self.tokens_issued: list[str] = []
        self.kf_accounts: set[str] = {open_kfid}
        self.servicers: dict[str, dict[str, bool]] = {open_kfid: {}}  # userid -> on duty
        #: external_userid -> unionid, for a corp bound to an open platform (customer/batchget).
        self.unionids: dict[str, str] = {}
        self._clock = clock
        self._offset = 0.0
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._callback: tuple[str, str, str, str] | None = None  # url, token, aes key, corp id
        self._messages: list[JSON] = []  # every message sync_msg can return, in order
        self._sessions: dict[tuple[str, str], Session] = {}
        self._codes: dict[str, _EventCode] = {}
        self._sync_tokens: dict[str, float] = {}  # token -> expires at
        self._tokens: dict[str, _Token] = {}
        self._current_token: _Token | None = None
        self._client_msgids: dict[str, str] = {}  # msgid given to send_msg -> same
        self._failures: defaultdict[str, deque[int]] = defaultdict(deque)
        self._delays: dict[str, tuple[float, int | None]] = {}
        self._calls_by_path: defaultdict[str, list[Call]] = defaultdict(list)
        self._sent_by_user: defaultdict[str, list[Sent]] = defaultdict(list)
        self._deliveries = itertools.count(1)
        self._msg_counter = itertools.count(1)
        self._tasks: set[asyncio.Task[list[CallbackAttempt]]] = set()
        self._changed = asyncio.Event()
        self._handlers: dict[str, Callable[[JSON], JSON]] = {
            "kf/sync_msg": self._sync_msg,
            "kf/send_msg": self._send_msg,
            "kf/send_msg_on_event": self._send_msg_on_event,
            "kf/service_state/get": self._service_state_get,
            "kf/service_state/trans": self._service_state_trans,
            "kf/add_contact_way": self._add_contact_way,
            "kf/customer/batchget": self._customer_batchget,
            "message/send": self._message_send,
        }

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def root(self) -> str:
        """``http://host:port``; the API is under ``{root}/cgi-bin/``."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_route("*", "/cgi-bin/{path:.+}", self._handle)
        for name in ("enter_session", "send_text", "menu_click", "servicer_send"):
            app.router.add_post(f"/_control/{name}", self._control_inject)
        app.router.add_post("/_control/session_end", self._control_inject)
        app.router.add_post("/_control/take", self._control_inject)
        app.router.add_get("/_control/sent", self._control_sent)
        app.router.add_get("/_control/state", self._control_state)
        app.router.add_get("/_control/callbacks", self._control_callbacks)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])
        self._client = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Cancel callbacks still being delivered and close the server."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> WeComStandin:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- clock, configuration ----------------------------------------------------------------

    def now(self) -> float:
        """The stand-in's time (Unix seconds): `clock()` plus what `advance()` added."""
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the stand-in's clock forward (tokens, codes and the 48 h window follow it)."""
        self._offset += seconds

    def set_callback(
        self, url: str, token: str, encoding_aes_key: str, corp_id: str | None = None
    ) -> None:
        """Where and how to call the bot back (回调配置: URL, Token, EncodingAESKey; the
        receiveid inside each encrypted message is `corp_id`, default the stand-in's)."""
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey has 43 characters")
        self._callback = (url, token, encoding_aes_key, corp_id or self.corp_id)

    def add_kf_account(self, open_kfid: str) -> None:
        self.kf_accounts.add(open_kfid)
        self.servicers.setdefault(open_kfid, {})

    def add_servicer(
        self, userid: str, *, open_kfid: str | None = None, active: bool = True
    ) -> None:
        """A member who serves the kf account (接待人员); `active`: on duty (正在接待)."""
        self.servicers[open_kfid or self.open_kfid][userid] = active
        if self.members is not None:
            self.members.add(userid)

    def set_servicer_active(
        self, userid: str, active: bool, *, open_kfid: str | None = None
    ) -> None:
        kf = open_kfid or self.open_kfid
        if userid not in self.servicers[kf]:
            raise ValueError(f"{userid} is not a servicer of {kf}")
        self.servicers[kf][userid] = active

    def expire_tokens(self) -> None:
        """Every access_token issued so far expires now (calls with it get 42001)."""
        for token in self._tokens.values():
            token.revoked = True
        self._current_token = None

    def fail_next(self, path: str, errcode: int, times: int = 1) -> None:
        """The next `times` calls of `path` ("gettoken", "kf/send_msg", ...) answer `errcode`
        without doing anything (e.g. 42001, -1 system busy, 45009 frequency)."""
        self._failures[path.strip("/")].extend([errcode] * times)

    def delay(self, path: str, seconds: float, times: int | None = None) -> None:
        """Answer calls of `path` `seconds` late (the next `times` calls; None: all)."""
        self._delays[path.strip("/")] = (seconds, times)

    # --- the courier side (each returns the msgid and calls the bot back) ---------------------

    def enter_session(
        self,
        external_userid: str,
        open_kfid: str | None = None,
        *,
        scene: str = "",
        scene_param: str | None = None,
    ) -> str:
        """The courier opens the chat (from a contact-way link: `scene`, `scene_param`). The
        event carries a welcome_code (20 s, once) if the courier got no welcome and no message
        in the last 48 hours, as WeCom decides."""
        session = self._session(external_userid, open_kfid)
        now = self.now()
        event: JSON = {
            "event_type": "enter_session",
            "open_kfid": session.open_kfid,
            "external_userid": external_userid,
            "scene": scene,
        }
        if scene_param is not None:
            event["scene_param"] = scene_param
        recent = [t for t in (session.last_welcome_at, session.last_sent_at) if t is not None]
        if not any(now - t < WINDOW_SECONDS for t in recent):
            code = self._new_code(None, session)
            event["welcome_code"] = code
            session.last_welcome_at = now
        return self._add_event(session, event)

    def send_text(
        self, external_userid: str, text: str, open_kfid: str | None = None, *, menu_id: str = ""
    ) -> str:
        """A text from the courier (origin 3): opens or renews the 48-hour window."""
        content: JSON = {"content": text}
        if menu_id:
            content["menu_id"] = menu_id
        return self._courier_message(
            external_userid, open_kfid, {"msgtype": "text", "text": content}
        )

    def send_menu_click(
        self, external_userid: str, menu_id: str, text: str, open_kfid: str | None = None
    ) -> str:
        """The courier taps a click item of a menu message: a text with text.menu_id."""
        return self.send_text(external_userid, text, open_kfid, menu_id=menu_id)

    def send_media(self, external_userid: str, kind: str, open_kfid: str | None = None) -> str:
        """An image, voice, file or video from the courier, with a fresh media_id."""
        if kind not in MEDIA_KINDS:
            raise ValueError(f"kind is one of {MEDIA_KINDS}")
        media_id = f"{kind}_{_random(_ALNUM, 24)}"
        return self._courier_message(
            external_userid, open_kfid, {"msgtype": kind, kind: {"media_id": media_id}}
        )

    def servicer_send(
        self, servicer_userid: str, external_userid: str, text: str, open_kfid: str | None = None
    ) -> str:
        """A volunteer's message to the courier from the WeCom app (origin 5). In an ended
        session it takes the session up again, as WeCom does: state 3 and a
        session_status_change event of type 4 after the message."""
        session = self._session(external_userid, open_kfid)
        message = {
            **self._message_head(session, ORIGIN_SERVICER),
            "servicer_userid": servicer_userid,
            "msgtype": "text",
            "text": {"content": text},
        }
        msgid = self._store(message, session.open_kfid)
        if session.state == ENDED:
            self.session_status_change(
                external_userid, 4, new_servicer_userid=servicer_userid, open_kfid=open_kfid
            )
        return msgid

    def session_status_change(
        self,
        external_userid: str,
        change_type: int,
        *,
        new_servicer_userid: str = "",
        old_servicer_userid: str = "",
        open_kfid: str | None = None,
    ) -> str:
        """A servicer acts in the WeCom app: 1 takes the session from the queue, 2 transfers it
        to `new_servicer_userid`, 3 ends it, 4 takes up an ended or transferred session again.
        Types 1 and 3 carry a msg_code (once) for a reply or closing message by
        kf/send_msg_on_event."""
        session = self._session(external_userid, open_kfid)
        event: JSON = {
            "event_type": "session_status_change",
            "open_kfid": session.open_kfid,
            "external_userid": external_userid,
            "change_type": change_type,
        }
        if change_type in (1, 2, 4):
            if not new_servicer_userid:
                raise ValueError("change_type 1, 2 and 4 need new_servicer_userid")
            event["new_servicer_userid"] = new_servicer_userid
        if change_type in (2, 3):
            old = old_servicer_userid or session.servicer_userid
            event["old_servicer_userid"] = old
        if change_type in (1, 2, 4):
            session.state, session.servicer_userid = SERVICER, new_servicer_userid
            session.reached.add(SERVICER)
        elif change_type == 3:
            session.state, session.servicer_userid = ENDED, ""
        else:
            raise ValueError("change_type is 1, 2, 3 or 4")
        if change_type in (1, 3):
            event["msg_code"] = self._new_code(session.state, session)
        return self._add_event(session, event)

    def recall(self, external_userid: str, msgid: str, open_kfid: str | None = None) -> str:
        """The courier recalls (撤回) one of their messages: a user_recall_msg event."""
        session = self._session(external_userid, open_kfid)
        event = {
            "event_type": "user_recall_msg",
            "open_kfid": session.open_kfid,
            "external_userid": external_userid,
            "recall_msgid": msgid,
        }
        return self._add_event(session, event)

    def take_from_queue(self, external_userid: str, servicer_userid: str) -> str:
        return self.session_status_change(external_userid, 1, new_servicer_userid=servicer_userid)

    def end_session(self, external_userid: str) -> str:
        return self.session_status_change(external_userid, 3)

    async def deliver_callback(
        self, open_kfid: str | None = None, *, times: int = 1
    ) -> list[CallbackAttempt]:
        """Call the bot back now, `times` times with the same body (one fresh sync token),
        each with WeCom's retries; the attempts, in order."""
        kf = open_kfid or self.open_kfid
        body = self._callback_body(kf)
        attempts: list[CallbackAttempt] = []
        for _ in range(times):
            attempts += await self._deliver(next(self._deliveries), kf, *body)
        return attempts

    async def verify_url(self, timeout: float = 1.0) -> bool:
        """WeCom's check when the callback URL is saved: a GET with an encrypted echostr; the
        bot must answer the decrypted echostr exactly (no quotes, BOM or newline) within
        `timeout` (WeCom: 1 s). True if it did."""
        url, token, aes_key, receive_id = self._require_callback()
        echo = _random(string.digits, 19)
        timestamp, nonce = str(int(self.now())), _random(string.digits, 10)
        encrypted, signature = encrypt(echo, token, aes_key, receive_id, timestamp, nonce)
        params = {
            "msg_signature": signature,
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": encrypted,
        }
        assert self._client is not None, "start the stand-in first"
        try:
            limit = aiohttp.ClientTimeout(total=timeout)
            async with self._client.get(url, params=params, timeout=limit) as response:
                return response.status == 200 and await response.read() == echo.encode()
        except (TimeoutError, aiohttp.ClientError):
            return False

    # --- observation ------------------------------------------------------------------------

    def sent_to(self, external_userid: str) -> list[Sent]:
        """What kf/send_msg and kf/send_msg_on_event delivered to the courier, in order."""
        return list(self._sent_by_user.get(external_userid, []))

    def texts_to(self, external_userid: str) -> list[str | None]:
        return [sent.text for sent in self.sent_to(external_userid)]

    def notices_to(self, userid: str) -> list[Notice]:
        return [notice for notice in self.notices if notice.touser == userid]

    def calls_to(self, path: str) -> list[Call]:
        return list(self._calls_by_path.get(path.strip("/"), []))

    @property
    def gettoken_calls(self) -> int:
        return len(self.calls_to("gettoken"))

    def service_state(self, external_userid: str, open_kfid: str | None = None) -> tuple[int, str]:
        """(service_state, servicer_userid) of the courier's session."""
        session = self._session(external_userid, open_kfid)
        return session.state, session.servicer_userid

    def session(self, external_userid: str, open_kfid: str | None = None) -> Session:
        return self._session(external_userid, open_kfid)

    def messages(self, open_kfid: str | None = None) -> list[JSON]:
        """Every message kf/sync_msg can return (courier's, events, servicers'), in order."""
        if open_kfid is None:
            return list(self._messages)
        return [m for m in self._messages if _kf_of(m) == open_kfid]

    async def wait_for_sent(
        self, external_userid: str, count: int, timeout: float = 10.0
    ) -> list[Sent]:
        """Wait until at least `count` messages were sent to the courier; all of them."""
        sent = self._sent_by_user[external_userid]

        def describe() -> str:
            refused = [
                f"{c.path}→{c.errcode}"
                for c in self.calls
                if not c.ok and c.body and external_userid in (c.body.get("touser"), None)
            ]
            return (
                f"expected {count} message(s) to {external_userid} within {timeout}s, got "
                f"{len(sent)}: {[s.text for s in sent]}; refused calls: {refused[-10:]}"
            )

        await self._wait(lambda: len(sent) >= count, timeout, describe)
        return list(sent)

    async def wait_for_notices(
        self, userid: str, count: int, timeout: float = 10.0
    ) -> list[Notice]:
        """Wait until at least `count` application messages reached the staff member."""

        def describe() -> str:
            got = [n.content for n in self.notices_to(userid)]
            return f"expected {count} notice(s) to {userid} within {timeout}s, got {got}"

        await self._wait(lambda: len(self.notices_to(userid)) >= count, timeout, describe)
        return self.notices_to(userid)

    async def wait_for_callbacks(self, timeout: float = 10.0) -> list[CallbackAttempt]:
        """Wait until every callback under way was delivered (or gave up); the whole log."""
        deadline = time.monotonic() + timeout
        while self._tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._tasks)} callback(s) still under way")
            await asyncio.wait(set(self._tasks), timeout=remaining)
        return list(self.callback_log)

    # --- HTTP -------------------------------------------------------------------------------

    async def _gettoken(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        at = time.monotonic()
        try:
            await self._before("gettoken")
            if query.get("corpid") != self.corp_id:
                raise WeComError(ErrCode.INVALID_CORPID)
            if query.get("corpsecret") != self.secret:
                raise WeComError(ErrCode.INVALID_SECRET)
            now = self.now()
            current = self._current_token
            if current is None or current.revoked or current.expires_at <= now:
                current = _Token(_random(_ALNUM + "-_", 64), now + self.token_ttl)
                self._tokens[current.value] = current
                self._current_token = current
                self.tokens_issued.append(current.value)
            expires_in = max(0, round(current.expires_at - now))
            body: JSON = {
                "errcode": 0,
                "errmsg": "ok",
                "access_token": current.value,
                "expires_in": expires_in,
            }
        except WeComError as error:
            body = error.body()
        query.pop("corpsecret", None)
        self._record(Call("gettoken", query, None, at, body))
        return _json_response(body)

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"].strip("/")
        query = dict(request.query)
        access_token = query.pop("access_token", "")
        at = time.monotonic()
        body: JSON | None = None
        try:
            await self._before(path)
            self._check_token(access_token)
            handler = self._handlers.get(path)
            if handler is None:
                self._record(Call(path, query, None, at, {"errcode": 404}))
                return _json_response({"errcode": 404, "errmsg": "not found"}, 404)
            if request.method != "POST":
                raise _bad("POST the parameters as JSON")
            try:
                parsed = json.loads(await request.text())
            except ValueError:
                raise WeComError(ErrCode.BAD_JSON) from None
            if not isinstance(parsed, dict):
                raise WeComError(ErrCode.BAD_JSON)
            body = parsed
            answer = {"errcode": 0, "errmsg": "ok", **handler(parsed)}
        except WeComError as error:
            answer = error.body()
        self._record(Call(path, query, body, at, answer))
        return _json_response(answer)

    async def _before(self, path: str) -> None:
        """Injected delay, then injected failure (raised)."""
        if path in self._delays:
            seconds, times = self._delays[path]
            if times is not None:
                if times <= 1:
                    del self._delays[path]
                else:
                    self._delays[path] = (seconds, times - 1)
            await asyncio.sleep(seconds)
        queued = self._failures.get(path)
        if queued:
            raise WeComError(queued.popleft(), "injected")

    def _check_token(self, value: str) -> None:
        if not value:
            raise WeComError(ErrCode.MISSING_ACCESS_TOKEN)
        token = self._tokens.get(value)
        if token is None:
            raise WeComError(ErrCode.INVALID_ACCESS_TOKEN)
        if token.revoked or token.expires_at <= self.now():
            raise WeComError(ErrCode.ACCESS_TOKEN_EXPIRED)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._calls_by_path[call.path].append(call)
        self._notify()

    # --- API methods ------------------------------------------------------------------------

    def _sync_msg(self, p: JSON) -> JSON:
        token = p.get("token") or ""
        if token:
            expires_at = self._sync_tokens.get(str(token))
            if expires_at is None or expires_at <= self.now():
                raise WeComError(ErrCode.INVALID_MSG_TOKEN)
        limit = p.get("limit", SYNC_LIMIT_MAX)
        if not isinstance(limit, int) or not 1 <= limit <= SYNC_LIMIT_MAX:
            raise _bad(f"limit is 1..{SYNC_LIMIT_MAX}")
        open_kfid = p.get("open_kfid") or None
        if open_kfid is not None and open_kfid not in self.kf_accounts:
            raise WeComError(ErrCode.INVALID_OPEN_KFID)
        if p.get("voice_format", 0) not in (0, 1):
            raise _bad("voice_format is 0 (amr) or 1 (silk)")
        position = _decode_cursor(p.get("cursor") or "")
        page_size = min(limit, self.sync_page_size)
        found: list[JSON] = []
        while position < len(self._messages) and len(found) < page_size:
            message = self._messages[position]
            position += 1
            if open_kfid is None or _kf_of(message) == open_kfid:
                found.append(message)
        has_more = any(
            open_kfid is None or _kf_of(m) == open_kfid for m in self._messages[position:]
        )
        return {
            "next_cursor": _encode_cursor(position),
            "has_more": int(has_more),
            "msg_list": [json.loads(json.dumps(m)) for m in found],
        }

    def _send_msg(self, p: JSON) -> JSON:
        touser, open_kfid = _str(p, "touser"), _str(p, "open_kfid")
        msgid = _str(p, "msgid", required=False)
        if msgid and not _MSGID.fullmatch(msgid):
            raise _bad("msgid: at most 32 of [0-9a-zA-Z_-]")
        if open_kfid not in self.kf_accounts:
            raise WeComError(ErrCode.INVALID_OPEN_KFID)
        if msgid and msgid in self._client_msgids:
            return {"msgid": msgid}  # sent already: not again
        msgtype, text = self._check_message(p)
        session = self._session(touser, open_kfid)
        if session.state in (QUEUED, SERVICER, ENDED):
            raise WeComError(ErrCode.SESSION_STATE_INVALID, f"service_state {session.state}")
        now = self.now()
        if session.window_start is None or now - session.window_start >= WINDOW_SECONDS:
            raise WeComError(ErrCode.SEND_TIME_LIMIT)
        if session.sends_in_window >= SEND_LIMIT:
            raise WeComError(ErrCode.SEND_COUNT_LIMIT)
        session.sends_in_window += 1
        msgid = msgid or self._new_msgid()
        if p.get("msgid"):
            self._client_msgids[msgid] = msgid
        self._record_sent(Sent("send_msg", touser, open_kfid, msgtype, p, text, msgid, now))
        return {"msgid": msgid}

    def _send_msg_on_event(self, p: JSON) -> JSON:
        value = _str(p, "code")
        msgid = _str(p, "msgid", required=False)
        if msgid and not _MSGID.fullmatch(msgid):
            raise _bad("msgid: at most 32 of [0-9a-zA-Z_-]")
        msgtype, text = self._check_message(p, allowed=("text", "msgmenu"))
        code = self._codes.get(value)
        now = self.now()
        if code is None or code.used or now - code.issued_at > CODE_RULES[code.state][0]:
            raise WeComError(ErrCode.INVALID_MSG_TOKEN, "code invalid, used or expired")
        if msgtype not in CODE_RULES[code.state][1]:
            raise WeComError(
                ErrCode.INVALID_MSGTYPE, f"this code sends {CODE_RULES[code.state][1]}"
            )
        state = self._session(code.external_userid, code.open_kfid).state
        if code.state is not None and state != code.state:
            raise WeComError(
                ErrCode.SESSION_STATE_INVALID, f"code of state {code.state}, now {state}"
            )
        code.used = True  # the 5-message count of send_msg is untouched
        msgid = msgid or self._new_msgid()
        sent = Sent(
            "send_msg_on_event",
            code.external_userid,
            code.open_kfid,
            msgtype,
            p,
            text,
            msgid,
            now,
            code=value,
        )
        self._record_sent(sent)
        return {"msgid": msgid}

    def _customer_batchget(self, p: JSON) -> JSON:
        """Couriers' basic information; `unionid` only when the corp is bound to an open
        platform (here: when the test put one in `unionids`)."""
        ids = [str(i) for i in p.get("external_userid_list") or []]
        if not 1 <= len(ids) <= 100:
            raise _bad("external_userid_list must hold 1-100 ids")
        known = {ext for (_kf, ext) in self._sessions}
        customers = []
        for ext in ids:
            if ext not in known:
                continue
            customer: JSON = {"external_userid": ext, "nickname": "快递小哥", "gender": 0}
            if ext in self.unionids:
                customer["unionid"] = self.unionids[ext]
            customers.append(customer)
        return {
            "customer_list": customers,
            "invalid_external_userid": [i for i in ids if i not in known],
        }

    def _service_state_get(self, p: JSON) -> JSON:
        session = self._session_param(p)
        return {"service_state": session.state, "servicer_userid": session.servicer_userid}

    def _service_state_trans(self, p: JSON) -> JSON:
        session = self._session_param(p)
        target = p.get("service_state")
        if not isinstance(target, int) or target not in _TRANSITIONS:
            raise _bad("service_state is 0..4")
        servicer = _str(p, "servicer_userid", required=False)
        if target not in _TRANSITIONS[session.state]:
            raise WeComError(ErrCode.TRANSITION_NOT_ALLOWED, f"{session.state} -> {target}")
        if target == SERVICER:
            on_duty = self.servicers[session.open_kfid].get(servicer) if servicer else None
            if not on_duty:
                raise WeComError(ErrCode.NOT_A_SERVICER, f"{servicer!r} is not serving")
            if session.state == SERVICER and servicer == session.servicer_userid:
                raise WeComError(ErrCode.TRANSITION_NOT_ALLOWED, "same servicer")
        answer: JSON = {}
        if (target in (QUEUED, SERVICER) and target not in session.reached) or target == ENDED:
            answer["msg_code"] = self._new_code(target, session)
        session.reached.add(target)
        session.state = target
        session.servicer_userid = servicer if target == SERVICER else ""
        return answer

    def _add_contact_way(self, p: JSON) -> JSON:
        open_kfid = _str(p, "open_kfid")
        if open_kfid not in self.kf_accounts:
            raise WeComError(ErrCode.INVALID_OPEN_KFID)
        scene = _str(p, "scene", required=False)
        if not _SCENE.fullmatch(scene):
            raise _bad("scene: at most 32 of [0-9a-zA-Z_-]")
        kf_code = hashlib.sha1(open_kfid.encode()).hexdigest()[:18]
        url = f"https://work.weixin.qq.com/kf/kfc{kf_code}"
        if scene:
            enc = base64.urlsafe_b64encode(scene.encode()).decode().rstrip("=")
            url += f"?enc_scene=ENC{enc}"
        self.contact_ways.append((open_kfid, scene, url))
        return {"url": url}

    def _message_send(self, p: JSON) -> JSON:
        if p.get("agentid") != self.agent_id:
            raise WeComError(ErrCode.INVALID_AGENTID)
        if p.get("msgtype") != "text":
            raise WeComError(ErrCode.INVALID_MSGTYPE, "the stand-in sends text only")
        text = p.get("text")
        content = text.get("content") if isinstance(text, dict) else None
        if not isinstance(content, str) or not content:
            raise WeComError(ErrCode.EMPTY_TEXT)
        raw = content.encode("utf-8")
        truncated = len(raw) > TEXT_MAX_BYTES  # WeCom truncates, it does not refuse
        if truncated:
            content = raw[:TEXT_MAX_BYTES].decode("utf-8", "ignore")
        touser = _str(p, "touser")
        users = [u for u in touser.split("|") if u]
        if touser == "@all":
            users = sorted(self.members or [])
        valid = [u for u in users if self.members is None or u in self.members]
        invalid = [u for u in users if u not in valid]
        if not valid:
            raise WeComError(ErrCode.ALL_RECEIVERS_INVALID)
        msgid = self._new_msgid()
        now = self.now()
        for user in valid:
            self.notices.append(Notice(user, self.agent_id, content, truncated, msgid, now))
        self._notify()
        return {
            "invaliduser": "|".join(invalid),
            "invalidparty": "",
            "invalidtag": "",
            "unlicenseduser": "",
            "msgid": msgid,
        }

    # --- message rules ----------------------------------------------------------------------

    def _check_message(
        self, p: JSON, allowed: Iterable[str] = _SEND_MSGTYPES
    ) -> tuple[str, str | None]:
        """The msgtype and the text to record; WeComError if the content breaks a rule."""
        msgtype = p.get("msgtype")
        if not isinstance(msgtype, str) or msgtype not in allowed:
            raise WeComError(ErrCode.INVALID_MSGTYPE)
        content = p.get(msgtype)
        if not isinstance(content, dict):
            raise _bad(f"missing {msgtype}")
        if msgtype == "text":
            text = content.get("content")
            if not isinstance(text, str) or not text:
                raise WeComError(ErrCode.EMPTY_TEXT)
            if _bytes(text) > TEXT_MAX_BYTES:
                raise WeComError(
                    ErrCode.CONTENT_TOO_LONG, f"{_bytes(text)} bytes > {TEXT_MAX_BYTES}"
                )
            return msgtype, text
        if msgtype == "msgmenu":
            return msgtype, _check_menu(content)
        if msgtype in MEDIA_KINDS:
            if not content.get("media_id"):
                raise WeComError(ErrCode.INVALID_MEDIA_ID)
            return msgtype, None
        if msgtype == "link":
            for key in ("title", "url", "thumb_media_id"):
                _str(content, key)
            return msgtype, str(content["title"])
        return msgtype, None

    # --- helpers ----------------------------------------------------------------------------

    def _session(self, external_userid: str, open_kfid: str | None) -> Session:
        kf = open_kfid or self.open_kfid
        if kf not in self.kf_accounts:
            raise ValueError(f"unknown kf account {kf}")
        key = (kf, external_userid)
        if key not in self._sessions:
            self._sessions[key] = Session(kf, external_userid)
        return self._sessions[key]

    def _session_param(self, p: JSON) -> Session:
        open_kfid, external_userid = _str(p, "open_kfid"), _str(p, "external_userid")
        if open_kfid not in self.kf_accounts:
            raise WeComError(ErrCode.INVALID_OPEN_KFID)
        return self._session(external_userid, open_kfid)

    def _new_code(self, state: int | None, session: Session) -> str:
        value = _random(_ALNUM, 43)
        self._codes[value] = _EventCode(
            state, session.open_kfid, session.external_userid, self.now()
        )
        return value

    def _new_msgid(self) -> str:
        return f"standin_{next(self._msg_counter)}_{_random(_ALNUM, 12)}"

    def _message_head(self, session: Session, origin: int) -> JSON:
        return {
            "msgid": self._new_msgid(),
            "open_kfid": session.open_kfid,
            "external_userid": session.external_userid,
            "send_time": int(self.now()),
            "origin": origin,
        }

    def _courier_message(self, external_userid: str, open_kfid: str | None, content: JSON) -> str:
        session = self._session(external_userid, open_kfid)
        session.window_start, session.sends_in_window = self.now(), 0
        if session.state == ENDED:  # a new consultation
            session.state, session.servicer_userid, session.reached = NEW, "", set()
        message = {**self._message_head(session, ORIGIN_COURIER), **content}
        return self._store(message, session.open_kfid)

    def _add_event(self, session: Session, event: JSON) -> str:
        message = {
            "msgid": self._new_msgid(),
            "send_time": int(self.now()),
            "origin": ORIGIN_EVENT,
            "msgtype": "event",
            "event": event,
        }
        return self._store(message, session.open_kfid)

    def _store(self, message: JSON, open_kfid: str) -> str:
        self._messages.append(message)
        self._notify()
        if self._callback is not None and self._client is not None:
            body = self._callback_body(open_kfid)
            task = asyncio.ensure_future(self._deliver(next(self._deliveries), open_kfid, *body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return str(message["msgid"])

    def _record_sent(self, sent: Sent) -> None:
        self.sent.append(sent)
        self._sent_by_user[sent.touser].append(sent)
        self._session(sent.touser, sent.open_kfid).last_sent_at = sent.at
        self._notify()

    def _require_callback(self) -> tuple[str, str, str, str]:
        if self._callback is None:
            raise RuntimeError("no callback configured: call set_callback first")
        return self._callback

    def _callback_body(self, open_kfid: str) -> tuple[str, str, dict[str, str]]:
        """A fresh sync token and the request WeCom would POST: body and query."""
        _, token, aes_key, receive_id = self._require_callback()
        sync_token = "ENC" + _random(_ALNUM, 44)
        self._sync_tokens[sync_token] = self.now() + SYNC_TOKEN_TTL
        timestamp = str(int(self.now()))
        plain = (
            f"<xml><ToUserName>{_cdata(self.corp_id)}</ToUserName>"
            f"<CreateTime>{timestamp}</CreateTime>"
            f"<MsgType>{_cdata('event')}</MsgType>"
            f"<Event>{_cdata('kf_msg_or_event')}</Event>"
            f"<Token>{_cdata(sync_token)}</Token>"
            f"<OpenKfId>{_cdata(open_kfid)}</OpenKfId></xml>"
        )
        nonce = _random(string.digits, 10)
        encrypted, signature = encrypt(plain, token, aes_key, receive_id, timestamp, nonce)
        body = (
            f"<xml><ToUserName>{_cdata(self.corp_id)}</ToUserName>"
            f"<Encrypt>{_cdata(encrypted)}</Encrypt><AgentID>{_cdata('')}</AgentID></xml>"
        )
        query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        return sync_token, body, query

    async def _deliver(
        self, delivery: int, open_kfid: str, sync_token: str, body: str, query: dict[str, str]
    ) -> list[CallbackAttempt]:
        url = self._require_callback()[0]
        assert self._client is not None
        attempts = []
        for attempt in range(1, self.callback_attempts + 1):
            started = time.monotonic()
            status: int | None = None
            error: str | None = None
            try:
                timeout = aiohttp.ClientTimeout(total=self.callback_timeout)
                async with self._client.post(
                    url, params=query, data=body.encode(), timeout=timeout
                ) as response:
                    await response.read()
                    status = response.status
            except TimeoutError:
                error = f"no answer within {self.callback_timeout}s"
            except aiohttp.ClientError as failed:
                error = f"{type(failed).__name__}: {failed}"
            record = CallbackAttempt(
                delivery,
                attempt,
                open_kfid,
                sync_token,
                started,
                time.monotonic() - started,
                status,
                error,
            )
            attempts.append(record)
            self.callback_log.append(record)
            self._notify()
            if record.ok:
                break
            if attempt < self.callback_attempts and self.callback_retry_delay:
                await asyncio.sleep(self.callback_retry_delay)
        return attempts

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait(
        self, condition: Callable[[], bool], timeout: float, describe: Callable[[], str]
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(describe())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    # --- control API (for people driving a running bot with curl) -------------------------

    async def _control_inject(self, request: web.Request) -> web.Response:
        name = request.path.rsplit("/", 1)[-1]
        try:
            p = await request.json()
            user = str(p["external_userid"])
            kf = p.get("open_kfid")
            if name == "enter_session":
                msgid = self.enter_session(
                    user, kf, scene=str(p.get("scene", "")), scene_param=p.get("scene_param")
                )
            elif name == "send_text":
                msgid = self.send_text(user, str(p["text"]), kf)
            elif name == "menu_click":
                msgid = self.send_menu_click(user, str(p["menu_id"]), str(p["text"]), kf)
            elif name == "servicer_send":
                msgid = self.servicer_send(str(p["servicer_userid"]), user, str(p["text"]), kf)
            elif name == "take":
                msgid = self.take_from_queue(user, str(p["servicer_userid"]))
            else:
                msgid = self.end_session(user)
        except (KeyError, TypeError, ValueError) as error:
            return _json_response({"error": str(error)}, 400)
        return _json_response({"msgid": msgid})

    async def _control_sent(self, request: web.Request) -> web.Response:
        user = request.query.get("external_userid")
        sent = self.sent_to(user) if user else self.sent
        return _json_response(
            [
                {
                    "touser": s.touser,
                    "via": s.via,
                    "msgtype": s.msgtype,
                    "text": s.text,
                    "menu": s.menu,
                    "msgid": s.msgid,
                }
                for s in sent
            ]
        )

    async def _control_callbacks(self, request: web.Request) -> web.Response:
        return _json_response(
            [
                {
                    "delivery": a.delivery,
                    "attempt": a.attempt,
                    "status": a.status,
                    "seconds": round(a.seconds, 3),
                    "error": a.error,
                }
                for a in self.callback_log
            ]
        )

    async def _control_state(self, request: web.Request) -> web.Response:
        try:
            state, servicer = self.service_state(request.query["external_userid"])
        except KeyError:
            return _json_response({"error": "external_userid is needed"}, 400)
        return _json_response({"service_state": state, "servicer_userid": servicer})


def _check_menu(menu: JSON) -> str:
    """The text of a msgmenu (head, item contents, tail); WeComError if it breaks a limit."""
    lines: list[str] = []
    head, tail = menu.get("head_content", ""), menu.get("tail_content", "")
    for name, value in (("head_content", head), ("tail_content", tail)):
        if not isinstance(value, str):
            raise _bad(f"{name} must be a string")
        if _bytes(value) > MENU_HEAD_TAIL_MAX_BYTES:
            raise WeComError(ErrCode.CONTENT_TOO_LONG, f"{name} > {MENU_HEAD_TAIL_MAX_BYTES} bytes")
    items = menu.get("list", [])
    if not isinstance(items, list):
        raise _bad("list must be a list")
    if len(items) > MENU_MAX_ITEMS:
        raise WeComError(ErrCode.MENU_TOO_MANY_ITEMS)
    if head:
        lines.append(head)
    limits = {
        "click": {"id": MENU_CLICK_ID_MAX_BYTES, "content": MENU_CLICK_CONTENT_MAX_BYTES},
        "view": {"url": MENU_VIEW_URL_MAX_BYTES, "content": MENU_CONTENT_MAX_BYTES},
        "miniprogram": {"appid": 32, "pagepath": 1024, "content": MENU_CONTENT_MAX_BYTES},
        "text": {"content": MENU_CONTENT_MAX_BYTES},
    }
    for item in items:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in limits:
            raise WeComError(ErrCode.INVALID_MENU_ITEM_TYPE, f"type {kind!r}")
        fields = item.get(kind)
        if not isinstance(fields, dict):
            raise _bad(f"a {kind} item needs {kind}")
        for key, most in limits[kind].items():
            value = fields.get(key)
            if not isinstance(value, str) or not value:
                raise _bad(f"{kind}.{key}: 1..{most} bytes")
            if _bytes(value) > most:
                raise WeComError(ErrCode.CONTENT_TOO_LONG, f"{kind}.{key} > {most} bytes")
        lines.append(str(fields["content"]))
    if tail:
        lines.append(tail)
    return "\n".join(lines)


def _kf_of(message: JSON) -> str:
    if "open_kfid" in message:
        return str(message["open_kfid"])
    return str(message.get("event", {}).get("open_kfid", ""))


def _encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"standin:{position}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, position = text.split(":")
        if prefix != "standin" or int(position) < 0:
            raise ValueError(cursor)
        return int(position)
    except ValueError:
        raise _bad("invalid cursor") from None


async def _serve(args: argparse.Namespace) -> None:
    async with WeComStandin(
        corp_id=args.corp_id,
        secret=args.secret,
        agent_id=args.agent_id,
        open_kfid=args.open_kfid,
        host=args.host,
        port=args.port,
    ) as api:
        for servicer in args.servicer:
            api.add_servicer(servicer)
        if args.callback:
            api.set_callback(args.callback, args.token, args.aes_key)
        print(f"WeCom stand-in on {api.root} (API under /cgi-bin/); Ctrl-C stops", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8092)
    parser.add_argument("--corp-id", default="wwstandin0corp01")
    parser.add_argument("--secret", default="standin-secret")
    parser.add_argument("--agent-id", type=int, default=1000002)
    parser.add_argument("--open-kfid", default="wkStandinKf0000001")
    parser.add_argument("--token", default="standintoken", help="the callback Token")
    parser.add_argument(
        "--aes-key", default="a" * 43, help="the callback EncodingAESKey (43 characters)"
    )
    parser.add_argument("--callback", default="", help="the bot's callback URL")
    parser.add_argument("--servicer", action="append", default=[], help="a servicer userid")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()

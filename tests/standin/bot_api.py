"""A local stand-in for the Telegram Bot API, served over real HTTP by aiohttp.

Point python-telegram-bot at it with ``base_url=f"{api.root}/bot"``: requests then arrive at
``{root}/bot{token}/{method}`` as they would at api.telegram.org. It implements the methods
courier-aid uses with Telegram's semantics (long polling and offsets, message ids per chat, HTML
validation, error bodies), lets a test inject user activity and failures, and records every call
for assertions, rate checks and reply latencies::

    async with BotAPIStandin(token="123:ABC") as api:
        bot = telegram.Bot("123:ABC", base_url=f"{api.root}/bot")
        api.send_text(42, "/start")
        [reply] = await api.wait_for_messages(42, 1)

Use it from the event loop that runs it (it is not thread-safe). Standalone, to drive a real bot
by hand through a small control API under ``/_control/``::

    python -m tests.standin.bot_api --port 8081 --token 123:ABC
    curl -X POST localhost:8081/_control/send_text -d '{"user_id": 42, "text": "/start"}'
    curl -X POST localhost:8081/_control/press_button \\
         -d '{"user_id": 42, "message_id": 2, "data": "menu"}'
    curl 'localhost:8081/_control/sent?chat_id=42'

Simplifications: Markdown parse modes are accepted without validation, a webhook is stored but
never called, no file is kept (any file_id is accepted; an upload gets a fresh file_id).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import functools
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from aiohttp import web

JSON = dict[str, Any]
FailureKind = Literal["retry_after", "server", "disconnect", "lost_response"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Methods that create a message; they count for the rate checks and reply latencies.
SEND_METHODS = _words(
    "sendMessage copyMessage forwardMessage sendPhoto sendDocument sendVoice sendSticker"
)
# Parameters that Telegram takes as strings: never JSON-decoded (a text "123" stays a string).
_STRING_PARAMS = _words(
    "text caption parse_mode callback_query_id inline_message_id url action photo document"
    " voice sticker language_code secret_token ip_address"
)
# Telegram's default when allowed_updates is empty or was never given.
_DEFAULT_ALLOWED = _words(
    "message edited_message channel_post edited_channel_post business_connection"
    " business_message edited_business_message deleted_business_messages inline_query"
    " chosen_inline_result callback_query shipping_query pre_checkout_query"
    " purchased_paid_media poll poll_answer my_chat_member chat_join_request chat_boost"
    " removed_chat_boost"
)
_CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", "location")
_MEDIA_KINDS = ("photo", "document", "voice", "sticker")
_BUTTON_ACTIONS = _words(
    "url callback_data web_app login_url switch_inline_query"
    " switch_inline_query_current_chat switch_inline_query_chosen_chat copy_text"
    " callback_game pay"
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_TRIMMED = " \t\n\r\x0b\x0c"
_NO_GIFTS = dict.fromkeys(
    _words("unlimited_gifts limited_gifts unique_gifts premium_subscription gifts_from_channels"),
    False,
)


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description, optional `parameters`."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class Call:
    """One request: canonical method name, decoded parameters, arrival time (time.monotonic()),
    the JSON body answered (None when the connection was dropped) and its HTTP status (0 then)."""

    method: str
    params: dict[str, Any]
    at: float
    response: JSON | None
    status: int

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class Edit:
    """The state of a sent message right after one edit."""

    at: float
    text: str | None
    parse_mode: str | None
    reply_markup: JSON | None


@dataclass
class SentMessage:
    """A message the bot created. `text` is the text (or caption) as sent, with its HTML tags;
    `message` is the Message object as Telegram holds it now (plain text + entities)."""

    message_id: int
    chat_id: int
    kind: str  # text | photo | document | voice | sticker | copy | forward
    text: str | None
    parse_mode: str | None
    reply_markup: JSON | None  # any markup sent, reply keyboards included
    sent_at: float
    message: JSON
    file_id: str | None = None
    edits: list[Edit] = field(default_factory=list)
    deleted: bool = False

    @property
    def plain_text(self) -> str | None:
        return self.message.get("text", self.message.get("caption"))

    @property
    def reply_to_message_id(self) -> int | None:
        replied = self.message.get("reply_to_message")
        return int(replied["message_id"]) if replied else None


@dataclass(frozen=True)
class AnsweredCallback:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    at: float


@dataclass(frozen=True)
class ReplyLatency:
    update_id: int
    chat_id: int
    injected_at: float
    replied_at: float

    @property
    def seconds(self) -> float:
        return self.replied_at - self.injected_at


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a multipart request (its content is not kept)."""

    filename: str | None
    content_type: str
    size: int


@dataclass
class _Chat:
    info: JSON
    last_message_id: int = 0
    messages: dict[int, JSON] = field(default_factory=dict)  # live messages, user's and bot's

    def new_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


# --- Telegram-flavoured HTML -------------------------------------------------------------------

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_CHAR_REF = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));")
_TAG_NAME = re.compile(r"[^\s>]*")
_ATTRIBUTE = re.compile(r"""\s+([^\s=>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_TAG_END = re.compile(r"\s*>")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _char_ref(match: re.Match[str]) -> str:
    if match[3] is not None:
        return _NAMED_REFS.get(match[3], match[0])  # other names stay as written
    code = int(match[1]) if match[1] is not None else int(match[2], 16)
    valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return chr(code) if valid else match[0]


def _parse_error(message: str, text: str, pos: int, detail: str = "") -> ApiError:
    offset = len(text[:pos].encode())
    return _bad(f"can't parse entities: {message} at byte offset {offset}{detail}")


def _tag_entity(
    tag: str, attrs: dict[str, str], open_tags: list[tuple[str, int, JSON | None]]
) -> JSON | None:
    if tag == "a":
        href = attrs.get("href", "")
        return {"type": "text_link", "url": href} if href else None
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    language = attrs.get("class", "")
    if tag == "code" and open_tags and language.startswith("language-"):
        parent = open_tags[-1]
        if parent[0] == "pre" and parent[2] is not None:
            parent[2]["language"] = language.removeprefix("language-")
            return None
    if tag == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    return {"type": _TAG_ENTITY[tag]}


def _start_tag(
    text: str, pos: int, open_tags: list[tuple[str, int, JSON | None]]
) -> tuple[str, JSON | None, int]:
    """Parse the start tag at `pos`: its name, its entity (without offsets) and where it ends."""
    name = _TAG_NAME.match(text, pos + 1)
    assert name is not None  # the pattern matches the empty string
    if name.end() == len(text):
        raise _parse_error("Unclosed start tag", text, pos)
    tag = name[0].lower()
    if tag not in _TAG_ENTITY:
        raise _parse_error(f'Unsupported start tag "{tag}"', text, pos)
    attrs: dict[str, str] = {}
    cursor = name.end()
    while attribute := _ATTRIBUTE.match(text, cursor):
        value = next((v for v in attribute.groups()[1:] if v is not None), "")
        attrs[attribute[1].lower()] = _CHAR_REF.sub(_char_ref, value)
        cursor = attribute.end()
    end = _TAG_END.match(text, cursor)
    if end is None:
        raise _parse_error(f'Can\'t parse start tag "{tag}"', text, pos)
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _parse_error('Tag "span" must have class "tg-spoiler"', text, pos)
    if tag == "tg-emoji" and "emoji-id" not in attrs:
        raise _parse_error('Tag "tg-emoji" must have attribute "emoji-id"', text, pos)
    return tag, _tag_entity(tag, attrs, open_tags), end.end()


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse HTML as the Bot API does: the plain text and its entities (offsets in UTF-16 code
    units). Raises ApiError with Telegram's wording on unsupported or unbalanced tags."""
    out: list[str] = []
    length = 0  # of the output so far, in UTF-16 code units
    open_tags: list[tuple[str, int, JSON | None]] = []  # tag, start offset, entity
    entities: list[JSON] = []
    pos = 0
    while pos < len(text):
        special = _SPECIAL.search(text, pos)
        stop = special.start() if special else len(text)
        if stop > pos:
            chunk, pos = text[pos:stop], stop
        elif text[pos] == "&":
            ref = _CHAR_REF.match(text, pos)
            chunk, pos = (_char_ref(ref), ref.end()) if ref else ("&", pos + 1)
        elif text.startswith("</", pos):
            close = text.find(">", pos)
            if close < 0:
                raise _parse_error("Unclosed end tag", text, pos)
            if not open_tags:
                raise _parse_error("Unexpected end tag", text, pos)
            name = text[pos + 2 : close].strip().lower()
            tag, start, entity = open_tags.pop()
            if name and name != tag:
                found = f', expected "</{tag}>", found "</{name}>"'
                raise _parse_error("Unmatched end tag", text, pos, found)
            if entity is not None and length > start:
                entities.append({**entity, "offset": start, "length": length - start})
            pos = close + 1
            continue
        else:
            tag, entity, pos = _start_tag(text, pos, open_tags)
            open_tags.append((tag, length, entity))
            continue
        out.append(chunk)
        length += _utf16_len(chunk)
    if open_tags:
        tag = open_tags[-1][0]
        raise _bad(f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\"")
    return "".join(out), entities


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping the entities."""
    stripped = text.lstrip(_TRIMMED)
    left = len(text) - len(stripped)  # ASCII whitespace: characters == UTF-16 units
    stripped = stripped.rstrip(_TRIMMED)
    size = _utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return stripped, kept


def _formatted(p: JSON, key: str) -> tuple[str, list[JSON]]:
    """`p[key]` ("text" or "caption") as Telegram stores it: parsed, trimmed and checked."""
    raw = str(p.get(key) or "")
    mode = str(p.get("parse_mode") or "").lower()
    if mode == "html":
        plain, entities = parse_html(raw)
    elif mode in ("markdown", "markdownv2"):
        plain, entities = raw, []
    elif mode:
        raise _bad("unsupported parse_mode")
    else:
        given = p.get("entities" if key == "text" else "caption_entities")
        plain, entities = raw, list(given) if isinstance(given, list) else []
    plain, entities = _trim(plain, entities)
    if key == "text" and not plain:
        raise _bad("message text is empty")
    if len(plain) > (4096 if key == "text" else 1024):
        raise _bad("message is too long" if key == "text" else "message caption is too long")
    return plain, entities


def _text_content(plain: str, entities: list[JSON], key: str = "text") -> JSON:
    content: JSON = {key: plain} if plain else {}
    if entities:
        content["entities" if key == "text" else "caption_entities"] = entities
    return content


def _check_markup(markup: Any) -> JSON | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('can\'t parse inline keyboard button: Field "inline_keyboard" must be an Array')
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not button.get("text"):
            raise _bad("can't parse inline keyboard button: Text must be non-empty")
        if not _BUTTON_ACTIONS & button.keys():
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the "
                "inline keyboard"
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise _bad("BUTTON_DATA_INVALID")
    return markup


def buttons(message: SentMessage | Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """The inline buttons of a message as (text, callback_data), row by row."""
    markup = (
        message.reply_markup if isinstance(message, SentMessage) else message.get("reply_markup")
    )
    rows = (markup or {}).get("inline_keyboard") or []
    return [(button["text"], button.get("callback_data")) for row in rows for button in row]


# --- requests ----------------------------------------------------------------------------------


def _decode(name: str, value: Any) -> Any:
    """Form values arrive as strings, with JSON for numbers, booleans and nested objects."""
    if isinstance(value, str) and name not in _STRING_PARAMS:
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


async def _read_params(request: web.Request) -> JSON:
    """Query string plus a JSON, url-encoded or multipart body, decoded the same way."""
    raw: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("the JSON body must be an object")
            raw.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    size = len(value.file.read())
                    raw[key] = Upload(value.filename, value.content_type, size)
                else:
                    raw[key] = value if isinstance(value, str) else bytes(value).decode()
    return {key: _decode(key, value) for key, value in raw.items()}


def _as_chat_id(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _chat_id_param(p: JSON, key: str = "chat_id") -> int:
    if p.get(key) in (None, ""):
        raise _bad(f"{key} is empty")
    chat_id = _as_chat_id(p[key])
    if chat_id is None:
        raise _bad("chat not found")
    return chat_id


def _int_param(p: JSON, key: str) -> int:
    value = p.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise _bad(f"{key} is empty")
    return int(value)


def _scope_key(scope: Any) -> str:
    """ "default", "all_private_chats", "chat:42", "chat_member:-100:42", ..."""
    if not isinstance(scope, dict):
        return "default"
    parts = [scope.get("type", "default")]
    parts += [str(scope[key]) for key in ("chat_id", "user_id") if key in scope]
    return ":".join(parts)


def _shallow(message: JSON) -> JSON:
    """A message as nested in another one (Telegram nests replies one level deep only)."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def _media(kind: str, file_id: str) -> Any:
    base = {"file_id": file_id, "file_unique_id": f"u{file_id[-24:]}"}
    if kind == "photo":
        return [{**base, "width": 1280, "height": 960, "file_size": 120_000}]
    if kind == "voice":
        return {**base, "duration": 2, "mime_type": "audio/ogg"}
    if kind == "sticker":
        dims = {"width": 512, "height": 512, "is_animated": False, "is_video": False}
        return {**base, "type": "regular", **dims, "emoji": "👍"}
    return {**base, "file_name": "file.pdf", "mime_type": "application/pdf"}


def _file_id(message: JSON) -> str | None:
    for kind in _MEDIA_KINDS:
        media = message.get(kind)
        if isinstance(media, list) and media:
            media = media[-1]
        if isinstance(media, dict):
            return str(media["file_id"])
    return None


def _update_chat_id(update: JSON) -> int | None:
    for value in update.values():
        if isinstance(value, dict):
            message = value.get("message", value)
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                return int(chat["id"])
    return None


def _update_id(update: JSON) -> int:
    return int(update["update_id"])


def _json_response(body: Any, status: int = 200) -> web.Response:
    text = json.dumps(body, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most of `times` within any half-open window of `window` seconds (a nanosecond of
    slack, so virtual clocks that add floats count a send exactly `window` later as outside)."""
    ordered = sorted(times)
    best, left = 0, 0
    for right, moment in enumerate(ordered):
        while left < right and moment - ordered[left] >= window - 1e-9:
            left += 1
        best = max(best, right - left + 1)
    return best


class BotAPIStandin:
    """The Bot API for one bot token, on `host` and `port` (0: a free port, see `root`)."""

    def __init__(self, token: str = "123:ABC", *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token
        self.host = host
        self.port = port
        bot_id = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(bot_id) if bot_id.isdigit() else 777_000_001,
            "is_bot": True,
            "first_name": "暖蜂助手",
            "username": "courier_aid_test_bot",
        }
        self.calls: list[Call] = []
        self.answered_callbacks: list[AnsweredCallback] = []
        #: Commands per (scope key, language code); see `_scope_key` for the keys.
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.webhook_url = ""
        self._runner: web.AppRunner | None = None
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSON] = {}
        self._sent: list[SentMessage] = []
        self._sent_by_chat: defaultdict[int, list[SentMessage]] = defaultdict(list)
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._calls_by_method: defaultdict[str, list[Call]] = defaultdict(list)
        self._calls_by_chat: defaultdict[int, list[Call]] = defaultdict(list)
        self._send_times: defaultdict[int | None, list[float]] = defaultdict(list)  # None: all
        self._queue: list[JSON] = []  # unconfirmed updates, by update_id
        self._updates: dict[int, JSON] = {}  # every update ever injected
        self._injected: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        self._next_update_id = 100_000_001
        self._counter = itertools.count(1)
        self._allowed_updates = _DEFAULT_ALLOWED
        self._open_callbacks: set[str] = set()
        self._failures: defaultdict[str, deque[tuple[FailureKind, int]]] = defaultdict(deque)
        self._blocked: set[int] = set()
        self._poll_generation = 0
        self._closing = False
        self._new_updates = asyncio.Event()
        self._changed = asyncio.Event()
        handlers: dict[str, Callable[[JSON], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "sendPhoto": functools.partial(self._send_media, "photo"),
            "sendDocument": functools.partial(self._send_media, "document"),
            "sendVoice": functools.partial(self._send_media, "voice"),
            "sendSticker": functools.partial(self._send_media, "sticker"),
            "getChat": self._get_chat,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def root(self) -> str:
        """``http://host:port``; PTB's base_url is ``f"{root}/bot"``."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_post("/_control/send_text", self._control_send_text)
        app.router.add_post("/_control/press_button", self._control_press_button)
        app.router.add_get("/_control/sent", self._control_sent)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._closing = False
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls and close the server."""
        self._closing = True
        self._wake_polls()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIStandin:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- injecting user activity (each returns the update_id and wakes long polls) -----------

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """A text message from the user, in their private chat unless `chat_id` is given.
        Names given once are remembered for the user (default first name "小王")."""
        self._user(user_id, first_name, username)
        content: JSON = {"text": text}
        if command := _BOT_COMMAND.match(text):
            length = _utf16_len(command[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._user_message(user_id, content, chat_id)

    def send_in_group(self, chat_id: int, user_id: int, text: str) -> int:
        """A text message from the user in a group (negative ids; -100... is a supergroup)."""
        return self.send_text(user_id, text, chat_id=chat_id)

    def reply_to(
        self, user_id: int, text: str, reply_to_message_id: int, *, chat_id: int | None = None
    ) -> int:
        """A text message replying to a message stored in the chat (ValueError if none)."""
        chat = self._chats.get(user_id if chat_id is None else chat_id)
        replied = chat.messages.get(reply_to_message_id) if chat else None
        if replied is None:
            raise ValueError(f"no message {reply_to_message_id} to reply to in that chat")
        content = {"text": text, "reply_to_message": _shallow(replied)}
        return self._user_message(user_id, content, chat_id)

    def send_photo(
        self, user_id: int, caption: str | None = None, *, chat_id: int | None = None
    ) -> int:
        content: JSON = {"photo": _media("photo", self._new_file_id("photo"))}
        if caption:
            content["caption"] = caption
        return self._user_message(user_id, content, chat_id)

    def send_voice(self, user_id: int, *, duration: int = 2, chat_id: int | None = None) -> int:
        voice = {**_media("voice", self._new_file_id("voice")), "duration": duration}
        return self._user_message(user_id, {"voice": voice}, chat_id)

    def send_sticker(self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None) -> int:
        sticker = {**_media("sticker", self._new_file_id("sticker")), "emoji": emoji}
        return self._user_message(user_id, {"sticker": sticker}, chat_id)

    def send_location(
        self,
        user_id: int,
        latitude: float = 36.195,
        longitude: float = 113.117,
        *,
        chat_id: int | None = None,
    ) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(user_id, {"location": location}, chat_id)

    def send_document(
        self,
        user_id: int,
        *,
        file_name: str = "工资条.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        document = _media("document", self._new_file_id("document"))
        content: JSON = {"document": {**document, "file_name": file_name, "mime_type": mime_type}}
        if caption:
            content["caption"] = caption
        return self._user_message(user_id, content, chat_id)

    def press_button(
        self,
        user_id: int,
        message: SentMessage | Mapping[str, Any] | int,
        data: str,
        *,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """The user presses an inline button of a live bot message: a SentMessage, a Message
        dict, or a message_id in `chat_id` (default: the user's private chat). The callback query
        carries the message as it is now and a fresh id. With `strict`, `data` must be the
        callback_data of one of its buttons (as Telegram enforces); ValueError otherwise."""
        if isinstance(message, SentMessage):
            chat_id, message_id = message.chat_id, message.message_id
        elif isinstance(message, int):
            chat_id, message_id = (user_id if chat_id is None else chat_id), message
        else:
            chat_id, message_id = int(message["chat"]["id"]), int(message["message_id"])
        chat = self._chats.get(chat_id)
        live = chat.messages.get(message_id) if chat else None
        if live is None:
            raise ValueError(f"no live message {message_id} in chat {chat_id} (deleted?)")
        offered = [button_data for _, button_data in buttons(live)]
        if strict and data not in offered:
            raise ValueError(f"message {message_id} has no button {data!r}; it has {offered}")
        query_id = str(8_000_000_000_000_000_000 + next(self._counter))
        self._open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "message": live,
            "chat_instance": str(-chat_id),
            "data": data,
        }
        return self._inject({"callback_query": query}, chat_id)

    def redeliver(self, update_id: int) -> int:
        """Queue an update again, unchanged (same update_id), as Telegram does after a restart.
        Like any update it is dropped by the next getUpdates whose offset is beyond it."""
        if update_id not in self._updates:
            raise ValueError(f"unknown update {update_id}")
        self._enqueue(self._updates[update_id])
        return update_id

    def push_raw(self, update: Mapping[str, Any]) -> int:
        """Queue an update given as a dict (a fresh update_id unless it has one)."""
        payload = {key: value for key, value in update.items() if key != "update_id"}
        message = payload.get("message")
        if isinstance(message, dict) and _update_chat_id(payload) is not None:
            chat = self._chat(_update_chat_id(payload) or 0)
            chat.messages[int(message["message_id"])] = message
            chat.last_message_id = max(chat.last_message_id, int(message["message_id"]))
        return self._inject(payload, _update_chat_id(payload), update.get("update_id"))

    # --- error injection --------------------------------------------------------------------

    def fail_next(
        self, method: str, *, kind: FailureKind, count: int = 1, retry_after: int = 1
    ) -> None:
        """Make the next `count` calls of `method` fail: "retry_after" (429 with
        parameters.retry_after), "server" (502), "disconnect" (connection closed before the
        call is carried out) or "lost_response" (carried out, then the connection is closed)."""
        if kind not in get_args(FailureKind):
            raise ValueError(f"unknown failure kind {kind!r}")
        self._failures[self._canonical(method)].extend([(kind, retry_after)] * count)

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (or removes it from the group): sends get 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    # --- observation ------------------------------------------------------------------------

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot created (deleted ones included), in order, in one chat or all."""
        return list(self._sent if chat_id is None else self._sent_by_chat.get(chat_id, []))

    def calls_to(self, method: str) -> list[Call]:
        return list(self._calls_by_method.get(self._canonical(method), []))

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot."""
        return list(self._queue)

    buttons = staticmethod(buttons)

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait until at least `count` messages were sent to the chat since the start; all of
        them. TimeoutError says what was sent and which calls to that chat failed."""
        sent = self._sent_by_chat[chat_id]
        await self._wait(
            lambda: len(sent) >= count, timeout, lambda: self._describe(chat_id, count, timeout)
        )
        return list(sent)

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 10.0) -> Call:
        """The first recorded call (past or future) for which `predicate` is true."""
        checked = 0
        found: list[Call] = []

        def check() -> bool:
            nonlocal checked
            for call in itertools.islice(self.calls, checked, None):
                checked += 1
                if predicate(call):
                    found.append(call)
                    return True
            return False

        def describe() -> str:
            recent = ", ".join(f"{c.method}→{c.status}" for c in self.calls[-20:])
            return f"no call matched within {timeout}s; last calls: {recent or 'none'}"

        await self._wait(check, timeout, describe)
        return found[0]

    def max_sends_in_window(self, window: float = 1.0, chat_id: int | None = None) -> int:
        """Most send-type calls (SEND_METHODS, failed ones included) within any `window`
        seconds, to one chat or to all."""
        return max_in_window(self._send_times.get(chat_id, []), window)

    def min_send_gap(self, chat_id: int | None = None) -> float | None:
        """Shortest time between two consecutive send-type calls to the same chat (to
        `chat_id`, or to any one chat); None if no chat got two."""
        chats = [chat_id] if chat_id is not None else [c for c in self._send_times if c is not None]
        gaps = (b - a for c in chats for a, b in itertools.pairwise(self._send_times.get(c, [])))
        return min(gaps, default=None)

    def reply_latencies(self) -> list[ReplyLatency]:
        """For each injected update of a chat, the time until the first message the bot sent
        to that chat after the injection. Updates injected before the same reply all pair with
        it; updates with no later message are left out (see `unanswered_updates`)."""
        latencies = []
        for chat_id, injected in self._injected.items():
            sent_times = [message.sent_at for message in self._sent_by_chat.get(chat_id, [])]
            for at, update_id in injected:
                i = bisect.bisect_right(sent_times, at)
                if i < len(sent_times):
                    latencies.append(ReplyLatency(update_id, chat_id, at, sent_times[i]))
        return latencies

    def unanswered_updates(self) -> list[int]:
        """Injected updates after which nothing was sent to their chat."""
        answered = {latency.update_id for latency in self.reply_latencies()}
        return [u for inj in self._injected.values() for _, u in inj if u not in answered]

    # --- HTTP -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        method, handler = self._methods.get(name.lower(), (name, None))
        try:
            params = await _read_params(request)
        except ValueError as unreadable:
            return _json_response(_bad(f"can't parse parameters: {unreadable}").body(), 400)
        at = time.monotonic()
        failure = None
        if request.match_info["token"] != self.token:
            error: ApiError | None = ApiError(401, "Unauthorized")
        elif handler is None:
            error = ApiError(404, "Not Found")
        else:
            queued = self._failures.get(method)
            failure = queued.popleft() if queued else None
            error = self._injected_error(failure)
        if failure and failure[0] == "disconnect":
            return self._drop(request, Call(method, params, at, None, 0))
        status, body = (error.code, error.body()) if error else (200, {})
        if handler is not None and error is None:
            try:
                result = handler(params)
                if asyncio.iscoroutine(result):
                    result = await result
                body = {"ok": True, "result": result}
            except ApiError as failed:
                status, body = failed.code, failed.body()
            except (KeyError, TypeError, ValueError) as invalid:
                status, body = 400, _bad(f"invalid parameters: {invalid!r}").body()
        if failure and failure[0] == "lost_response":
            return self._drop(request, Call(method, params, at, None, 0))
        self._record(Call(method, params, at, body, status))
        return _json_response(body, status)

    @staticmethod
    def _injected_error(failure: tuple[FailureKind, int] | None) -> ApiError | None:
        if failure is None:
            return None
        kind, retry_after = failure
        if kind == "retry_after":
            return ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        return ApiError(502, "Bad Gateway") if kind == "server" else None

    def _drop(self, request: web.Request, call: Call) -> web.Response:
        self._record(call)
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=204)  # never reaches the client

    async def _not_found(self, request: web.Request) -> web.Response:
        return _json_response(ApiError(404, "Not Found").body(), 404)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._calls_by_method[call.method].append(call)
        chat_id = _as_chat_id(call.params.get("chat_id"))
        if chat_id is not None:
            self._calls_by_chat[chat_id].append(call)
        if call.method in SEND_METHODS:
            self._send_times[None].append(call.at)
            if chat_id is not None:
                self._send_times[chat_id].append(call.at)
        self._notify()

    # --- Bot API methods --------------------------------------------------------------------

    def _get_me(self, p: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        if isinstance(p.get("allowed_updates"), list):
            self._allowed_updates = frozenset(p["allowed_updates"]) or _DEFAULT_ALLOWED
        if offset > 0:
            del self._queue[: bisect.bisect_left(self._queue, offset, key=_update_id)]
        elif offset < 0:
            del self._queue[: max(len(self._queue) + offset, 0)]
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_polls()  # an older poll still waiting is terminated, as by Telegram
        deadline = time.monotonic() + timeout
        while not self._queue and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_updates.wait(), remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
        return self._queue[:limit]

    def _set_webhook(self, p: JSON) -> bool:
        if p.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = str(p.get("url") or "")
        return True

    def _delete_webhook(self, p: JSON) -> bool:
        return self._set_webhook({**p, "url": ""})

    def _get_webhook_info(self, p: JSON) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    def _set_my_commands(self, p: JSON) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("command description is empty or too long")
        key = (_scope_key(p.get("scope")), str(p.get("language_code") or ""))
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        if not commands:
            del self.commands[key]
        return True

    def _get_my_commands(self, p: JSON) -> list[JSON]:
        key = (_scope_key(p.get("scope")), str(p.get("language_code") or ""))
        return self.commands.get(key, [])

    def _delete_my_commands(self, p: JSON) -> bool:
        self.commands.pop((_scope_key(p.get("scope")), str(p.get("language_code") or "")), None)
        return True

    def _send_message(self, p: JSON) -> JSON:
        chat = self._target(p)
        plain, entities = _formatted(p, "text")
        markup = _check_markup(p.get("reply_markup"))
        message = self._new_message(chat, p, _text_content(plain, entities), markup)
        self._record_sent(message, "text", p.get("text"), p.get("parse_mode"), markup)
        return message

    def _send_media(self, kind: str, p: JSON) -> JSON:
        chat = self._target(p)
        value = p.get(kind)
        if value in (None, ""):
            raise _bad(f"there is no {kind} in the request")
        file_id = value if isinstance(value, str) else self._new_file_id(kind)
        content: JSON = {kind: _media(kind, file_id)}
        if kind != "sticker":
            content.update(_text_content(*_formatted(p, "caption"), key="caption"))
        markup = _check_markup(p.get("reply_markup"))
        message = self._new_message(chat, p, content, markup)
        self._record_sent(message, kind, p.get("caption"), p.get("parse_mode"), markup, file_id)
        return message

    def _copy_message(self, p: JSON) -> JSON:
        chat = self._target(p)
        source = self._source_message(p, "message to copy not found")
        content = {key: source[key] for key in (*_CONTENT_KEYS, *_MEDIA_KINDS) if key in source}
        if p.get("caption") is not None and "text" not in content:
            content = {k: v for k, v in content.items() if k not in ("caption", "caption_entities")}
            content.update(_text_content(*_formatted(p, "caption"), key="caption"))
        markup = _check_markup(p.get("reply_markup"))
        message = self._new_message(chat, p, content, markup)
        text = message.get("text", message.get("caption"))
        self._record_sent(message, "copy", text, None, markup, _file_id(message))
        return {"message_id": message["message_id"]}

    def _forward_message(self, p: JSON) -> JSON:
        chat = self._target(p)
        source = self._source_message(p, "message to forward not found")
        content = {key: source[key] for key in (*_CONTENT_KEYS, *_MEDIA_KINDS) if key in source}
        origin = {"type": "user", "sender_user": source.get("from"), "date": source["date"]}
        message = self._new_message(chat, {}, {**content, "forward_origin": origin}, None)
        text = message.get("text", message.get("caption"))
        self._record_sent(message, "forward", text, None, None, _file_id(message))
        return message

    def _edit_message_text(self, p: JSON) -> JSON:
        message, sent = self._editable(p)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        plain, entities = _formatted(p, "text")
        changes = {"text": plain, "entities": entities or None}
        return self._apply_edit(message, sent, changes, p, p.get("text"), p.get("parse_mode"))

    def _edit_message_reply_markup(self, p: JSON) -> JSON:
        message, sent = self._editable(p)
        return self._apply_edit(message, sent, {}, p, sent.text, sent.parse_mode)

    def _delete_message(self, p: JSON) -> bool:
        chat_id, message_id = _chat_id_param(p), _int_param(p, "message_id")
        chat = self._chats.get(chat_id)
        if chat is None or chat.messages.pop(message_id, None) is None:
            raise _bad("message to delete not found")
        if sent := self._sent_index.get((chat_id, message_id)):
            sent.deleted = True
        return True

    def _answer_callback_query(self, p: JSON) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._open_callbacks.discard(query_id)
        answer = AnsweredCallback(
            query_id, p.get("text"), bool(p.get("show_alert")), p.get("url"), time.monotonic()
        )
        self.answered_callbacks.append(answer)
        return True

    def _send_chat_action(self, p: JSON) -> bool:
        self._target(p)
        return True

    def _get_chat(self, p: JSON) -> JSON:
        chat = self._chats.get(_chat_id_param(p))
        if chat is None:
            raise _bad("chat not found")
        extra = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": _NO_GIFTS}
        return {**chat.info, **extra}

    # --- helpers ----------------------------------------------------------------------------

    def _canonical(self, method: str) -> str:
        if method.lower() not in self._methods:
            raise ValueError(f"the stand-in has no method {method!r}")
        return self._methods[method.lower()][0]

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _wake_polls(self) -> None:
        self._new_updates.set()
        self._new_updates = asyncio.Event()

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

    def _describe(self, chat_id: int, count: int, timeout: float) -> str:
        sent = self._sent_by_chat.get(chat_id, [])
        lines = [
            f"expected {count} message(s) in chat {chat_id} within {timeout}s, got {len(sent)}"
        ]
        lines += [f"  sent {m.kind} #{m.message_id}: {m.text!r}" for m in sent]
        lines += [
            f"  failed {c.method}: {c.status} {(c.response or {}).get('description', 'dropped')}"
            for c in self._calls_by_chat.get(chat_id, [])
            if not c.ok
        ]
        lines.append(f"  updates not yet confirmed by the bot: {len(self._queue)}")
        return "\n".join(lines)

    def _user(
        self, user_id: int, first_name: str | None = None, username: str | None = None
    ) -> JSON:
        user = self._users.setdefault(
            user_id,
            {"id": user_id, "is_bot": False, "first_name": "小王", "language_code": "zh-hans"},
        )
        if first_name:
            user["first_name"] = first_name
        if username:
            user["username"] = username
        return dict(user)

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                user = self._user(chat_id)
                info = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
                if "username" in user:
                    info["username"] = user["username"]
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                info = {"id": chat_id, "type": kind, "title": "测试群"}
            chat = self._chats[chat_id] = _Chat(info)
        return chat

    def _target(self, p: JSON) -> _Chat:
        """The chat a send goes to; 403 if the user blocked the bot."""
        chat_id = _chat_id_param(p)
        if chat_id in self._blocked:
            if chat_id > 0:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        return self._chat(chat_id)

    def _new_file_id(self, kind: str) -> str:
        return f"standin-{kind}-{next(self._counter)}"

    def _user_message(self, user_id: int, content: JSON, chat_id: int | None) -> int:
        sender = self._user(user_id)
        chat = self._chat(user_id if chat_id is None else chat_id)
        message_id = chat.new_message_id()
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": chat.info,
            "date": int(time.time()),
            **content,
        }
        chat.messages[message_id] = message
        return self._inject({"message": message}, chat.info["id"])

    def _inject(self, payload: JSON, chat_id: int | None, update_id: int | None = None) -> int:
        if update_id is None:
            update_id = self._next_update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        update = {"update_id": update_id, **payload}
        self._updates[update_id] = update
        if chat_id is not None:
            self._injected[chat_id].append((time.monotonic(), update_id))
        self._enqueue(update)
        return update_id

    def _enqueue(self, update: JSON) -> None:
        kind = next((key for key in update if key != "update_id"), "")
        if kind not in self._allowed_updates:
            return  # Telegram never creates updates the bot did not ask for
        i = bisect.bisect_left(self._queue, update["update_id"], key=_update_id)
        if i == len(self._queue) or self._queue[i]["update_id"] != update["update_id"]:
            self._queue.insert(i, update)
            self._wake_polls()

    def _reply_target(self, chat: _Chat, p: JSON) -> JSON | None:
        params = p.get("reply_parameters")
        if not isinstance(params, dict):
            if p.get("reply_to_message_id") is None:
                return None
            params = {
                "message_id": p["reply_to_message_id"],
                "allow_sending_without_reply": p.get("allow_sending_without_reply"),
            }
        source = self._chats.get(_as_chat_id(params.get("chat_id")) or chat.info["id"])
        replied = source.messages.get(int(params["message_id"])) if source else None
        if replied is None:
            if params.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return _shallow(replied)

    def _new_message(self, chat: _Chat, p: JSON, content: JSON, markup: JSON | None) -> JSON:
        replied = self._reply_target(chat, p)
        message_id = chat.new_message_id()
        message: JSON = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat.info,
            "date": int(time.time()),
            **content,
        }
        if replied is not None:
            message["reply_to_message"] = replied
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        chat.messages[message_id] = message
        return message

    def _record_sent(
        self,
        message: JSON,
        kind: str,
        text: str | None,
        parse_mode: str | None,
        markup: JSON | None,
        file_id: str | None = None,
    ) -> None:
        chat_id = int(message["chat"]["id"])
        sent = SentMessage(
            message["message_id"],
            chat_id,
            kind,
            text,
            parse_mode,
            markup,
            time.monotonic(),
            message,
            file_id,
        )
        self._sent.append(sent)
        self._sent_by_chat[chat_id].append(sent)
        self._sent_index[(chat_id, sent.message_id)] = sent

    def _source_message(self, p: JSON, not_found: str) -> JSON:
        chat = self._chats.get(_chat_id_param(p, "from_chat_id"))
        message = chat.messages.get(_int_param(p, "message_id")) if chat else None
        if message is None:
            raise _bad(not_found)
        return message

    def _editable(self, p: JSON) -> tuple[JSON, SentMessage]:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat_id, message_id = _chat_id_param(p), _int_param(p, "message_id")
        chat = self._chats.get(chat_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None:
            raise _bad("message to edit not found")
        sent = self._sent_index.get((chat_id, message_id))
        if sent is None:
            raise _bad("message can't be edited")
        return message, sent

    def _apply_edit(
        self,
        message: JSON,
        sent: SentMessage,
        changes: JSON,
        p: JSON,
        text: str | None,
        parse_mode: str | None,
    ) -> JSON:
        """Edit a message; without reply_markup its inline keyboard goes, as in Telegram."""
        markup = _check_markup(p.get("reply_markup"))
        changes["reply_markup"] = markup if markup and "inline_keyboard" in markup else None
        if all(message.get(key) == value for key, value in changes.items()):
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        updated = {key: value for key, value in {**message, **changes}.items() if value is not None}
        updated["edit_date"] = int(time.time())
        self._chats[sent.chat_id].messages[sent.message_id] = updated
        sent.message, sent.text, sent.parse_mode, sent.reply_markup = (
            updated,
            text,
            parse_mode,
            markup,
        )
        sent.edits.append(Edit(time.monotonic(), text, parse_mode, markup))
        return updated

    # --- control API (for people driving a running bot with curl) -------------------------

    async def _control_send_text(self, request: web.Request) -> web.Response:
        body = await request.json()
        return self._control(
            lambda: self.send_text(
                int(body["user_id"]),
                str(body["text"]),
                first_name=body.get("first_name"),
                chat_id=body.get("chat_id"),
            )
        )

    async def _control_press_button(self, request: web.Request) -> web.Response:
        body = await request.json()
        return self._control(
            lambda: self.press_button(
                int(body["user_id"]),
                int(body["message_id"]),
                str(body["data"]),
                chat_id=body.get("chat_id"),
            )
        )

    @staticmethod
    def _control(inject: Callable[[], int]) -> web.Response:
        try:
            return _json_response({"update_id": inject()})
        except (KeyError, TypeError, ValueError) as error:
            return _json_response({"error": str(error)}, 400)

    async def _control_sent(self, request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        messages = self.sent_messages(int(chat_id) if chat_id else None)
        return _json_response(
            [
                {
                    "chat_id": m.chat_id,
                    "message_id": m.message_id,
                    "kind": m.kind,
                    "text": m.text,
                    "buttons": buttons(m),
                    "edits": len(m.edits),
                    "deleted": m.deleted,
                }
                for m in messages
            ]
        )


async def _serve(token: str, host: str, port: int) -> None:
    async with BotAPIStandin(token, host=host, port=port) as api:
        print(f"Bot API stand-in on {api.root}, base_url {api.root}/bot; Ctrl-C stops", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:ABC")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.token, args.host, args.port))


if __name__ == "__main__":
    main()

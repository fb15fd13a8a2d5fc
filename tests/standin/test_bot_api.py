"""The Bot API stand-in, driven over real HTTP by python-telegram-bot's own `Bot`."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.standin.bot_api import BotAPIStandin, buttons, parse_html

TOKEN = "123456:TEST-token"
USER = 42
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def api() -> AsyncIterator[BotAPIStandin]:
    async with BotAPIStandin(token=TOKEN) as standin:
        yield standin


@pytest.fixture
async def bot(api: BotAPIStandin) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{api.root}/bot") as ptb_bot:
        yield ptb_bot


def _keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


async def test_get_me_token_and_unknown_method(api: BotAPIStandin, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name) == (123456, True, "暖蜂助手")
    assert me.username == "courier_aid_test_bot" and me.can_join_groups
    async with httpx.AsyncClient(base_url=api.root) as client:
        wrong = await client.post("/bot999:nope/getMe")
        unknown = await client.post(f"/bot{TOKEN}/sendTelepathy")
        any_case = await client.get(f"/bot{TOKEN}/GETME")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert any_case.json()["result"]["username"] == "courier_aid_test_bot"
    assert [c.method for c in api.calls] == ["getMe", "getMe", "getMe", "sendTelepathy", "getMe"]


async def test_send_edit_answer_round_trip(api: BotAPIStandin, bot: Bot) -> None:
    update_id = api.send_text(USER, "/start now", first_name="老李", username="laoli")
    [update] = await bot.get_updates()
    assert update.update_id == update_id and update.message is not None
    assert update.message.text == "/start now" and update.message.message_id == 1
    assert update.message.from_user is not None and update.message.from_user.first_name == "老李"
    assert update.message.parse_entities() == {update.message.entities[0]: "/start"}

    reply = await bot.send_message(
        USER,
        "<b>你好</b> &lt;老李&gt;",
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(("菜单", "menu"), ("帮助", "help")),
        reply_parameters=ReplyParameters(message_id=1),
    )
    assert reply.message_id == 2 and reply.chat.type == "private"
    assert reply.text == "你好 <老李>" and reply.text_html == "<b>你好</b> &lt;老李&gt;"
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "/start now"
    assert reply.from_user is not None and reply.from_user.is_bot
    [sent] = api.sent_messages(USER)
    assert (sent.text, sent.parse_mode, sent.kind) == ("<b>你好</b> &lt;老李&gt;", "HTML", "text")
    assert buttons(sent) == [("菜单", "menu"), ("帮助", "help")] == api.buttons(reply.to_dict())

    press_id = api.press_button(USER, sent, "menu")
    [press] = await bot.get_updates(offset=update_id + 1)
    query = press.callback_query
    assert press.update_id == press_id and query is not None and query.data == "menu"
    assert query.message is not None and query.message.message_id == 2
    assert await bot.answer_callback_query(query.id, text="好的")
    assert [(a.callback_query_id, a.text) for a in api.answered_callbacks] == [(query.id, "好的")]
    with pytest.raises(BadRequest, match="query id is invalid"):
        await bot.answer_callback_query(query.id)  # answered already

    edited = await bot.edit_message_text("已选择: 菜单", chat_id=USER, message_id=2)
    assert isinstance(edited, Message) and edited.text == "已选择: 菜单"
    assert edited.reply_markup is None and edited.edit_date is not None  # no markup: keyboard goes
    assert sent.text == "已选择: 菜单" and len(sent.edits) == 1 and buttons(sent) == []
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("已选择: 菜单", chat_id=USER, message_id=2)
    with pytest.raises(ValueError, match="no button"):
        api.press_button(USER, sent, "menu")  # the keyboard is gone
    await bot.edit_message_reply_markup(USER, 2, reply_markup=_keyboard(("返回", "back")))
    assert buttons(sent) == [("返回", "back")] and len(sent.edits) == 2

    assert await bot.delete_message(USER, 2)
    assert sent.deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, 2)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=2)
    with pytest.raises(ValueError, match="no live message"):
        api.press_button(USER, 2, "back")


async def test_long_poll_waits_and_wakes_on_injected_update(api: BotAPIStandin, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.3)
    assert not poll.done()
    woke = time.monotonic()
    api.send_text(USER, "在吗")
    [update] = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - woke < 1.0
    assert update.message is not None and update.message.text == "在吗"


async def test_second_poll_terminates_the_first_with_conflict(api: BotAPIStandin, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with httpx.AsyncClient() as other_instance:  # PTB polls over one connection
        url = f"{api.root}/bot{TOKEN}/getUpdates"
        second = asyncio.create_task(other_instance.post(url, data={"timeout": "5"}))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)
        api.send_text(USER, "hi")
        assert len((await asyncio.wait_for(second, 2)).json()["result"]) == 1


async def test_offset_confirms_and_drops_earlier_updates(api: BotAPIStandin, bot: Bot) -> None:
    ids = [api.send_text(USER, f"m{i}") for i in range(5)]
    assert [u.update_id for u in await bot.get_updates()] == ids  # nothing confirmed yet
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(offset=ids[2], limit=2)] == ids[2:4]
    assert [u.update_id for u in await bot.get_updates()] == ids[2:]  # 0 and 1 are gone
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[4:]
    assert [u["update_id"] for u in api.pending_updates] == ids[4:]
    assert await bot.get_updates(offset=ids[4] + 1) == ()
    assert api.pending_updates == []


async def test_redeliver_queues_the_same_update_again(api: BotAPIStandin, bot: Bot) -> None:
    first = api.send_text(USER, "/help")
    api.send_photo(USER, caption="工资条")
    updates = await bot.get_updates()
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert api.redeliver(first) == first
    api.redeliver(first)  # already queued: not duplicated
    [again] = await bot.get_updates()  # a restarted bot polls without an offset
    assert again.update_id == first and again.to_dict() == updates[0].to_dict()
    with pytest.raises(ValueError):
        api.redeliver(999)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("第一行<br>第二行", 'unsupported start tag "br" at byte offset 9'),
        ("<b>粗体", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ('<span class="x">y</span>', 'tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_bad_html_is_a_bad_request(bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert str(raised.value).lower() == f"can't parse entities: {error}"


async def test_text_limits_and_button_data(api: BotAPIStandin, bot: Bot) -> None:
    html = "<b>" + "长" * 4096 + "</b>\n"
    assert (await bot.send_message(USER, html, parse_mode=ParseMode.HTML)).text == "长" * 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "<i>" + "长" * 4096 + "</i>.", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, " <b> </b>\n", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "选", reply_markup=_keyboard(("长", "页" * 22)))  # 66 bytes
    assert (await bot.send_message(USER, "选", reply_markup=_keyboard(("长", "页" * 21)))).text
    assert len(api.sent_messages(USER)) == 2
    assert [c.status for c in api.calls_to("sendmessage")] == [200, 400, 400, 400, 400, 200]


def test_parse_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html(
        '😀 <a href="https://x.cn/?a=1&amp;b=2">链接</a>\n<pre><code class="language-py">'
        "x = 1</code></pre><tg-spoiler>秘</tg-spoiler> &#x41;&nbsp;"
    )
    assert text == "😀 链接\nx = 1秘 A&nbsp;"
    assert entities == [
        {"type": "text_link", "url": "https://x.cn/?a=1&b=2", "offset": 3, "length": 2},
        {"type": "pre", "language": "py", "offset": 6, "length": 5},
        {"type": "spoiler", "offset": 11, "length": 1},
    ]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # inside PTB
async def test_retry_after_server_errors_and_disconnects(api: BotAPIStandin, bot: Bot) -> None:
    api.fail_next("sendMessage", kind="retry_after", retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(USER, "a")
    api.fail_next("SENDMESSAGE", kind="server")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "b")
    api.fail_next("sendMessage", kind="disconnect")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "c")
    assert api.sent_messages() == []  # none of those was carried out
    api.fail_next("sendMessage", kind="lost_response")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "d")
    assert [m.text for m in api.sent_messages()] == ["d"]  # carried out, answer lost
    assert (await bot.send_message(USER, "e")).message_id == 2
    assert [(c.status, c.response is None) for c in api.calls_to("sendMessage")] == [
        (429, False),
        (502, False),
        (0, True),
        (0, True),
        (200, False),
    ]
    with pytest.raises(ValueError):
        api.fail_next("sendCarrierPigeon", kind="server")


async def test_block_means_forbidden_until_unblocked(api: BotAPIStandin, bot: Bot) -> None:
    api.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "还在吗")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    api.block(-100123)
    with pytest.raises(Forbidden, match="kicked from the supergroup chat"):
        await bot.send_message(-100123, "hi")
    api.unblock(USER)
    assert (await bot.send_message(USER, "回来了")).text == "回来了"
    assert [m.text for m in api.sent_messages()] == ["回来了"]


async def test_copy_forward_and_media(api: BotAPIStandin, bot: Bot) -> None:
    api.send_photo(USER, caption="工资条")
    api.send_in_group(-100555, USER, "群里说话")
    copied = await bot.copy_message(-100555, from_chat_id=USER, message_id=1, caption="转给客服")
    forwarded = await bot.forward_message(-100555, from_chat_id=USER, message_id=1)
    assert (copied.message_id, forwarded.message_id) == (2, 3)  # ids count per chat
    assert forwarded.chat.type == "supergroup" and forwarded.caption == "工资条"
    assert forwarded.forward_origin is not None and forwarded.forward_origin.type == "user"
    copy, forward = api.sent_messages(-100555)
    assert (copy.kind, copy.text, forward.kind) == ("copy", "转给客服", "forward")
    assert copy.file_id == forward.file_id and copy.file_id is not None
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(-100555, from_chat_id=USER, message_id=99)

    by_id = await bot.send_sticker(USER, "CAACAgIAAxk")
    uploaded = await bot.send_photo(USER, b"\x89PNG fake", caption="<i>收到</i>", parse_mode="HTML")
    voice = await bot.send_voice(USER, "AwACAgIAAxk")
    assert by_id.sticker is not None and by_id.sticker.file_id == "CAACAgIAAxk"
    assert uploaded.caption == "收到" and uploaded.photo[-1].file_id.startswith("standin-photo")
    assert voice.voice is not None and voice.voice.file_id == "AwACAgIAAxk"
    assert [m.kind for m in api.sent_messages(USER)] == ["sticker", "photo", "voice"]
    assert (await bot.get_chat(-100555)).type == "supergroup"
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(777)


async def test_user_media_replies_and_bot_replies(api: BotAPIStandin, bot: Bot) -> None:
    api.send_voice(USER, duration=7)
    api.send_sticker(USER)
    api.send_location(USER)
    api.send_document(USER, file_name="合同.pdf")
    sent = await bot.send_message(USER, "请说明情况")
    api.reply_to(USER, "我被扣了工资", sent.message_id)
    with pytest.raises(ValueError):
        api.reply_to(USER, "?", 99)
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message is not None]
    assert messages[0].voice is not None and messages[0].voice.to_dict()["duration"] == 7
    assert messages[1].sticker is not None and messages[2].location is not None
    assert messages[3].document is not None and messages[3].document.file_name == "合同.pdf"
    assert messages[4].reply_to_message is not None
    assert messages[4].reply_to_message.text == "请说明情况"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(message_id=99))
    lenient = ReplyParameters(message_id=99, allow_sending_without_reply=True)
    assert (await bot.send_message(USER, "x", reply_parameters=lenient)).reply_to_message is None


async def test_commands_per_scope_and_language(api: BotAPIStandin, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
    await bot.set_my_commands(
        [BotCommand("staff", "客服")], scope=BotCommandScopeChat(-100555), language_code="zh"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    scoped = await bot.get_my_commands(scope=BotCommandScopeChat(-100555), language_code="zh")
    assert [c.command for c in scoped] == ["staff"]
    assert api.commands[("chat:-100555", "zh")] == [{"command": "staff", "description": "客服"}]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start!", "x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_webhook_blocks_polling_until_deleted(api: BotAPIStandin, bot: Bot) -> None:
    api.send_text(USER, "hi")
    assert await bot.set_webhook("https://example.invalid/hook")
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("https://example.invalid/hook", 1)
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    assert await bot.close() and await bot.log_out()


async def test_parameters_as_json_form_and_query(api: BotAPIStandin) -> None:
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    async with httpx.AsyncClient(base_url=f"{api.root}/bot{TOKEN}") as client:
        as_json = await client.post(
            "/sendMessage",
            json={"chat_id": "42", "text": "123", "reply_markup": json.dumps(markup)},
        )
        as_form = await client.post(
            "/sendMessage",
            data={"chat_id": "42", "text": "true", "reply_markup": json.dumps(markup)},
        )
        as_query = await client.get("/sendMessage", params={"chat_id": 42, "text": "null"})
    assert [r.json()["result"]["text"] for r in (as_json, as_form, as_query)] == [
        "123",
        "true",
        "null",
    ]
    assert as_form.json()["result"]["reply_markup"] == markup
    assert [m.message_id for m in api.sent_messages(USER)] == [1, 2, 3]


async def test_waiting_rates_and_latencies(api: BotAPIStandin, bot: Bot) -> None:
    first = api.send_text(USER, "1")
    second = api.send_text(USER, "2")
    lonely = api.send_text(7, "没人理")
    waiting = asyncio.create_task(api.wait_for_messages(USER, 2, timeout=5))
    await asyncio.sleep(0.05)
    for text in ("a", "b"):
        await bot.send_message(USER, text)
    assert [m.text for m in await waiting] == ["a", "b"]
    call = await api.wait_for(lambda c: c.method == "sendMessage" and c.params["text"] == "b")
    assert call.ok and call.response is not None and call.response["result"]["text"] == "b"

    with pytest.raises(BadRequest):
        await bot.send_message(7, "<x>", parse_mode="HTML")
    with pytest.raises(TimeoutError) as timed_out:
        await api.wait_for_messages(7, 1, timeout=0.2)
    assert "got 0" in str(timed_out.value)
    assert 'Unsupported start tag "x"' in str(timed_out.value)

    assert api.max_sends_in_window(1.0) == 3 and api.max_sends_in_window(1.0, USER) == 2
    assert api.max_sends_in_window(1e-9) == 1
    gap = api.min_send_gap(USER)
    assert gap is not None and 0 < gap < 1 and api.min_send_gap(7) is None
    latencies = {lat.update_id: lat for lat in api.reply_latencies()}
    assert set(latencies) == {first, second}  # both pair with the first reply, "a"
    assert latencies[first].replied_at == latencies[second].replied_at
    assert 0 < latencies[second].seconds < latencies[first].seconds < 2
    assert api.unanswered_updates() == [lonely]


async def test_ptb_application_end_to_end(api: BotAPIStandin) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "<b>欢迎</b>", reply_markup=_keyboard(("开始", "go"))
        )

    app = Application.builder().token(TOKEN).base_url(f"{api.root}/bot").build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        api.send_text(USER, "/start")
        [welcome] = await api.wait_for_messages(USER, 1)
        await app.updater.stop()
        await app.stop()
    assert welcome.message["text"] == "欢迎" and buttons(welcome) == [("开始", "go")]
    assert api.pending_updates == []  # PTB confirmed the update on stop
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= {c.method for c in api.calls}


async def test_control_api(api: BotAPIStandin, bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=f"{api.root}/_control") as control:
        sent = await control.post("/send_text", json={"user_id": USER, "text": "/start"})
        [update] = await bot.get_updates()
        assert update.update_id == sent.json()["update_id"]
        await bot.send_message(USER, "选一个", reply_markup=_keyboard(("好", "ok")))
        listed = (await control.get("/sent", params={"chat_id": USER})).json()
        pressed = await control.post(
            "/press_button", json={"user_id": USER, "message_id": 2, "data": "ok"}
        )
        wrong = await control.post(
            "/press_button", json={"user_id": USER, "message_id": 2, "data": "nope"}
        )
    assert listed == [
        {
            "chat_id": USER,
            "message_id": 2,
            "kind": "text",
            "text": "选一个",
            "buttons": [["好", "ok"]],
            "edits": 0,
            "deleted": False,
        }
    ]
    assert pressed.json()["update_id"] == update.update_id + 1
    assert wrong.status_code == 400 and "no button" in wrong.json()["error"]


def test_standalone_mode() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "tests.standin.bot_api", "--port", str(port), "--token", "1:T"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert f"127.0.0.1:{port}" in process.stdout.readline()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert client.get("/bot1:T/getMe").json()["result"]["is_bot"] is True
            client.post("/_control/send_text", json={"user_id": 5, "text": "hi"})
            [update] = client.post("/bot1:T/getUpdates", data={"timeout": "1"}).json()["result"]
            assert update["message"]["text"] == "hi"
    finally:
        process.terminate()
        process.wait(timeout=10)

"""The conversation service: every channel's courier messages, buttons, commands and staff
actions go through here, in one order, and leave through the `Dispatcher`.

For a courier's text: the crisis check (no NLU needed) → flood control (a person in danger is
never slowed down) → relay to staff (a person who holds the case gets it and the bot is quiet;
a case that only waits keeps the text for whoever takes it and the bot still answers) → plain
words that work on every channel (“转人工”, “取消”, “删除我的数据” …) → consent (a question
asked before agreeing is held and answered right after) → the dialogue.

A channel only translates: it turns what arrived into one call here and the outlet it
registered turns what comes back into the platform's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.core import keywords
from bot.core.accounts import Accounts
from bot.core.crisis import CrisisSignal
from bot.core.dialogue import Dialogue, UserRef
from bot.core.dispatch import Dispatcher
from bot.core.identity import Identities
from bot.core.intake import FloodGuard, HeldQuestions, InboundLog
from bot.core.menu import MENU_GROUPS, group_menu, groups_menu
from bot.core.texts import AGREE, DECLINE, FORGET_NO, FORGET_YES, CourierTexts
from bot.core.understanding import Understanding
from common.replies import Action, Choice, Reply
from handoff.buttons import parse_press
from handoff.notices import ChatRef, Incoming, MessageKind, Outcome
from handoff.service import HandoffService
from knowledge.catalog import Catalog
from reminders.courier import CourierEvents, is_event_button

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_REACHABLE_CACHE = 100_000
TYPING_AFTER = 0.5  # seconds: show "typing…" only when an answer takes longer than this
SUBSCRIBE_PENDING = "\x00subscribe"  # held while a courier agrees: the tag menu comes next
DEADLINE_BUTTON = "ev:pr:"
DEADLINE_PROMPT = "deadline"
# Buttons that store something (a calculator, a "没帮助" press) or bring in a person: consent first.
NEEDS_CONSENT = ("c", "h", "o", "n", "q", "v")
CONSENT_CHOICES = (Choice(AGREE, "consent:yes"), Choice(DECLINE, "consent:no"))
FORGET_CHOICES = (Choice(FORGET_YES, "forget:yes"), Choice(FORGET_NO, "forget:no"))


@dataclass(frozen=True, slots=True)
class Inbound:
    """A courier's message as a channel received it."""

    who: UserRef
    text: str = ""  # the text, or a media message's caption
    kind: MessageKind = "text"
    message_ref: str = ""  # the platform's id of this message
    reply_to: str | None = None
    dedupe_key: str | None = None  # recording is idempotent by it ("tg:123", "wecom:msgid")
    media_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Pressed:
    """What became of a pressed button. `toast`: a short notice on the button (where the
    platform has one); `show`: a reply the channel shows in place of the pressed message if it
    can (menus), else sends; `alert`: the toast needs the courier's attention."""

    toast: str | None = None
    alert: bool = False
    show: Reply | None = None
    unreachable: bool = False  # what the press made could not be sent to the presser
    alone: bool = False  # the toast is the whole answer (stale, consent first, already done)
    then: Reply | None = None  # to send with `say` once the press is acknowledged


def chat_of(who: UserRef) -> ChatRef:
    return ChatRef(who.channel, who.external_ref)


class Conversation:
    def __init__(
        self,
        *,
        catalog: Catalog,
        dialogue: Dialogue,
        understanding: Understanding,
        accounts: Accounts,
        handoff: HandoffService,
        dispatcher: Dispatcher,
        inbound: InboundLog,
        texts: Callable[[str], CourierTexts],
        events: CourierEvents | None = None,
        flood: FloodGuard | None = None,
    ) -> None:
        self.catalog = catalog
        self.dialogue = dialogue
        self.understanding = understanding
        self.accounts = accounts
        self.handoff = handoff
        self.dispatcher = dispatcher
        self.inbound = inbound
        self.texts = texts
        self.events = events
        self.flood = flood or FloodGuard()
        self.held = HeldQuestions()
        self.identities = Identities(accounts)
        self._reachable: set[UserRef] = set()  # seen writing since the start, not blocked since

    # --- plumbing -----------------------------------------------------------------------------

    def claim(self, channel: str, key: str) -> bool:
        """Handle each platform message once: False for a redelivery (skip it)."""
        if self.inbound.claim(channel, key):
            return True
        log.info("%s message %s was handled before; skipped", channel, key)
        return False

    def crisis_in(self, text: str) -> CrisisSignal | None:
        return self.understanding.crisis_in(text)

    async def say(self, who: UserRef, reply: Reply) -> None:
        """Send a reply to the courier; a reply that opened a case is followed by a tick, so
        its card reaches staff without waiting."""
        await self.dispatcher.reply(who.channel, who.external_ref, reply)
        if reply.handover is not None or reply.action is Action.HANDOFF:
            await self.tick()

    async def _text(self, who: UserRef, text: str, choices: tuple[Choice, ...] = ()) -> None:
        await self.say(who, Reply(blocks=(text,), choices=choices))

    async def carry_out(self, outcome: Outcome) -> None:
        await self.dispatcher.carry_out(outcome)

    async def tick(self) -> None:
        """Announce new cases, remind and page for unclaimed ones (see `HandoffService.tick`)."""
        await self.dispatcher.carry_out(self.handoff.tick())

    async def _with_typing(self, who: UserRef, work: Awaitable[T]) -> T:
        """Await `work`; if it is slow, show "typing…" meanwhile (one request)."""

        async def typing_later() -> None:
            await asyncio.sleep(TYPING_AFTER)
            with contextlib.suppress(Exception):
                await self.dispatcher.typing(who.channel, who.external_ref)

        indicator = asyncio.create_task(typing_later())
        try:
            return await work
        finally:
            indicator.cancel()

    def seen(self, who: UserRef) -> None:
        """A courier who writes is reachable again (for reminders), even after blocking us.
        Idempotent, so a redelivered message may run it again."""
        if self.events is None or who in self._reachable:
            return
        self.events.seen(who.channel, who.external_ref)
        if len(self._reachable) >= MAX_REACHABLE_CACHE:
            self._reachable.clear()
        self._reachable.add(who)

    def unreachable(self, who: UserRef) -> None:
        """The platform says the courier blocked us: the next message of theirs marks them
        reachable again."""
        self._reachable.discard(who)

    # --- couriers: messages -------------------------------------------------------------------

    async def text(self, msg: Inbound, *, relay: bool = True) -> None:
        """A courier's text. `relay` False: the text is not a message to staff (a held
        question answered after consent, a caption already relayed with its photo)."""
        who = msg.who
        body = msg.text
        crisis = self.crisis_in(body)
        if crisis is None:  # a person in danger is never slowed down or asked to agree first
            verdict = self.flood.check(who)
            if verdict.notify:
                texts = self.texts(who.channel)
                await self._text(who, texts.too_many if verdict.drop else texts.too_fast)
            if verdict.drop:
                return
            if verdict.delay:
                await asyncio.sleep(verdict.delay)
        # An open case goes before consent: only a crisis opens one before the courier agreed,
        # and then the counsellor must hear them. The core gives the hotlines again on a crisis.
        if relay and not await self._relay(msg, crisis):
            return
        if crisis is None:
            command = keywords.command_in(body)
            if command is not None:
                await self.command(who, *command)
                return
            if not self.accounts.has_consented(who):
                self.held.hold(who, body)
                await self.ask_consent(who)
                return
        reply = await self._with_typing(
            who, self.dialogue.handle_text(who, body, dedupe_key=msg.dedupe_key)
        )
        if reply is not None:
            await self.say(who, reply)

    async def media(self, msg: Inbound) -> None:
        """A photo, voice, sticker, location or file: to staff when a case is open; else a kind
        word, and a caption is read as text."""
        crisis = self.crisis_in(msg.text) if msg.text else None
        if not await self._relay(msg, crisis):
            return
        if crisis is None:
            texts = self.texts(msg.who.channel)
            await self._text(msg.who, texts.non_text.get(msg.kind, texts.non_text["other"]))
        if msg.text.strip():
            await self.text(msg, relay=False)

    async def _relay(self, msg: Inbound, crisis: CrisisSignal | None) -> bool:
        """A courier's message while their case is open goes to the case. True when the
        assistant should (also) answer it: no case, or one that only waits for a person."""
        outcome = self.handoff.courier_message(
            Incoming(
                chat=chat_of(msg.who),
                message_ref=msg.message_ref or (msg.dedupe_key or ""),
                kind=msg.kind,
                text=msg.text if msg.text or msg.kind == "text" else None,
                reply_to=msg.reply_to,
                dedupe_key=msg.dedupe_key,
                crisis_kind=crisis.kind if crisis is not None else None,
                media_ref=msg.media_ref,
            )
        )
        if not outcome.handled:
            return True
        await self.dispatcher.carry_out(outcome)
        if crisis is not None:  # the case became urgent: its new card goes out now
            await self.tick()
        return outcome.answer_too

    async def ask_consent(self, who: UserRef, lead: str | None = None) -> None:
        texts = self.texts(who.channel)
        await self._text(who, f"{lead or texts.need_consent}\n\n{texts.start}", CONSENT_CHOICES)

    def welcome(self, who: UserRef) -> Reply:
        """What a courier sees on entering the chat: who we are and consent, or, once agreed,
        a short hello (the channel sends it, e.g. as WeChat's welcome message)."""
        texts = self.texts(who.channel)
        if self.accounts.has_consented(who):
            return Reply(blocks=(texts.start.rsplit("\n\n", 1)[0], texts.agreed))
        return Reply(blocks=(texts.start,), choices=CONSENT_CHOICES)

    # --- couriers: commands -------------------------------------------------------------------

    async def command(self, who: UserRef, name: str, arg: str = "") -> None:
        """/start, /menu, /help, /human [role], /cancel, /privacy, /forget, /events,
        /subscribe, /unsubscribe — or the same asked in plain words (see `keywords`)."""
        texts = self.texts(who.channel)
        if name == "start":
            if self.accounts.has_consented(who):
                await self._text(who, texts.start.rsplit("\n\n", 1)[0])
                await self._text(who, texts.agreed)
            else:
                await self._text(who, texts.start, CONSENT_CHOICES)
        elif name == "consent":
            if self.accounts.has_consented(who):
                await self._text(who, texts.agreed)
            else:
                await self._consent(who, arg == "yes")
        elif name == "help":
            await self._text(who, texts.help)
        elif name == "privacy":
            await self._text(who, texts.privacy)
        elif name == "menu":
            await self.say(who, groups_menu(texts.menu_title))
        elif name == "human":
            await self._human(who, arg or None)
        elif name == "cancel":
            await self._cancel(who)
        elif name == "forget":
            if self.handoff.has_open_case(chat_of(who)):
                # Deleting now would pull the case from under the staff member mid-conversation.
                await self._text(who, texts.forget_case_open)
            else:
                await self._text(who, texts.forget_ask, FORGET_CHOICES)
        elif name == "events":
            if self.events is not None:
                await self.say(who, self.events.events())
        elif name == "subscribe":
            await self._subscribe(who, arg)
        elif name == "unsubscribe":
            await self._unsubscribe(who, arg)
        else:
            await self._text(who, texts.unknown_command)

    async def _human(self, who: UserRef, role: str | None) -> None:
        if not self.accounts.has_consented(who):
            await self.ask_consent(who)
            return
        if self.handoff.has_open_case(chat_of(who)):
            await self._text(who, self.texts(who.channel).human_already)
            return
        await self.say(who, self.dialogue.request_human(who, role))

    async def _cancel(self, who: UserRef) -> None:
        if self.handoff.has_open_case(chat_of(who)):  # stop waiting for a person
            await self.dispatcher.carry_out(self.handoff.cancel(chat_of(who)))
            return
        left = self.accounts.leave_flow(who)
        texts = self.texts(who.channel)
        await self._text(who, texts.cancelled if left else texts.nothing_to_cancel)

    async def _subscribe(self, who: UserRef, tag: str) -> None:
        """The tag menu (or one tag, in words); a subscription is stored, so consent first."""
        if self.events is None:
            return
        if not self.accounts.has_consented(who):
            self.held.hold(who, SUBSCRIBE_PENDING)
            await self.ask_consent(who, self.texts(who.channel).need_consent_subscribe)
            return
        if tag:
            await self.say(who, self.events.set_tag(who.channel, who.external_ref, tag, True))
            return
        await self.say(who, self.events.subscribe_menu(who.channel, who.external_ref))

    async def _unsubscribe(self, who: UserRef, tag: str) -> None:
        """Stop every reminder at once, or one tag (without consent nothing was stored)."""
        if self.events is None:
            return
        if not self.accounts.has_consented(who):
            await self._text(who, self.texts(who.channel).unsubscribe_nothing)
            return
        if tag:
            await self.say(who, self.events.set_tag(who.channel, who.external_ref, tag, False))
            return
        await self.say(who, self.events.unsubscribe_all(who.channel, who.external_ref))

    # --- couriers: buttons --------------------------------------------------------------------

    def knows_button(self, data: str | None) -> bool:
        """Whether `data` is a button of ours (a WeChat menu click with another id is text)."""
        data = data or ""
        return (
            data in ("consent:yes", "consent:no", "forget:yes", "forget:no", "m")
            or (data.startswith("m:") and data[2:] in MENU_GROUPS)
            or parse_press(data) is not None
            or (is_event_button(data) and self.events is not None)
            or self.dialogue.knows_button(data)
        )

    async def button(
        self, who: UserRef, data: str | None, *, shown_name: str | None = None
    ) -> Pressed:
        """A pressed button (or a WeChat menu item, which comes back as its data). Forged or
        stale data gets a polite notice and changes nothing."""
        data = data or ""
        texts = self.texts(who.channel)
        if data in ("consent:yes", "consent:no"):
            await self._consent(who, data == "consent:yes")
            return Pressed(show=None)
        if data in ("forget:yes", "forget:no"):
            await self._forget(who, data == "forget:yes")
            return Pressed()
        if data == "m" or data.startswith("m:"):
            group = data.partition(":")[2]
            if group and group not in MENU_GROUPS:
                return Pressed(toast=texts.stale_button, alone=True)
            if not group:
                return Pressed(show=groups_menu(texts.menu_title))
            return Pressed(show=group_menu(self.catalog, group))
        if HandoffService.owns_button(data):
            if parse_press(data) is None:  # forged or malformed
                return Pressed(toast=texts.stale_button, alone=True)
            outcome = self.handoff.press(chat_of(who), data, shown_name=shown_name)
            carried = await self.dispatcher.carry_out(outcome)
            unreachable = chat_of(who) in carried.unreachable
            return Pressed(toast=outcome.toast, unreachable=unreachable, alone=not outcome.sends)
        if is_event_button(data) and self.events is not None:
            return await self._event_button(who, data)
        if not self.dialogue.knows_button(data):
            return Pressed(toast=texts.stale_button, alone=True)
        if data.partition(":")[0] in NEEDS_CONSENT and not self.accounts.has_consented(who):
            return Pressed(toast=texts.need_consent_button, alert=True, alone=True)
        reply = await self.dialogue.handle_button(who, data)
        if reply.stale:  # e.g. a calculator button after the calculation ended
            return Pressed(toast=texts.stale_button, alone=True)
        return Pressed(then=reply)

    async def _consent(self, who: UserRef, agreed: bool) -> None:
        texts = self.texts(who.channel)
        if not agreed:
            self.held.take(who)
            await self._text(who, texts.declined)
            return
        self.accounts.agree(who)
        pending = self.held.take(who)
        if pending is None or pending == SUBSCRIBE_PENDING:
            await self._text(who, texts.agreed)
            if pending is not None and self.events is not None:  # from /subscribe: the menu
                await self.say(who, self.events.subscribe_menu(who.channel, who.external_ref))
            return
        await self._text(who, texts.agreed_pending)
        await self.text(Inbound(who, pending), relay=False)

    async def _forget(self, who: UserRef, confirmed: bool) -> None:
        texts = self.texts(who.channel)
        if not confirmed:
            await self._text(who, texts.forget_kept)
            return
        self.held.take(who)
        deleted = self.accounts.forget(who)
        await self._text(who, texts.forget_done if deleted else texts.forget_nothing)

    async def _event_button(self, who: UserRef, data: str) -> Pressed:
        """An `ev:` button: a tag on or off, stop all, or the deadline reminder offered under
        an answer (then the courier's next text is the date)."""
        assert self.events is not None
        texts = self.texts(who.channel)
        if not self.accounts.has_consented(who):  # every one of these stores or changes data
            return Pressed(toast=texts.need_consent_button, alert=True, alone=True)
        reply = self.events.handle_button(who.channel, who.external_ref, data)
        if reply.stale:
            return Pressed(toast=reply.blocks[0], alone=True)
        if data.startswith(DEADLINE_BUTTON):
            self.dialogue.expect(who, DEADLINE_PROMPT, data.removeprefix(DEADLINE_BUTTON))
            await self.say(who, reply)
            return Pressed()
        return Pressed(show=reply)

    # --- staff --------------------------------------------------------------------------------

    def is_staff(self, chat: ChatRef) -> bool:
        return self.handoff.is_staff(chat)

    async def staff_message(self, incoming: Incoming) -> bool:
        """A message in a staff member's private chat; False when the sender is not staff."""
        outcome = self.handoff.staff_message(incoming)
        if not outcome.handled:
            return False
        await self.dispatcher.carry_out(outcome)
        return True

    async def staff_command(self, who: ChatRef, name: str, arg: str = "") -> bool:
        """/queue, /mine, /close … from staff; False (and audited as denied) for others."""
        outcome = self.handoff.staff_command(who, name, arg)
        if not outcome.handled:
            return False
        await self.dispatcher.carry_out(outcome)
        return True

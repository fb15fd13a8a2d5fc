"""`HandoffService`: the one entry point a channel uses for human handoff.

Plain inputs (`ChatRef`, `Incoming`, button data, command name and argument), plain outputs
(`Outcome` with notices, copies and card edits). Each call is one unit of work at the clock's
time. Only registered, active staff can act as staff; every staff action is audited.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from common.clock import Clock
from handoff import announce, courier, desk, platform, relay
from handoff.buttons import PREFIX, parse_press
from handoff.cases import open_case_of_chat
from handoff.config import HandoffConfig
from handoff.context import Ctx
from handoff.notices import ChatRef, Incoming, Notice, Outcome, Track
from handoff.render import HandoffText
from handoff.staff import active_staff, write_audit
from storage.handoff_models import Staff
from storage.models import HandoffCase

log = logging.getLogger(__name__)
STAFF_COMMANDS = (
    "queue", "mine", "switch", "claim", "close", "transfer", "transcript", "canned", "whois",
    "help",
)  # fmt: skip
_CASE_ARG = re.compile(r"^#?(\d+)\s*(.*)$", re.DOTALL)


class HandoffService:
    def __init__(
        self,
        *,
        uow: Callable[[], AbstractContextManager[Session]],
        clock: Clock,
        config: HandoffConfig,
        text: HandoffText | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._config = config
        self._text = text or HandoffText()

    def _ctx(self, session: Session) -> Ctx:
        return Ctx(session, self._config, self._text, self._clock.now())

    # --- for the channel --------------------------------------------------------------------

    def is_staff(self, chat: ChatRef) -> bool:
        """True for a registered, active staff member's private chat."""
        with self._uow() as session:
            return active_staff(session, chat) is not None

    def has_open_case(self, courier: ChatRef) -> bool:
        with self._uow() as session:
            return open_case_of_chat(session, courier.channel, courier.ref) is not None

    def record_sent(self, track: Track, chat: ChatRef, message_ref: str) -> None:
        """Call after sending a notice or copy that carried a `Track`, with the new message id."""
        with self._uow() as session:
            relay.record_sent(self._ctx(session), track, chat, message_ref)

    def tick(self) -> Outcome:
        """Announce new cases, remind and page for unclaimed ones. Run every ~15 seconds and
        right after a dialogue turn that opened a case (a reply with a handover)."""
        with self._uow() as session:
            return Outcome(tuple(announce.sweep(self._ctx(session))))

    def can_come(self, role: str | None) -> bool:
        """Whether a person of `role` (None: any) could come now (registered, on duty)."""
        with self._uow() as session:
            return platform.can_come(self._ctx(session), role)

    # --- cases a platform carries (WeCom 微信客服: volunteers answer in the WeCom app) ---------

    def servicer_for(self, role: str | None) -> str | None:
        """The WeCom userid to transfer a session of `role` to; None: the platform's queue."""
        with self._uow() as session:
            return platform.servicer_for(self._ctx(session), role)

    def platform_taken(self, courier: ChatRef, userid: str) -> Outcome:
        with self._uow() as session:
            return platform.taken(self._ctx(session), courier, userid)

    def platform_staff_said(self, courier: ChatRef, userid: str, incoming: Incoming) -> Outcome:
        with self._uow() as session:
            return platform.staff_said(self._ctx(session), courier, userid, incoming)

    def platform_ended(self, courier: ChatRef, userid: str | None) -> Outcome:
        with self._uow() as session:
            return platform.ended(self._ctx(session), courier, userid)

    # --- couriers ---------------------------------------------------------------------------

    def courier_message(self, incoming: Incoming) -> Outcome:
        """A courier's message. `handled` False: no open case, the dialogue core answers."""
        with self._uow() as session:
            return relay.from_courier(self._ctx(session), incoming)

    def cancel(self, who: ChatRef) -> Outcome:
        """/cancel: stop waiting (a case someone already holds is not cancelled)."""
        with self._uow() as session:
            return courier.cancel(self._ctx(session), who)

    # --- buttons ----------------------------------------------------------------------------

    @staticmethod
    def owns_button(data: str | None) -> bool:
        return bool(data) and str(data).startswith(PREFIX)

    def press(self, who: ChatRef, data: str | None, *, shown_name: str | None = None) -> Outcome:
        """A pressed handoff button. `who` is the presser's private chat (in a group too);
        `shown_name` is how the channel names them, used only if they agree to share it."""
        press = parse_press(data)
        if press is None:
            return Outcome(toast=courier.STALE)
        with self._uow() as session:
            ctx = self._ctx(session)
            if press.kind == "rate":
                return courier.rate(ctx, who, press.case_id, press.value or 0)
            if press.kind == "identity":
                return courier.identity(ctx, who, press.case_id, press.value == 1, shown_name)
            if press.kind == "same_person":
                return courier.same_person(ctx, who, press.case_id, press.value == 1)
            if press.kind == "cancel":
                return courier.cancel(ctx, who, press.case_id)
            if press.kind == "wait":
                return courier.keep_waiting(ctx, who, press.case_id)
            staff = self._staff_or_deny(ctx, who, press.kind)
            if staff is None:
                return Outcome(toast="只有登记过的工作人员可以操作")
            if press.kind == "claim":
                return desk.take(ctx, staff, press.case_id)
            return desk.switch(ctx, staff, press.case_id)

    # --- staff ------------------------------------------------------------------------------

    def staff_message(self, incoming: Incoming) -> Outcome:
        """A message in a staff member's private chat. `handled` False: not staff."""
        with self._uow() as session:
            ctx = self._ctx(session)
            staff = active_staff(session, incoming.chat)
            if staff is None:
                return Outcome(handled=False)
            return relay.from_staff(ctx, staff, incoming)

    def staff_command(self, who: ChatRef, name: str, arg: str = "") -> Outcome:
        """/queue, /mine, /switch N, /claim N, /close NOTE, /transfer TARGET [NOTE],
        /transcript [N], /canned [NAME], /whois, /help. `handled` False: not staff."""
        name = name.lstrip("/").split("@")[0].lower()
        with self._uow() as session:
            ctx = self._ctx(session)
            staff = self._staff_or_deny(ctx, who, name)
            if staff is None:
                return Outcome(handled=False)
            return self._command(ctx, staff, name, arg.strip())

    def _command(self, ctx: Ctx, staff: Staff, name: str, arg: str) -> Outcome:
        chat = ChatRef(staff.channel, staff.external_ref)
        if name == "queue":
            return desk.show_queue(ctx, staff)
        if name == "mine":
            return desk.show_mine(ctx, staff)
        if name == "canned":
            return desk.send_canned(ctx, staff, arg)
        if name in ("switch", "claim"):
            match = _CASE_ARG.match(arg)
            if match is None:
                return Outcome((Notice(chat, ctx.text.staff("help")),))
            number = int(match.group(1))
            return (
                desk.switch(ctx, staff, number)
                if name == "switch"
                else desk.take(ctx, staff, number)
            )
        if name == "transcript":
            match = _CASE_ARG.match(arg)
            if match is None:
                return desk.transcript(ctx, staff, _picked(ctx, staff), None)
            number = int(match.group(1))
            return desk.transcript(ctx, staff, ctx.session.get(HandoffCase, number), number)
        if name in ("close", "transfer", "whois"):
            match = _CASE_ARG.match(arg)
            if match is not None:  # an explicit "#12" first
                arg = match.group(2)
                found: HandoffCase | Notice = _held(ctx, staff, int(match.group(1)))
            else:
                found = relay.current_case(ctx, staff, None)
            if isinstance(found, Notice):
                return Outcome((found,))
            if name == "close":
                return desk.close(ctx, staff, found, arg)
            if name == "transfer":
                return desk.transfer(ctx, staff, found, arg)
            return desk.ask_identity(ctx, staff, found)
        return Outcome((Notice(chat, ctx.text.staff("help")),))

    def _staff_or_deny(self, ctx: Ctx, who: ChatRef, action: str) -> Staff | None:
        staff = active_staff(ctx.session, who)
        if staff is None:
            write_audit(
                # Not the chat id: it may be a courier's, and an audit row outlives /forget.
                ctx.session, actor=f"{who.channel}:unregistered", action="denied",
                detail=action[:100], now=ctx.now,
            )  # fmt: skip
            log.warning("handoff action %r by a chat that is not registered staff", action)
        return staff


def _picked(ctx: Ctx, staff: Staff) -> HandoffCase | None:
    found = relay.current_case(ctx, staff, None)
    return found if isinstance(found, HandoffCase) else None


def _held(ctx: Ctx, staff: Staff, case_id: int) -> HandoffCase | Notice:
    case = ctx.session.get(HandoffCase, case_id)
    if case is None or case.status != "claimed" or case.claimed_by != staff.id:
        chat = ChatRef(staff.channel, staff.external_ref)
        return Notice(chat, ctx.text.staff("no_case", case_id=case_id))
    return case

"""A courier's standing with us: consent to store, leaving a flow, deleting everything.

Channel-independent: any channel names the courier with a `UserRef`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.dialogue import FLOW_MAX_AGE, UserRef
from common.clock import Clock
from storage.models import User
from storage.repositories import States, Users


class Accounts:
    def __init__(self, uow: Callable[[], AbstractContextManager[Session]], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        # Consent is asked on every message; once seen it is remembered until `forget`.
        self._consented: set[UserRef] = set()

    def has_consented(self, who: UserRef) -> bool:
        """Whether they agreed to storage: here, or on another WeChat channel as the same
        person (same unionid), whose consent is then recorded here too."""
        if who in self._consented:
            return True
        with self._uow() as session:
            user = Users(session).get(who.channel, who.external_ref)
            consented = user is not None and user.consented_at is not None
            if user is not None and not consented and user.unionid:
                twin = session.scalars(
                    select(User)
                    .where(User.unionid == user.unionid, User.consented_at.is_not(None))
                    .order_by(User.consented_at)
                ).first()
                if twin is not None:
                    user.consented_at, consented = twin.consented_at, True
        if consented:
            self._consented.add(who)
        return consented

    def link(self, who: UserRef, unionid: str) -> None:
        """WeChat says who they are across the union's accounts (an open platform's unionid)."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            user.unionid = unionid[:64]

    def agree(self, who: UserRef) -> None:
        """Record consent to store messages (idempotent: the first time is kept)."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            if user.consented_at is None:
                user.consented_at = now
        self._consented.add(who)

    def leave_flow(self, who: UserRef) -> bool:
        """Drop a running calculator. True when there was one."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get(who.channel, who.external_ref)
            if user is None or States(session).get(user, now, FLOW_MAX_AGE) is None:
                return False
            States(session).put(user, None, now)
            return True

    def forget(self, who: UserRef) -> bool:
        """Delete the courier and everything stored about them — on every WeChat channel where
        they are the same person (same unionid). True when there was anything."""
        self._consented.discard(who)
        with self._uow() as session:
            user = Users(session).get(who.channel, who.external_ref)
            if user is None:
                return False
            twins = (
                list(session.scalars(select(User).where(User.unionid == user.unionid)))
                if user.unionid
                else [user]
            )
            for row in twins:
                self._consented.discard(UserRef(row.channel, row.external_ref))
                Users(session).forget(row)
            return True

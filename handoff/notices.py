"""What goes in and out of the handoff service: plain data a channel turns into its own calls.

In: `ChatRef` (who), `Incoming` (a message). Out: an `Outcome` holding `Notice` (send this HTML
with these buttons), `CopyMessage` (copy that message there) and `EditCard` (rewrite a card),
in the order they should be carried out. When a sent message carries a `Track`, the channel
reports the new message's id back with `HandoffService.record_sent`, so replies can be mapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MessageKind = Literal["text", "photo", "voice", "document", "sticker", "video", "location", "other"]
MEDIA_LABELS: dict[str, str] = {
    "photo": "[图片]",
    "voice": "[语音]",
    "document": "[文件]",
    "sticker": "[表情]",
    "video": "[视频]",
    "location": "[位置]",
    "other": "[消息]",
}


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat on a channel: ("telegram", "123456") is a private chat or the staff group."""

    channel: str
    ref: str


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # callback data, see `handoff.buttons`


@dataclass(frozen=True, slots=True)
class Track:
    """Report the sent message back: a `card` of case `id`, or relay link `id`."""

    kind: Literal["card", "link"]
    id: int


@dataclass(frozen=True, slots=True)
class Notice:
    to: ChatRef
    html: str  # the Telegram HTML subset; everything a person typed is escaped
    buttons: tuple[Button, ...] = ()
    track: Track | None = None
    reply_to: str | None = None  # a message id in `to` to reply to


@dataclass(frozen=True, slots=True)
class CopyMessage:
    """Copy a message as is (text, photo, voice, document, sticker), without its sender.

    It carries the content too (`kind`, `text`, `media_ref`), so a channel that cannot copy
    from the source's channel (a WeChat courier, a Telegram volunteer) sends it anew."""

    source: ChatRef
    message_ref: str
    to: ChatRef
    track: Track
    reply_to: str | None = None
    kind: MessageKind = "text"
    text: str | None = None  # the text, or a media message's caption
    media_ref: str | None = None  # what the source's channel can fetch (a file or media id)

    def label(self) -> str:
        """The content as one line of plain text (a media label and the caption)."""
        if self.kind == "text":
            return self.text or ""
        media = MEDIA_LABELS.get(self.kind, MEDIA_LABELS["other"])
        return f"{media} {self.text}" if self.text else media


@dataclass(frozen=True, slots=True)
class EditCard:
    chat: ChatRef
    message_ref: str
    html: str
    buttons: tuple[Button, ...] = ()


Outgoing = Notice | CopyMessage | EditCard


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to do. `toast`: a short answer to a pressed button. `handled` False: not a handoff
    matter (a courier without an open case), so the channel asks the dialogue core instead."""

    sends: tuple[Outgoing, ...] = ()
    toast: str | None = None
    handled: bool = True
    # A courier's message while their case only waits: kept for whoever takes it, and the
    # assistant still answers it (nobody else would). False once a person holds the case.
    answer_too: bool = False


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message in a private chat with the bot, from a courier or a staff member.

    `text` is the text or the caption; `reply_to` the id of the message it answers (same chat);
    `dedupe_key` makes recording idempotent (a Telegram update id); `crisis_kind` is set by the
    caller's crisis check (courier messages only; the check lives in the dialogue core).
    """

    chat: ChatRef
    message_ref: str
    kind: MessageKind = "text"
    text: str | None = None
    reply_to: str | None = None
    dedupe_key: str | None = None
    crisis_kind: str | None = None
    media_ref: str | None = None  # a file or media id the channel can fetch again

    def label(self) -> str:
        """The message as one line of text for transcripts: text, or a media label + caption."""
        if self.kind == "text":
            return self.text or ""
        media = MEDIA_LABELS.get(self.kind, MEDIA_LABELS["other"])
        return f"{media} {self.text}" if self.text else media

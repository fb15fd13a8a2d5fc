"""Crisis detector: runs on every courier message before anything else, without the NLU server.

Input is the output of `bot.core.normalize.normalize` (simplified, NFKC-folded), but raw text is
handled too. The check is biased toward recall: a false alarm only shows hotlines and pages a
counsellor, a miss can cost a life. The phrases live in bot/core/crisis_phrases/*.yaml, written
for counsellors to review (bot.core.crisis_book reads them); this module only applies them:

1. zero-width characters are removed and the text is case-folded; white space is removed too, so
   that "不 想 活" and "ZiSha" are caught, and a second form keeps each space as a clause break,
   because couriers type without punctuation ("撑不下去了 对不起儿子");
2. negative.yaml spans (everyday hyperbole and work slang such as 累死了, 砍价, 打电话, 救命钱,
   news about someone else, negated wishes such as 我不是想死) are masked out on the joined form,
   so they can neither fire nor lend characters to a positive match;
3. self_harm.yaml families, then means.yaml cues (everyday objects used as means, such as
   charcoal, rope or a roof, that count unless the message names an ordinary purpose), then
   farewells.yaml (a farewell context plus a goodbye), then violence.yaml families are searched
   in order; the first hit wins, so bleeding self-injury stays "self_harm";
4. a beating or a fall told after the fact to ask about rights (a past time or an aftermath such
   as the hospital, a rights question, nothing about danger now: 前天被业主踹了一脚 后来他走了
   能找他赔吗) is not an emergency when every violence family that matched is `past_able`;
   weapons, threats, being held or followed and calls for help always are.

Known limit, measured while widening the lists (tests/unit/crisis_probe_cases.py and
crisis_social_cases.py): on freshly written messages the phrase families catch only a minority of
danger messages worded in new ways (9 of 23 in the last social-media set, never used to tune), so
this is a floor, not the whole net.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.crisis_book import MASK, Family, phrase_book

Kind = Literal["self_harm", "violence"]


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    kind: Kind  # self_harm: suicide / self-injury; violence: danger happening now
    cue: str  # the matched phrase, for logs and tests


_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]+")
_SPACES = re.compile(r"\s+")


def _mask(text: str) -> str:
    for family in phrase_book().negative:
        text = family.pattern.sub(lambda m: MASK * len(m.group()), text)
    return text


def _farewell(compact: str, masked: str) -> str | None:
    """A farewell context plus a goodbye outside it, as "context…goodbye", or None."""
    for pair in phrase_book().farewells:
        if (ctx := pair.first.search(masked)) is None:
            continue
        rest = masked[: ctx.start()] + MASK * len(ctx.group()) + masked[ctx.end() :]
        if bye := pair.second.search(rest):
            return f"{ctx.group()}…{compact[bye.start() : bye.end()]}"
    return None


def _self_harm(compact: str, masked: str) -> str | None:
    book = phrase_book()
    for family in book.self_harm:
        if m := family.pattern.search(masked):
            return compact[m.start() : m.end()]
    for pair in book.means:
        if (m := pair.first.search(masked)) and not pair.second.search(masked):
            return compact[m.start() : m.end()]
    return _farewell(compact, masked)


def _violence(compact: str, masked: str) -> list[tuple[Family, str]]:
    """(family, cue) for every violence family that matches, in family order."""
    return [
        (family, compact[m.start() : m.end()])
        for family in phrase_book().violence
        if (m := family.pattern.search(masked))
    ]


def _told_after_the_fact(compact: str) -> bool:
    """An aftermath, a rights question and nothing of danger now (after_the_fact.yaml)."""
    book = phrase_book()
    return bool(
        book.aftermath.search(compact)
        and book.rights_question.search(compact)
        and not book.danger_now.search(compact)
    )


def _violence_verdict(variants: list[tuple[str, str]]) -> tuple[str | None, bool]:
    """(cue of danger now or None, whether a violence cue was found but told after the fact)."""
    cues = [hit for compact, masked in variants for hit in _violence(compact, masked)]
    if not cues:
        return None, False
    if all(family.past_able for family, _ in cues) and _told_after_the_fact(variants[0][0]):
        return None, True
    return cues[0][1], False


def _variants(text: str) -> list[tuple[str, str]]:
    """(compact, masked) forms of `text`: spaces removed, then spaces kept as clause breaks.

    Spaces are dropped so that "不 想 活 了" is caught. Couriers also write without punctuation and
    put a space between clauses ("撑不下去了 对不起"), so a second form marks each space as ","
    for the patterns that need a clause end. Masks are computed once, on the joined form, so the
    second form can add cues but never lose a mask.

    A third form masks the clauses on their own, so that everyday speech can never reach across
    a space and swallow a cue: in "好想死 累得不行" the joined form reads 死累 (an intensifier)
    and loses 想死; the third form keeps it.
    """
    pieces = _SPACES.split(_ZERO_WIDTH.sub("", text).strip().casefold())
    joined = "".join(pieces)
    masked = _mask(joined)
    if len(pieces) == 1:
        return [(joined, masked)] if joined else []
    spaced, spaced_masked, at = [pieces[0]], [masked[: len(pieces[0])]], len(pieces[0])
    for piece in pieces[1:]:
        inside_mask = masked[at - 1 : at + 1] == MASK * 2
        spaced += [",", piece]
        spaced_masked += [MASK if inside_mask else ",", masked[at : at + len(piece)]]
        at += len(piece)
    clauses = "".join(spaced)
    return [(joined, masked), (clauses, "".join(spaced_masked)), (clauses, _mask(clauses))]


def detect_crisis(text: str) -> CrisisSignal | None:
    """Return the first crisis cue in `text` (self-harm before violence), or None."""
    variants = _variants(text)
    for compact, masked in variants:
        if cue := _self_harm(compact, masked):
            return CrisisSignal("self_harm", cue)
    cue, _ = _violence_verdict(variants)
    return CrisisSignal("violence", cue) if cue else None


def is_told_after_the_fact(text: str) -> bool:
    """True when the text tells of an assault or a fall that is over, to ask about rights
    (上周被业主扇了一巴掌 后来他走了 能怎么办), and holds no crisis cue. The policy then keeps the
    model's low-floor crisis net from firing on it; the answer still names 110 and 120."""
    if not _told_after_the_fact(_INVISIBLE.sub("", text).casefold()):
        return False  # most messages: two short searches, not the whole crisis check again
    variants = _variants(text)
    if not variants or any(_self_harm(compact, masked) for compact, masked in variants):
        return False
    cue, after_the_fact = _violence_verdict(variants)
    return cue is None and after_the_fact


def is_figure_of_speech(text: str) -> bool:
    """True when the text holds everyday hyperbole (累死了, 笑死) and no crisis cue.

    The policy uses it to keep the model's low-floor crisis net from firing on 热死了.
    """
    compact = _INVISIBLE.sub("", text).casefold()
    return _mask(compact) != compact and detect_crisis(text) is None


def is_everyday_closing(text: str) -> bool:
    """True when the text is only thanks, goodbye and acknowledgement (谢了兄弟, 好滴 拜) and the
    crisis lists find no cue in it. A real farewell ("谢谢你们 以后不会再来了") has more words, and
    the lists' farewell families look at those; the policy then keeps the model's low crisis
    floors from firing on the ordinary end of a chat."""
    compact = _INVISIBLE.sub("", text).casefold()
    closing = phrase_book().closing
    if not compact or closing.fullmatch(compact) is None or not re.search(r"\w", compact):
        return False
    return detect_crisis(text) is None

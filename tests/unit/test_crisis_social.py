"""Fresh social-media-style posts of the kinds issue 14 found missed or falsely flagged.

The cases and how they were written (four rounds, the last set never used to change the
phrase files) are in crisis_social_cases.py.
"""

from __future__ import annotations

import pytest

from bot.core.crisis import is_figure_of_speech
from bot.core.understanding import Understanding
from tests.unit import crisis_probe_cases
from tests.unit.crisis_social_cases import CHECK, CHECK2, CHECK3, CHECK4, GAPS, TUNE, Case

ALL = TUNE + CHECK + CHECK2 + CHECK3 + CHECK4
KINDS = {
    "self_harm": {"lethal_dose", "plan_in_passing", "leave_disappear", "child_if_gone"},
    None: {"hyperbole", "fear_of_death", "relationship", "childhood_past"},
}


def _params(cases: list[Case]) -> list[object]:
    gap = pytest.mark.xfail(strict=True, reason="known gap of the phrase lists")
    return [
        pytest.param(text, kind, id=f"{what}-{number}", marks=gap if text in GAPS else ())
        for number, (text, kind, what) in enumerate(cases)
    ]


@pytest.mark.parametrize(("text", "kind"), _params(ALL))
def test_social_post(text: str, kind: str | None) -> None:
    signal = Understanding.crisis_in(text)
    if kind is None:
        assert signal is None, signal
    else:
        assert signal is not None and signal.kind == kind, signal


@pytest.mark.parametrize("text", [text for text, _, what in ALL if what == "hyperbole"])
def test_hyperbole_is_a_figure_of_speech(text: str) -> None:
    # Then the policy keeps the model's recall-first crisis floors from firing on it.
    assert is_figure_of_speech(text)


def test_sets_are_fresh_balanced_and_cover_every_kind() -> None:
    texts = [text for text, _, _ in ALL]
    assert len(texts) == len(set(texts)) and GAPS.issubset(texts)
    earlier = {text for cases in _probe_sets() for text, _ in cases}
    assert not set(texts) & earlier
    for cases in (TUNE, CHECK, CHECK2, CHECK3, CHECK4):
        for kind, whats in KINDS.items():
            assert {what for _, k, what in cases if k == kind} == whats
        danger = [text for text, kind, _ in cases if kind]
        assert 0.4 <= len(danger) / len(cases) <= 0.6


def _probe_sets() -> list[list[tuple[str, crisis_probe_cases.Expected]]]:
    p = crisis_probe_cases
    return [p.PROBE, p.HOLDOUT, p.HOLDOUT2, p.HOLDOUT3, p.HOLDOUT4]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # An ordinary purpose cancels only an ambiguous cue: words that often come WITH despair
        # (the child, a divorce, a few days of thinking, the job) never cancel one.
        ("楼顶风好大 明天就结束了 孩子就拜托你们了", "self_harm"),
        ("这几天一直在想 我走了孩子谁管", "self_harm"),
        ("我走了孩子谁管 她妈早改嫁了", "self_harm"),
        ("为了孩子 不然早死了 公司天天扣钱", "self_harm"),
        ("我要是出差走了 孩子谁接放学", None),
        ("我去外地打工了 孩子谁带", None),
        ("为了孩子 不然早辞职了", None),
        ("阳台栏杆太矮 孩子危险 找物业", None),
        ("明天轮休 不用早起了 去河边钓鱼", None),
        ("双十一明天就结束了", None),
        ("农药打了虫子会死吗", None),
        ("攒的药够吃一个月了", None),
        # Childhood told in the past is quiet; the same message with danger now is not.
        ("小时候我爸经常打我 现在他又打我了", "violence"),
        ("小学门口有人拿刀追着打我", "violence"),
        ("我在高中门口被人打了", "violence"),
        ("小时候他拿刀砍过我", "violence"),
        ("初中那会被人打过 一直不敢说", None),
        ("小时候我妈说我是多余的 现在我也觉得自己是多余的", "self_harm"),
        # Fear of dying is quiet; not fearing it, with a wish, is not.
        ("我不怕死 活着没意思", "self_harm"),
        ("我怕他找人弄死我", "violence"),
    ],
)
def test_a_second_look_never_hides_despair_or_danger_now(text: str, kind: str | None) -> None:
    signal = Understanding.crisis_in(text)
    assert (signal.kind if signal else None) == kind, signal


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Everyday speech is blanked on the joined text; it must never reach across a space (or
        # into a wish) and swallow a real cue: 死累 and 死心 are intensifiers, 难过死了 hyperbole.
        ("好想死 累得不行", "self_harm"),
        ("想死 心累", "self_harm"),
        ("想死 活着太累", "self_harm"),
        ("好难过 死了算了", "self_harm"),
        ("委屈 死了就解脱了", "self_harm"),
        ("没人管我死活", "self_harm"),
        # ... while letter-spaced hyperbole and the idiom 死活 stay quiet.
        ("累 死 了", None),
        ("笑 死 我 了", None),
        ("站长死活不让我请假", None),
        ("难过死了 今天被投诉了", None),
    ],
)
def test_everyday_speech_never_swallows_a_cue(text: str, kind: str | None) -> None:
    signal = Understanding.crisis_in(text)
    assert (signal.kind if signal else None) == kind, signal


EVERYDAY = [
    "难过死了",
    "委屈死了",
    "笑死",
    "小时候我爸经常打我",
    "初中的时候被人欺负",
    "我很怕死",
    "我怕我妈哪天就走了",
    "害怕",
]
DANGER = [
    ("我已经在天台上了", "self_harm"),
    ("一直扇自己耳光", "self_harm"),
    ("我死了都没人在乎", "self_harm"),
    ("我宁愿死掉算了", "self_harm"),
    ("安眠药的致死量是多少", "self_harm"),
    ("我要是走了 我闺女谁来管", "self_harm"),
    ("有人打我 快来", "violence"),
    ("他拿刀追我", "violence"),
    ("我快死了", "violence"),
    ("被人锁在仓库里了", "violence"),
]


@pytest.mark.parametrize("everyday", EVERYDAY)
@pytest.mark.parametrize(("danger", "kind"), DANGER)
def test_everyday_speech_next_to_danger_never_hides_it(
    everyday: str, danger: str, kind: str
) -> None:
    for text in (f"{everyday} {danger}", f"{danger} {everyday}", f"{everyday}，{danger}"):
        signal = Understanding.crisis_in(text)
        assert signal is not None and signal.kind == kind, (text, signal)


# Ordinary courier talk that uses the words the new families look for (药, 片, 楼顶, 河边, 炭,
# 走了, 离开, 消失, 孩子, 怕, 小时候), written to probe them for false alarms.
ORDINARY = [
    "客户说件放楼顶了 明天去拿",
    "今晚最后一单送到河边小区",
    "天台漏水了 物业明天来修",
    "感冒药一次吃几片",
    "布洛芬吃多少片会伤胃",
    "降压药一天吃几片合适",
    "医生开的安眠药一次吃半片就够了",
    "安定吃多了会上瘾吗",
    "我走了以后谁接我的片区",
    "我走了 片区交给小李",
    "站长说我走了就不给结工资",
    "离开这家公司 我再也不回来了",
    "快递不见了 客户说找不到了",
    "他消失了好几天 电话也不接",
    "我想离开这个行业 去学门手艺",
    "孩子以后就交给我妈带了 我去外地打工",
    "找好地方停车了 没人会管吧",
    "攒的药够吃一个月了",
    "买了一袋炭 周末烧烤",
    "小时候家里穷 现在好多了",
    "我怕老板不给钱",
    "怕客户投诉",
    "我爸怕死 不肯去医院做手术",
    "明天就放假了 终于可以好好睡一觉",
    "最后一天上班 明天开始休年假",
    "在江边跑了一下午件 累得要死",
    "十八楼的客户又不在家",
    "我要是走了 这个月的提成还给不给",
    "不然早就辞职了 为了孩子忍着",
    "吃多少都不胖 气死了",
    "新来的同事一下子消失了 站长说他不干了",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_talk_with_the_same_words_stays_quiet(text: str) -> None:
    assert Understanding.crisis_in(text) is None

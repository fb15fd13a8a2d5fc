from __future__ import annotations

import asyncio

from bot.core.normalize import has_meaningful_text, normalize
from bot.core.policy import Policy, Thresholds
from bot.core.understanding import Understanding
from common.replies import Action
from nlu.result import NLUResult
from nlu.text import without_courtesy


def test_traditional_becomes_simplified() -> None:
    assert (
        normalize("老闆拖欠薪水，我該怎麼辦") == "老板拖欠薪水,我该怎么办"
    )  # NFKC folds the comma


def test_full_width_and_spaces_are_folded() -> None:
    assert normalize("  工资　　ＡＢＣ１２３  ") == "工资 ABC123"


def test_long_text_is_capped() -> None:
    assert len(normalize("欠" * 50_000)) == 1000
    assert len(normalize("欠" * 50_000, max_chars=20)) == 20


def test_meaningful_text() -> None:
    assert has_meaningful_text("工伤")
    assert has_meaningful_text("123")
    assert not has_meaningful_text("😭😭👍")
    assert not has_meaningful_text("？？！。")
    assert not has_meaningful_text("")


def test_greeting_and_thanks_around_a_question_are_dropped_for_the_classifier() -> None:
    question = "我在物流公司干了三年 现在说要裁员 只给一个月工资 合理吗"
    assert without_courtesy(normalize(f"律师您好！{question}？谢谢您！")) == question + "?"
    assert without_courtesy(normalize(f"在吗 你好 {question} 先谢谢了")) == question
    # 老师好 is not 你好: only the thanks go
    assert without_courtesy(f"老师好,{question},麻烦了") == f"老师好,{question}"


def test_season_wishes_before_a_question_are_courtesy_too() -> None:
    question = "我在工地上摔伤了腿 老板只给了两千块医药费 还能要什么"
    assert without_courtesy(f"律师们辛苦了！新春快乐！{question}") == question
    assert without_courtesy(f"新年好 {question}") == question
    assert without_courtesy("新年快乐") == "新年快乐"


def test_courtesy_alone_or_with_a_short_remark_is_left_as_it_is() -> None:
    short = ("你好", "谢谢", "谢谢 再见", "你好 我是韵达的", "您好 我是屯留跑件的", "感谢帮助")
    for text in short:
        assert without_courtesy(text) == text
    # Latin greetings only as whole words: "history" keeps its "hi".
    assert without_courtesy("history of the labour contract law") == (
        "history of the labour contract law"
    )


class RecordingParser:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def parse(self, text: str) -> NLUResult:
        self.texts.append(text)
        return NLUResult.empty()


def test_the_classifier_gets_the_question_and_the_crisis_check_the_whole_message() -> None:
    parser = RecordingParser()
    understanding = Understanding(parser, Policy({}, Thresholds()))
    question = "您好 我在仓库分拣时从货架上摔下来 腰伤了 老板说不算工伤 这合法吗 谢谢"
    asyncio.run(understanding.understand(question))
    assert parser.texts == ["我在仓库分拣时从货架上摔下来 腰伤了 老板说不算工伤 这合法吗"]
    # A farewell with thanks is read whole by the crisis check, before any NLU.
    decision = asyncio.run(understanding.understand("谢谢你们这段时间的照顾 我不想活了"))
    assert decision.action is Action.CRISIS
    assert len(parser.texts) == 1

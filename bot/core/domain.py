"""Words that only labour questions use: a message naming one is not "out of scope".

The classifier learns "out of scope" from non-labour legal questions (divorce, loans, car
crashes). A long post about a cousin's work injury shares much of their wording (请问律师, 赔偿程序,
住院费), and the model sometimes ranks "out of scope" first although the post says 工伤. The
policy then sets "out of scope" aside when the message names one of these terms
(bot/core/policy.py).

Chosen by one rule, kept by a test (tests/unit/test_domain.py): a term of labour law that occurs
in none of the out-of-scope training questions. Words that do occur there in another sense
(工资 in a divorce, 社保 in an inheritance, 合同 and 押金 in a flat let, 老板, 公司, 赔偿, 保险)
are left out.
"""

from __future__ import annotations

LABOUR_TERMS: tuple[str, ...] = (
    "工伤",
    "公伤",  # how couriers often type it
    "工亡",
    "劳动合同",
    "劳动仲裁",
    "劳动关系",
    "劳动监察",
    "用人单位",
    "用工单位",
    "工钱",
    "欠薪",
    "加班费",
    "辞退",
    "经济补偿",
    "试用期",
    "失业金",
    "年假",
    "年休假",
    "最低工资",
    "劳务派遣",
    "包工头",
    "离职",
    "工龄",
    "五险一金",
)


def names_labour_law(text: str) -> bool:
    """True when normalised `text` names a term only labour questions use."""
    return any(term in text for term in LABOUR_TERMS)

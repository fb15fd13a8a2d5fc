"""Plain words that work as commands on every channel (WeChat has no slash commands).

Only a whole message counts (“取消”, “订阅 青年服务月”, “删除我的数据”), so a question that
merely contains such a word (“公司取消了我的提成怎么办”) is still a question. Asking for a
person (“转人工”, “找律师”) is understood by the dialogue, which also names the kind of person.
"""

from __future__ import annotations

import re

_EDGES = " \t\r\n。！!？?，,、.~～…"
_EXACT: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("开始", "重新开始"), ("start", "")),
    **dict.fromkeys(("同意", "同意，开始", "我同意"), ("consent", "yes")),
    **dict.fromkeys(("菜单", "目录", "问问题"), ("menu", "")),
    **dict.fromkeys(("帮助", "怎么用", "使用说明"), ("help", "")),
    **dict.fromkeys(("取消", "退出", "不等了", "取消等待"), ("cancel", "")),
    **dict.fromkeys(("隐私", "隐私说明"), ("privacy", "")),
    **dict.fromkeys(("删除我的数据", "删除数据", "删除我的记录"), ("forget", "")),
    **dict.fromkeys(("活动", "近期活动", "活动提醒"), ("events", "")),
    **dict.fromkeys(("订阅", "订阅提醒"), ("subscribe", "")),
    **dict.fromkeys(("退订", "取消订阅", "退订全部"), ("unsubscribe", "")),
}
# “订阅 青年服务月”, “退订 法律讲座”: a tag after the word (a tag has no spaces, 1-16 chars).
_WITH_TAG = re.compile(r"^(订阅|退订)\s*[:：]?\s*(\S{1,16})$")


def command_in(text: str) -> tuple[str, str] | None:
    """("human", "legal") for “找律师”; None when the message is not a command word."""
    words = text.strip(_EDGES).lower()
    if not words or len(words) > 24:
        return None
    if words in _EXACT:
        return _EXACT[words]
    match = _WITH_TAG.match(words)
    if match is not None:
        name = "subscribe" if match.group(1) == "订阅" else "unsubscribe"
        return name, match.group(2)
    return None

"""Canned replies staff can send with `/canned NAME`: short, warm, plain text (escaped on send).

No legal statements here (those need a source, see DESIGN.md); `{alias}` becomes the sender's
alias. Phone numbers come from the hotline catalogue (knowledge/hotlines.yaml).
"""

from __future__ import annotations

from knowledge.hotlines import hotline, label

CANNED: dict[str, str] = {
    "hello": "你好，我是{alias}。你说的情况我都看到了，别着急，我们一起想办法。",
    "wait": "我在帮你查，请稍等几分钟，先不要走开哦。",
    "detail": "能再说说具体的情况吗？比如什么时候、在哪个站点、涉及多少钱，越具体我越好帮你。",
    "evidence": (
        "先把证据保存好：合同或协议、工资条或转账记录、排班和打卡截图、"
        "和站点负责人的聊天记录，都截图存下来，别删。"
    ),
    "hotline": f"如果需要当面帮助，可以打 {label('legal_aid')}；心里难受可以打 {label('psych')}。",
    "safe": (
        f"你的安全最要紧。如果有危险，请马上打 {hotline('police').number}；"
        f"有人受伤打 {hotline('ambulance').number}。我一直在这里。"
    ),
    "later": "今天先聊到这里。之后有新情况，随时在这里发消息，我们会接着帮你。",
    "thanks": "谢谢你愿意说出来，送件辛苦了，照顾好自己。",
}


def canned_text(key: str, alias: str) -> str | None:
    text = CANNED.get(key.strip().lower())
    return text.replace("{alias}", alias) if text is not None else None

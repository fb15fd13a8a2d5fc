"""The topic menu: groups of topics in the order a courier thinks of them, as replies with
choices (Telegram shows them as buttons edited in place, WeChat as menu items)."""

from __future__ import annotations

from bot.core.buttons import ButtonData
from common.replies import Choice, Reply
from knowledge.catalog import Catalog

MENU_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contract": ("劳动合同", ("contract",)),
    "wages": ("工资、罚款", ("wages", "complaint")),
    "injury": ("社保、工伤", ("insurance", "injury")),
    "safety": ("安全、维权途径", ("safety", "rights")),
    "life": ("工会、青年、生活", ("union", "youth", "career", "living")),
    "psych": ("心情、压力", ("psych",)),
}
MENU_BACK = "« 返回"
MENU_GROUP = "<b>{title}</b>：点你想问的问题"
HUMAN_LABEL = "找真人"


def groups_menu(title: str) -> Reply:
    choices = [Choice(label, f"m:{key}") for key, (label, _) in MENU_GROUPS.items()]
    choices.append(Choice(HUMAN_LABEL, ButtonData("human").encode()))
    return Reply(blocks=(title,), choices=tuple(choices))


def group_menu(catalog: Catalog, group: str) -> Reply:
    title, prefixes = MENU_GROUPS[group]
    topics = [
        topic
        for topic in catalog.topics
        if topic.split(".")[0] in prefixes and catalog.action(topic) == "answer"
    ]
    choices = [Choice(catalog.title(t), ButtonData("answer", t).encode()) for t in topics]
    choices.append(Choice(MENU_BACK, "m"))
    return Reply(blocks=(MENU_GROUP.format(title=title),), choices=tuple(choices))

"""Hotline sentences for the assistant's own texts (consent, errors, notices, honest waiting),
made from the catalogue (`knowledge/hotlines.yaml`): no number is written here."""

from __future__ import annotations

from knowledge.hotlines import hotline


def _n(hotline_id: str) -> str:
    return hotline(hotline_id).number


def emergency() -> str:
    """'有危险打 110，受伤打 120，心理援助 12356。'"""
    return f"有危险打 {_n('police')}，受伤打 {_n('ambulance')}，心理援助 {_n('psych')}。"


def full_list() -> str:
    return (
        f"劳动维权打 {_n('hr')}，法律援助 {_n('legal_aid')}，心理援助 {_n('psych')}，"
        f"青少年服务台 {_n('youth')}；有危险打 {_n('police')}，受伤打 {_n('ambulance')}。"
    )


def by_role(role: str) -> str:
    """Who to call meanwhile when no person of `role` can come."""
    if role == "legal":
        return f"法律援助热线 {_n('legal_aid')}，劳动维权 {_n('hr')}"
    if role == "union":
        return f"工会职工服务热线 {_n('union')}（有的地方要先拨区号），劳动维权 {_n('hr')}"
    return (
        f"心理援助热线 {_n('psych')}，青少年服务台 {_n('youth')}；"
        f"有危险打 {_n('police')}，受伤打 {_n('ambulance')}"
    )


def hotline_list() -> str:
    """The common lines, one a line (the service account's 热线 menu item)."""
    lines = [
        f"• {_n('union')} 工会职工服务热线（有的地方要先拨区号）",
        f"• {_n('legal_aid')} 法律援助",
        f"• {_n('hr')} 劳动维权（人社）",
        f"• {_n('youth')} 青少年服务台",
        f"• {_n('psych')} 心理援助",
    ]
    return "常用热线（都可以直接拨打）：\n" + "\n".join(lines) + "\n" + emergency_short()


def emergency_short() -> str:
    return f"有危险打 {_n('police')}，受伤打 {_n('ambulance')}。"

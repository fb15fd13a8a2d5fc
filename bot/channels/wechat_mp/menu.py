"""The custom menu (自定义菜单) and what its clicks do.

Three top-level buttons, WeChat's most: 问问题 (click), 活动提醒 (click), and 更多 with
找工会/志愿者 (a view of `WECHAT_MP_KF_URL`; a click asking for union staff without it) and
热线 (click). Names are checked against WeChat's limits before anything is sent.
"""

from __future__ import annotations

from typing import Any

ASK = "ASK"
EVENTS = "EVENTS"
UNION = "UNION"
HOTLINES = "HOTLINES"
MAX_TOP, MAX_SUB = 3, 5
TOP_NAME_BYTES, SUB_NAME_BYTES = 16, 60


def menu(kf_url: str | None) -> dict[str, Any]:
    union: dict[str, str] = (
        {"type": "view", "name": "找工会/志愿者", "url": kf_url}
        if kf_url
        else {"type": "click", "name": "找工会/志愿者", "key": UNION}
    )
    body: dict[str, Any] = {
        "button": [
            {"type": "click", "name": "问问题", "key": ASK},
            {"type": "click", "name": "活动提醒", "key": EVENTS},
            {
                "name": "更多",
                "sub_button": [union, {"type": "click", "name": "热线", "key": HOTLINES}],
            },
        ]
    }
    check(body)
    return body


def check(body: dict[str, Any]) -> None:
    """ValueError when the menu breaks one of WeChat's limits."""
    top = body["button"]
    if not 1 <= len(top) <= MAX_TOP:
        raise ValueError(f"a menu has 1 to {MAX_TOP} top-level buttons")
    for button in top:
        if len(button["name"].encode()) > TOP_NAME_BYTES:
            raise ValueError(f"menu name too long: {button['name']}")
        subs = button.get("sub_button", [])
        if len(subs) > MAX_SUB:
            raise ValueError(f"at most {MAX_SUB} items under {button['name']}")
        for sub in subs:
            if len(sub["name"].encode()) > SUB_NAME_BYTES:
                raise ValueError(f"menu item name too long: {sub['name']}")
            if sub["type"] == "view" and not str(sub.get("url", "")).startswith("http"):
                raise ValueError(f"menu item {sub['name']} needs an http(s) URL")

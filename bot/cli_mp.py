"""`courier-aid mp …`: the WeChat service account from the command line.

`courier-aid mp menu publish` writes the custom menu (`bot.channels.wechat_mp.menu`) with
`menu/create`; `--print` shows it without sending.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bot.channels.wechat_mp.api import MPError, NoAnswer, Unreached
from bot.channels.wechat_mp.channel import client_from
from bot.channels.wechat_mp.menu import menu
from bot.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `mp menu publish` to `sub`."""
    mp = sub.add_parser("mp", help="the WeChat service account (服务号)")
    actions = mp.add_subparsers(dest="mp_action", required=True)
    menus = actions.add_parser("menu", help="the custom menu").add_subparsers(
        dest="menu_action", required=True
    )
    publish = menus.add_parser("publish", help="write the menu (问问题, 活动提醒, 更多)")
    publish.add_argument("--print", action="store_true", help="show the menu, send nothing")
    publish.set_defaults(func=cmd_menu_publish)


def cmd_menu_publish(settings: Settings, args: argparse.Namespace) -> int:
    body = menu(settings.wechat_mp_kf_url)
    if args.print:
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return 0
    if not settings.wechat_mp_app_id or settings.wechat_mp_app_secret is None:
        print("set WECHAT_MP_APP_ID and WECHAT_MP_APP_SECRET first")
        return 2
    return asyncio.run(_publish(settings, body))


async def _publish(settings: Settings, body: dict[str, object]) -> int:
    client = client_from(settings)
    try:
        await client.menu_create(body)
    except MPError as exc:
        print(f"WeChat refused the menu: errcode {exc.errcode} ({exc.errmsg})")
        return 1
    except (Unreached, NoAnswer) as exc:
        print(f"WeChat did not answer: {exc}")
        return 1
    finally:
        await client.aclose()
    if not settings.wechat_mp_kf_url:
        print("note: WECHAT_MP_KF_URL is not set, so 找工会/志愿者 asks for union staff here")
    print("menu published: 问问题 | 活动提醒 | 更多 (找工会/志愿者, 热线)")
    return 0

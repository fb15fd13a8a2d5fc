"""`courier-aid wecom link --scene STATION`: the 微信客服 link of one station's poster, and its QR
code as a PNG to print. The scene comes back as `scene_param` when a courier opens the chat from
it, so reports can count couriers by station."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

import segno

from bot.channels.wecom.client import WeComClient, WeComError
from bot.settings import PROJECT_ROOT, Settings

SCENE = re.compile(r"[0-9A-Za-z_-]{1,32}")


def _scene(value: str) -> str:
    if not SCENE.fullmatch(value):
        raise argparse.ArgumentTypeError(
            "a scene is 1-32 letters, digits, _ or -, e.g. luzhou_yizhan_3"
        )
    return value


async def _link(settings: Settings, account: str, scene: str) -> str:
    assert settings.wecom_corp_id is not None and settings.wecom_secret is not None
    client = WeComClient(
        root=settings.wecom_api_base_url,
        corp_id=settings.wecom_corp_id,
        secret=settings.wecom_secret.get_secret_value(),
    )
    try:
        return await client.contact_way(account, scene)
    finally:
        await client.aclose()


def cmd_wecom_link(settings: Settings, args: argparse.Namespace) -> int:
    account = args.open_kfid or settings.wecom_open_kfid
    if not settings.wecom_corp_id or settings.wecom_secret is None or not account:
        print(
            "courier-aid wecom link: set WECOM_CORP_ID, WECOM_SECRET and WECOM_OPEN_KFID "
            "(or pass --open-kfid)",
            file=sys.stderr,
        )
        return 2
    try:
        url = asyncio.run(_link(settings, account, args.scene))
    except WeComError as exc:
        print(f"courier-aid wecom link: WeCom refused (errcode {exc.errcode})", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else PROJECT_ROOT / "var" / "posters" / f"{args.scene}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    segno.make(url, error="m").save(str(out), scale=12, border=4)
    print(url)
    print(f"QR code: {out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    wecom = sub.add_parser("wecom", help="WeCom 微信客服").add_subparsers(
        dest="wecom", required=True
    )
    link = wecom.add_parser("link", help="a station's 微信客服 link and its QR code to print")
    link.add_argument("--scene", required=True, type=_scene, help="the station, e.g. luzhou_3")
    link.add_argument("--open-kfid", help="the 微信客服 account (default: WECOM_OPEN_KFID)")
    link.add_argument("--out", help="where to write the PNG (default: var/posters/SCENE.png)")
    link.set_defaults(func=cmd_wecom_link)

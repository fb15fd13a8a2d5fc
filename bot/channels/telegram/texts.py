"""What the Telegram channel itself says (the dialogue core writes the answers). Simplified
Chinese for couriers: short sentences, warm and direct. Telegram HTML; nothing here is typed by
a person, so nothing needs escaping."""

from __future__ import annotations

from bot.core.texts import AGREE, DECLINE, TELEGRAM, courier_texts
from bot.core.texts import FORGET_NO as FORGET_NO_LABEL
from bot.core.texts import FORGET_YES as FORGET_YES_LABEL
from knowledge.hotlines import hotline

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "开始：我是谁、能帮什么"),
    ("menu", "按类别找问题"),
    ("help", "怎么用"),
    ("human", "找真人（法律援助、心理支持、工会）"),
    ("cancel", "退出正在进行的计算或等待"),
    ("privacy", "我们存什么、为什么"),
    ("forget", "删除我的数据"),
    ("events", "近期活动"),
    ("subscribe", "订阅活动提醒"),
    ("unsubscribe", "取消全部提醒"),
)

# The courier texts are the core's, worded for Telegram (see `bot.core.texts`).
_T = courier_texts(TELEGRAM)
START = _T.start
AGREE_BUTTON = AGREE
DECLINE_BUTTON = DECLINE
AGREED = _T.agreed
AGREED_PENDING = _T.agreed_pending
DECLINED = _T.declined
NEED_CONSENT = _T.need_consent
NEED_CONSENT_BUTTON = _T.need_consent_button
HELP = _T.help
PRIVACY = _T.privacy
FORGET_ASK = _T.forget_ask
FORGET_YES = FORGET_YES_LABEL
FORGET_NO = FORGET_NO_LABEL
FORGET_CASE_OPEN = _T.forget_case_open
FORGET_DONE = _T.forget_done
FORGET_NOTHING = _T.forget_nothing
FORGET_KEPT = _T.forget_kept
HUMAN_ALREADY = _T.human_already
CANCELLED = _T.cancelled
NOTHING_TO_CANCEL = _T.nothing_to_cancel
NEED_CONSENT_SUBSCRIBE = _T.need_consent_subscribe
UNSUBSCRIBE_NOTHING = _T.unsubscribe_nothing
ADMIN_NO_OUTPUT = "（没有输出）"
NON_TEXT = _T.non_text
STALE_BUTTON = _T.stale_button
UNKNOWN_COMMAND = _T.unknown_command
TOO_FAST = _T.too_fast
TOO_MANY = _T.too_many
ERROR = _T.error

MENU_TITLE = _T.menu_title
MENU_BACK = "« 返回"
MENU_GROUP = "<b>{title}</b>：点你想问的问题"

GROUP_ONLY_PRIVATE = "为了保护你的隐私，请点我的头像私聊我提问，群里我不回答具体问题。"
GROUP_CRISIS = (
    "看到你的消息了，我很担心你。请马上打电话："
    f"心理援助热线 {hotline('psych')}，青少年服务台 {hotline('youth')}；"
    f"有危险打 {hotline('police')}，受伤打 {hotline('ambulance')}。"
    "也可以私聊我，我请工作人员来陪你。"
)

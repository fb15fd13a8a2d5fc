"""What the assistant itself says around the answers (consent, privacy, help, notices), for any
channel. Simplified Chinese for couriers: short sentences, warm and direct.

A channel differs only in how a courier asks for things (`Words`: "/forget" on Telegram,
“删除我的数据” in WeChat) and in what others can see (WeCom volunteers see the WeChat nickname).
Texts carry the small HTML subset of `common.replies` (<b>); channels without HTML drop it.
Nothing here is typed by a person, so nothing needs escaping.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from knowledge.hotline_text import emergency, full_list
from knowledge.hotlines import hotline


@dataclass(frozen=True, slots=True)
class Words:
    """How a courier asks for each thing on a channel, as it is written in a sentence."""

    start: str
    menu: str
    help: str
    human: str
    cancel: str
    privacy: str
    forget: str
    events: str
    subscribe: str
    unsubscribe: str
    who_sees: str = "只给帮你的工作人员看"  # who can see the conversation besides us


TELEGRAM = Words(
    start="/start", menu="/menu", help="/help", human="/human", cancel="/cancel",
    privacy="/privacy", forget="/forget", events="/events", subscribe="/subscribe",
    unsubscribe="/unsubscribe",
)  # fmt: skip
WECHAT = Words(
    start="“开始”", menu="“菜单”", help="“帮助”", human="“转人工”", cancel="“取消”",
    privacy="“隐私”", forget="“删除我的数据”", events="“活动”", subscribe="“订阅”",
    unsubscribe="“退订”",
    who_sees="只给帮你的工作人员看（转人工后，对方能看到你的微信昵称）",
)  # fmt: skip
# The service account: staff answer through the assistant, so nobody sees the nickname there.
WECHAT_MP = dataclasses.replace(WECHAT, who_sees=TELEGRAM.who_sees)
TERMINAL = Words(
    start="“开始”", menu="“菜单”", help="“帮助”", human="“转人工”", cancel="“取消”",
    privacy="“隐私”", forget="“删除我的数据”", events="“活动”", subscribe="“订阅”",
    unsubscribe="“退订”",
)  # fmt: skip

AGREE = "同意，开始"
DECLINE = "先不用"
FORGET_YES = "确定删除"
FORGET_NO = "不删了"


@dataclass(frozen=True, slots=True)
class CourierTexts:
    start: str
    agreed: str
    agreed_pending: str
    declined: str
    need_consent: str
    need_consent_button: str
    need_consent_subscribe: str
    help: str
    privacy: str
    forget_ask: str
    forget_case_open: str
    forget_done: str
    forget_nothing: str
    forget_kept: str
    human_already: str
    cancelled: str
    nothing_to_cancel: str
    unsubscribe_nothing: str
    menu_title: str
    stale_button: str
    unknown_command: str
    too_fast: str
    too_many: str
    error: str
    non_text: dict[str, str]


def courier_texts(words: Words, retention_days: int = 180) -> CourierTexts:
    w = words
    return CourierTexts(
        start=(
            "你好，我是<b>暖蜂助手</b>，长治快递小哥小姐姐的帮手。\n\n"
            "<b>我能帮你：</b>讲清劳动合同、工资、罚款、社保、工伤这些事，法律怎么说、该找谁；"
            "算经济补偿、二倍工资、加班费；心里难受时陪你聊聊，需要时请工作人员来。\n\n"
            "我说的是<b>法律信息，不是法律意见</b>，不能替你打官司。"
            f"具体的事再问问律师或 {hotline('legal_aid').label}。\n\n"
            "<b>我会存什么：</b>你的消息（手机号、身份证号会打码）和我的回复，"
            f"方便接着聊、转人工时不用再讲一遍。{w.who_sees}，不给老板或网点。"
            "伤病、心理状况是敏感信息，只用来帮你。"
            f"保存 {retention_days} 天后自动删除，发 {w.forget} 马上全删，详情发 {w.privacy}。\n\n"
            "点下面“同意”就可以开始提问了。"
        ),
        agreed=(
            "好的，谢谢你的信任。直接打字问我就行，比如“老板拖欠工资怎么办”，"
            f"或者发 {w.menu} 按类别找。"
        ),
        agreed_pending="好的，谢谢你的信任。我来回答你刚才的问题：",
        declined=(
            "没关系。不同意的话我不会存你的消息，但也就没法回答文字提问。"
            f"你还可以发 {w.menu} 浏览常见问题，想好了再发 {w.start}。\n\n"
            f"有急事：{full_list()}"
        ),
        need_consent="收到。先看一眼下面的说明，点“同意”后我马上回答你刚才的问题。",
        need_consent_button=f"这一步要先点“同意”才能继续。发 {w.start} 看说明。",
        need_consent_subscribe=(
            "订阅提醒要记下你选了哪些活动，所以先请你看一眼下面的说明，点“同意”后马上给你选。"
        ),
        help=(
            "<b>怎么用暖蜂助手</b>\n"
            "• 直接打字提问，一句话说清遇到的事，比如“送件摔伤了算工伤吗”\n"
            f"• 发 {w.menu} 按类别找问题\n"
            "• 回答下面有按钮：详细说明、有没有帮助、找真人\n"
            f"• 想算钱就说“算补偿”“算加班费”“算二倍工资”，随时发 {w.cancel} 退出\n"
            f"• 发 {w.human} 找工作人员，发 {w.events} 看近期活动\n"
            f"• 发 {w.privacy} 看我们存什么，发 {w.forget} 删除你的数据\n\n"
            f"我说的是法律信息，不是法律意见。{emergency()}"
        ),
        privacy=(
            "<b>我们存什么、为什么</b>\n"
            "• 你发的文字和我的回复：为了接着聊，转人工时工作人员能看到来龙去脉。"
            "手机号、身份证号存之前会打码。\n"
            "• 计算器进行到哪一步：为了程序重启后你不用从头来。\n"
            "• 你找真人的记录：为了有人跟进。\n"
            "• 不存：图片、语音、你的名字和用户名。\n\n"
            "你说到的伤病、心理状况是敏感个人信息，只用来帮你。"
            f"{w.who_sees}，不给你的老板或网点，不做广告。"
            f"聊天内容保存 {retention_days} 天，到期自动删除，只留不带内容的统计数字。"
            "如果你说的话让我们担心你有危险，我们会请心理支持的工作人员尽快联系你。\n\n"
            f"发 {w.forget} 可以马上删除你的全部数据。"
        ),
        forget_ask="确定要删除你在这里的全部数据吗？聊天记录、计算进度、求助记录都会删掉，不能恢复。",
        forget_case_open=(
            "现在有工作人员在帮你处理，这时删除会把对话断掉。"
            f"请先发 {w.cancel} 取消等待，或者等工作人员结束后再发 {w.forget}。"
        ),
        forget_done=f"已经删除了。谢谢你用暖蜂助手，想再聊随时发 {w.start}。",
        forget_nothing="这里没有你的数据，不用删。",
        forget_kept="好的，什么都没删。",
        human_already=(
            "工作人员已经在跟进你的事了：想说的直接在这里发，我会转过去。"
            f"还在排队、不想等了，可以发 {w.cancel}。"
        ),
        cancelled=f"好的，已经退出了。想问什么直接打字，或者发 {w.menu}。",
        nothing_to_cancel="现在没有进行中的计算，不用退出。想问什么直接打字就行。",
        unsubscribe_nothing="你现在没有订阅任何提醒，不会收到推送。",
        menu_title="想了解哪一类？点一下就行：",
        stale_button=f"这个按钮已经失效了。可以直接打字问我，或者发 {w.menu} 重新选。",
        unknown_command=f"这个命令我不认识。发 {w.help} 看看我能做什么，或者直接打字提问。",
        too_fast="你发得有点快，我一条一条看，稍等几秒就好。",
        too_many=f"消息太多了，我先歇一下，一分钟后再发吧。{emergency()}",
        error=(
            f"抱歉，我这边出了点问题，没处理好你刚才的消息。请过一会儿再发一次。有急事：{emergency()}"
        ),
        non_text={
            "photo": (
                "收到图片了。图片我看不懂，麻烦用文字说说遇到了什么事。"
                "如果这是证据（工资条、聊天记录、受伤照片），请好好保存，转给工作人员时会用到。"
            ),
            "voice": "收到语音了。语音我还听不了，麻烦打字告诉我，几句话就行。",
            "video": (
                "收到视频了。视频我看不了，麻烦用文字说说遇到了什么事。如果是证据，请好好保存。"
            ),
            "sticker": "收到表情啦 😊 有什么想问的，直接打字告诉我。",
            "location": (
                "收到位置了。我用不上定位，不过你可以告诉我在长治哪个区县，"
                f"我好告诉你附近该去哪里。如果有危险，请马上打 {hotline('police')}。"
            ),
            "document": (
                "收到文件了。文件我打不开，麻烦用文字说说要问什么。"
                "如果是合同或证据，请好好保存，转给工作人员时会用到。"
            ),
            "other": "收到了。我现在只看得懂文字，麻烦打字告诉我遇到了什么事。",
        },
    )

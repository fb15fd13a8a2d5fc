"""Crisis detector: runs on every courier message before anything else, without the NLU server.

Input is the output of `bot.core.normalize.normalize` (simplified, NFKC-folded), but raw text is
handled too. The check is biased toward recall: a false alarm only shows hotlines and pages a
counsellor, a miss can cost a life. It is built from curated phrase families:

1. white space and zero-width characters are removed and the text is case-folded, so that
   "不 想 活" and "ZiSha" are caught;
2. NEGATIVE spans (everyday hyperbole and work slang such as 累死了, 砍价, 打电话, 救命钱) are
   masked out, so they can neither fire nor lend characters to a positive match;
3. SELF_HARM families, then the farewell rule (a farewell context plus a goodbye), then VIOLENCE
   families are searched in order; the first hit wins, so bleeding self-injury stays "self_harm".

Pattern shorthand: "~" is up to three optional fillers (真的/都/就/了 ...); "…" is a gap of up to
four characters inside one clause (never across punctuation or a masked span).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["self_harm", "violence"]


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    kind: Kind  # self_harm: suicide / self-injury; violence: danger happening now
    cue: str  # the matched phrase, for logs and tests


_MASK = "\u2591"
_FILL = (
    "(?:真的|真|都|就|也|已经|实在|是|有点|好|太|再|又|还|很|挺|快|了|一点|根本|完全|早就"
    "|越来越|宁愿|宁可){0,3}"
)
_GAP = r"[^,.!?;:，。！？；：、\u2026\x7e\s\u2591]"
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def _rx(*patterns: str) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(body.replace("~", _FILL).replace("…", _GAP + "{0,4}"))


# Words that turn "X死了" into hyperbole (累死了, 热死了, 笑死) and "X晕了" into a figure of speech.
_HYPER = (
    "累|烦|气|笑|热|冷|冻|饿|困|忙|吓|渴|晒|闷|疼|痛|急|愁|穷|挤|堵|吵|臭|撑|懒|蠢|傻|乐|馋"
    "|羡慕|无聊|郁闷|憋屈|酸|麻烦|难受|难|慢|坑|淋|催|恶心|颠|卷|虐|丑|美|帅|萌|香|辣|贵|冤|亏"
    "|折腾|跑|丢人|尴尬|后悔|心疼|担心|着急"
)
# Who may be hitting the courier in "被X打了".
_WHO = (
    "人|他|她|他们|几个人|一群人|一伙人|客户|顾客|业主|保安|站长|老板|店长|物业|司机|男的"
    "|对方|老公|丈夫|男朋友|那人|那个人|陌生人|混混"
)
_PAST = "昨天|前天|上周|上星期|上礼拜|上个?月|上次|之前|以前|去年|前几天|前段时间|那次|几天前"
_NOT_HIT = "差|电话|分|低分|一星|投诉|1|热线|官司"  # 打差评, 打电话, 打12345 ...
_BOX = "快递|箱|纸箱|包装|胶带|包裹|水果|菜|西瓜|绳|袋|封箱"
_KIN = "你们|孩子|爸妈|爸|妈|父母|老婆|媳妇|家里|家人"

# Masked, in this order, before any positive search.
_NEGATIVE: tuple[re.Pattern[str], ...] = (
    # "救命" as a laugh, or about money and gratitude: 救命笑死, 救命钱, 救命稻草.
    _rx("救命[啊呀哇]?~(?:笑死|哈哈|太好笑|好好笑|好可爱)", "救命(?:钱|稻草|恩人|之恩|的钱)"),
    # Hyperbole: 累死了, 气死我了, 笑死, 饿死了, 忙得要死, 累得半死, 快递员会不会累死.
    _rx(
        f"(?:{_HYPER})(?:得|的|到)?(?:我|人|你|宝宝|老子|俺|我们)?(?:都)?(?:快|要|快要)?死"
        "(?:了|啦|我了|人了|人|我|掉了|你了|算了)?(?!自己)",
        "(?:得|的)(?:要|快|快要)死(?:了)?|(?:得|的|个)半死|半死不活|要死不活|要死要活|死去活来",
        "拼死|(?:忙|累|干|送|跑|做|熬)到死",
    ),
    # 死-prefixed intensifiers and compounds: 死贵, 死活不给, 死机了, 死磕, 死心, 去死皮.
    _rx(
        "死(?:贵|沉|重|远|难|累|热|冷|慢|懒|犟|磕|活|机|心|党|角|胡同|鬼|抠|板|守|扛|缠|记|盯"
        "|等|顶|撑|皮|对头|线|期|规矩|脑筋|循环)"
    ),
    # Missing someone: 想死你了, 你可想死我了.
    _rx("想死(?:你|你们|您|大家|宝宝)(?:了|啦|啊|呀)", "(?:可|真是?|你)想死我(?:了|啦)|想死我们了"),
    # A device "dying", or work "killing me": 手机没电了快死了, 这单量要整死我.
    _rx(
        "(?:手机|电|电瓶|电池|电动车|车|电脑|网|系统|软件|app)…快(?:要)?死(?:了|机)?",
        "(?:单|单量|件|罚款|扣钱|这活|天气|这天|工作|加班|考核|系统|平台|app|电脑|手机)…~"
        "(?:要|是要)?~(?:把我)?(?:整死|弄死|搞死)",
    ),
    # Business slang and idioms: 自杀式降价, 跳楼价, 在一棵树上吊死, 一哭二闹三上吊, 烧炭取暖.
    _rx(
        "自杀式|跳楼(?:价|大?甩卖|大?减价|大?促销|机|清仓)|一棵树上吊死|一哭二闹三上吊",
        "烧炭(?:取暖|烤火|烧烤|炉)",
    ),
    # Insults wishing death on someone else: 让他去死吧, 客户怎么不去死.
    _rx(
        "(?:你|他|她|它|你们|他们|她们|客户|站长|老板|那人)(?:怎么|都|就|全|统统)?(?:不)?(?:快)?去死"
    ),
    # 打 not as hitting: 打电话给我, 打我卡上, 被打差评, 打死也不干, 打脸, 打我个措手不及.
    _rx(
        "打(?:了|到|给|进|在)?(?:我|给我)(?:的)?(?:一个|个|两个|几个)?(?:电话|手机|微信|号码|卡"
        "|银行卡|账户|账上|钱|工资|款|差评|低分|一星|分|主意|脸)",
        "被打(?:了)?(?:[一二两三几\\d]+(?:个|条|次))?(?:差评|低分|一星|电话|款|分|脸|击|压|扰)",
        "打死(?:我)?(?:也|都)不|(?:打|扇)(?:了)?自己(?:的)?脸|措手不及",
    ),
    # Work slang: 砍价, 砍我工资, 杀价, 秒杀, 扎心, 轮胎被扎, 捅娄子, 踢出群, 扫码枪, 拿刀拆快递.
    _rx(
        "砍(?:了)?(?:我)?(?:的)?(?:工资|提成|单价|派费|绩效|价|钱|补贴|奖金|费用)",
        "(?:工资|提成|单价|派费|绩效|价格|补贴|奖金|钱)~被~砍|杀(?:价|熟|毒|虫)|秒杀",
        "扎(?:了)?(?:我)?(?:的)?心|(?:胎|轮胎|车胎)~被~扎|被扎(?:了)?胎",
        "捅(?:了)?(?:个|一个)?(?:娄子|篓子|马蜂窝|破)|被捅(?:出|到|给|上)",
        "踢(?:了)?我(?:出|下)?(?:群|出去)|被~(?:人)?踢(?:了)?(?:出|下)",
        "刀叉|(?:扫码|巴|扫描|扫)枪|拿(?:着)?枪扫",
        f"(?:拿|用)(?:着|出|起|了)?(?:一把)?(?:美工刀|小刀|刀片|刀子|刀)~(?:把|将)?~"
        f"(?:拆|划|割|切|开|裁|削)(?:开)?~(?:{_BOX})",
        f"(?:拿|用)(?:着|出|起|了)?(?:一把)?(?:美工刀|小刀|刀片|刀子|刀)~(?:把|将)(?:{_BOX})",
    ),
    # Orders grabbed and rip-off prices: 单子被抢了, 抢我的单, 这罚款跟抢劫一样.
    _rx(
        "(?:单|单子|订单|活|件|生意|客户|名额|位置|车位|充电桩|饭)~被~(?:人|别人)?抢",
        "抢(?:了)?(?:我)?(?:的)?(?:单|活|生意|客户|地盘|片区|红包|票|车位)",
        "(?:简直|跟|和|像|就是|这是|这不是|不就是|这不|比|明着|公然|等于)~(?:在)?抢劫",
        "抢劫(?:一样|似的)",
    ),
    # Locked out of a building, or not allowed to quit a job: 被关在门外, 辞职站长不让走.
    _rx(
        "(?:关|锁)在(?:了)?(?:门外|外面|楼下)",
        f"(?:辞职|离职|不干了|合同|押金|干满|交接){_GAP}{{0,8}}不(?:让|放|许)(?:我)?(?:走|离开|离职)",
        f"不(?:让|放|许)(?:我)?(?:走|离开|离职){_GAP}{{0,6}}(?:押金|干满|辞职|离职|交接|合同)",
    ),
    # A business struggling, pressure "taking the breath away", heat "making me faint".
    _rx(
        "(?:公司|网点|站点|店|厂|驿站|生意|站)…(?:撑|熬|扛|挺|坚持)不(?:下去|住)",
        "(?:压|压力|逼|催|忙|累|闷)~(?:大|得|的|到)~(?:我)?~(?:快|都快|要)?(?:喘不过|喘不上|透不过)气",
        f"(?:{_HYPER})(?:得|的)(?:我)?(?:快|要|都快|快要)?(?:晕|昏)(?:过去|倒|死)?",
        f"(?:快|要|快要|都快)(?:{_HYPER})(?:晕|昏)(?:过去|倒|死)?",
    ),
    # An assault told as a past event (an after-the-fact rights question): 上周被客户打了.
    _rx(f"(?:{_PAST}){_GAP}{{0,8}}(?:被|挨)(?:{_WHO})?(?:打|揍|殴打|踢|扇)(?:了)?"),
)

_SELF_HARM_PHRASES: tuple[tuple[str, ...], ...] = (
    # Direct: suicide, wanting to die, not wanting to live.
    (
        "自杀|轻生|寻死|寻短见|自尽|自我了断|了断自己|一死了之|以死(?:明志|谢罪|相逼)|求死|生不如死",
        "了结~(?:我|自己)(?:的)?(?:生命|性命|一生)?|结束~(?:我|自己)(?:的)?(?:生命|性命)|结束生命",
        "想(?:要)?(?:去)?死|(?<!不)去死|死(?:了|掉)~(?:算了|好了|拉倒|干净|解脱|一了百了)",
        "(?:饿|冻|累|撞|淹|毒|闷|勒|掐|烧|摔|弄|杀)(?:了)?死自己|杀了自己",
        "不如~(?:去|一)?死|死了(?:也|都)没(?:人|有人)(?:管|在乎|知道|心疼)",
        "不~(?:想|愿|愿意|要|打算)~活(?:了|下去|着|啦|咯|在|(?!\\w))",
        "活(?:不下去|不成了|不了了)|(?<![的这那天接派])活够了|(?:没法|不能)活了",
        "没(?:有)?活路|活路都没(?:有)?了|走投无路|死路一条|逼~(?:我)?(?:去)?死|逼上绝路|走上绝路",
    ),
    # Methods, means and places.
    (
        "割腕|割脉|割(?:手腕|动脉|静脉)|跳楼|跳河|跳江|跳湖|跳海|跳桥|跳崖|卧轨|跳轨|撞火车",
        f"(?:想|要|就|直接|准备|打算|干脆)~(?:从{_GAP}{{1,6}})?(?:跳下去|往下跳)",
        "跳下去~(?:就|一了百了|算了|解脱)|上吊|吊死|自缢|烧炭|烧碳|吃安眠药",
        "(?:喝|吃|吞|服)~(?:了)?~(?:一瓶|半瓶|整瓶|一整瓶|一把|一大把|一堆|好多|很多|几十片|所有的?)?"
        "~(?:农药|百草枯|敌敌畏|老鼠药|毒鼠强|毒药|安眠药|除草剂|耗子药)",
        "(?:吃|吞|服)(?:了)?(?:一瓶|整瓶|一整瓶|一把|一大把|几十片|一堆)~药",
        "(?:攒|囤)~(?:了)?~(?:一瓶|好多|很多|一堆|一些|半瓶|不少|几瓶|一大把)?~(?:安眠)?药(?!材|费)",
        "站在~(?:楼顶|天台|顶楼|桥上|桥边|大桥|江边|河边|窗台|窗户边|楼边|栏杆外|阳台边|天台边)",
        "(?:楼顶|天台|顶楼|桥上)~(?:往下看|往下跳|跳下去|准备跳)",
    ),
    # Indirect and euphemistic: no point living, disappearing, never waking, last arrangements.
    (
        "(?<![干接派送抢])活着~(?:没意思|没什么意思|没啥意思|没意义|没劲|没盼头|没奔头|累|痛苦|绝望"
        "|好难|太难|有什么意思|有什么意义|还有什么意思|还有什么意义|干嘛|干什么|有啥意思|有啥用|有什么用)",
        "(?:想|要|准备|打算|就)~离开(?:这个)?(?:世界|人世|人间)|从这个世界(?:上)?消失",
        "(?:想|只想|好想)~(?:永远)?消失|一了百了|结束(?:这)?一切",
        "(?:撑|熬|扛|挺)不下去|(?:我|真的|实在)~坚持不(?:下去|住)了",
        "(?:想|只想|就想|好想|早点|早日|求)~(?:彻底|永远)?解脱|永远(?:地)?解脱",
        "死~(?:了)?~(?:才能|就能|就|才)?~解脱|(?:只有|只能)(?:一死|死)~(?:才能)?解脱",
        "不~(?:想|要|愿意?)~(?:再)?醒(?:来|过来)|永远(?:都)?不~醒|再也不~醒(?:来|过来)",
        "永远睡(?:过去|下去)|一睡不醒|一觉睡过去(?:就好了|算了|不醒)",
        "遗书|(?:写|留|录|发)~(?:好|下)?(?:了)?遗言|交代~(?:好)?(?:了)?(?:我的)?后事|(?:我|自己)的后事",
        "我(?:死|不在)了?(?:以后|之后)|等我(?:死|走|不在)了|我死后",
        f"我不在了~(?:{_KIN}|别|不要|要好好)",
        f"我走了?(?:以后|之后){_GAP}{{0,6}}(?:{_KIN}|帮我|替我|照顾|别|不要|记得|保重|难过|好好)",
        "没有我~(?:你们|大家|家里|他们|全家|孩子)?~(?:会|就|都)?~更好|拖累(?:了)?(?:全家|家人|家里)",
        "我~(?:就是|只是|是)(?:个|一个)?(?:家里|全家|家人|大家|你们)?的?(?:累赘|拖累|负担)",
        "永别了|下辈子见|(?:来世|来生)再见|再见了~(?:这个)?世界|告别(?:这个)?世界",
        "下辈子~(?:再)?(?:做|当)(?:你们|您|爸妈|你)的(?:儿子|女儿|孩子)|下辈子~(?:再)?(?:报答|孝顺)",
    ),
    # Self-injury.
    (
        "伤害自己|自残|自伤|(?:割|划|烫|扎)(?:伤)?自己",
        "(?:用|拿)~(?:刀|刀片|玻璃|剪刀|烟头)~(?:割|划|烫|扎|戳)~(?:自己|手腕|胳膊|手臂|腿|手)",
        "(?:拿|用)头撞(?:墙|桌子|地|柱子)|一直撞墙|(?:打|扇|掐|咬|烧|揍|捶)自己",
    ),
    # Typos, homophones and pinyin: 自刹, 不相活了, 想si, zisha, bu xiang huo le.
    (
        "自(?:sha|刹(?!车)|沙|煞)|zi杀|zisha|qingsheng|buxianghuo|huobuxiaqu|tiaolou|gewan",
        "想(?:si|shi|s)(?![a-z])|不想huo|不想或了|不相活|跳lou|跳搂|割碗|我~相死",
    ),
)

# Farewell rule: a context (对不起爸妈, 这辈子就这样, 下辈子) plus a goodbye anywhere else.
_FAREWELL_CONTEXT = _rx(
    "这辈子~(?:就这样|到头|就到这|就这么|到此为止)|下辈子|来世|来生|我这一(?:生|辈子)",
    "对不起(?:爸妈|爸爸|妈妈|爸|妈|父母|老婆|媳妇|孩子|儿子|女儿|家人|你们|大家|全家)",
)
_FAREWELL_CUE = _rx(
    "再见|永别|别了|先走(?:了|一步)|走了|保重|(?:别|不要)(?:难过|想我|找我|哭|怪我)|照顾好",
    "忘了我|最后一(?:次|条|句)|再也见不到|再也不(?:用|会)?见",
)

_VIOLENCE_PHRASES: tuple[tuple[str, ...], ...] = (
    # Being beaten, now: 正在被打, 有人打我, 被人围殴.
    (
        "正在被~(?:人)?打|(?:打|揍|踢|扇|掐|殴打|暴打|毒打|踹)(?:了)?我",
        f"被~(?:{_WHO})?~(?:打|揍|殴打|暴打|毒打|围殴|群殴|踢|扇)"
        "(?:了|伤|得|成|晕|破|断|住院|骨折|(?!\\w))",
        "挨~(?:了)?(?:打|揍|一顿(?:打|揍|毒打)|[一几两](?:拳|巴掌|脚|刀|棍))|围殴|群殴|殴打|暴打|毒打",
        "家暴|打人了|打起来了|(?:在|正在)(?:打人|打架)|打架了|动手打",
        "把我(?:推倒|打倒|踹倒|按在地上|打伤|打晕)|(?:推|踹)(?:了)?我(?:下|一把|倒|一脚)",
    ),
    # Weapons and stabbing: 拿刀, 持刀, 砍我, 刀架在我脖子上.
    (
        "(?:拿|持|举|掏|亮|抽|拔)(?:着|出|了|起)?(?:一把)?(?:菜刀|水果刀|匕首|砍刀|尖刀|长刀|刀子|刀"
        "|铁棍|木棍|棍子|钢管|砖头|斧头|锤子|榔头|枪)",
        "(?:刀|枪|棍|刀子)~(?:架在|抵在|抵着|顶着|指着|对着|比划)~我",
        "(?:捅|扎|砍|刺)(?:了)?(?:我|伤我)|被~(?:人)?(?:捅|砍|扎|刺)(?!激|针|眼|耳)",
    ),
    # Threats to kill or hurt: 要杀我, 威胁要弄死我, 找人收拾我, 同归于尽.
    (
        "(?:要|想|说要|扬言|准备|找人)~(?:来)?(?:杀|弄死|整死|搞死|砍死|捅死|杀死|宰)(?:了)?我",
        "(?:说|扬言|威胁|喊着|嚷着)~(?:要)?~打死我|(?:弄死|整死|砍死|捅死|杀死|宰了|做掉)(?:我|你)",
        f"(?:威胁|扬言)~(?:说)?(?:要)?~(?:弄死|杀|打(?!{_NOT_HIT})|砍|捅|收拾|报复)",
        "找人~(?:来)?(?:弄|收拾|打|砍|整)(?:死)?(?:我|你)",
        "(?:杀了|弄死|砍死|捅死|宰了)(?:他|她|他们|那个|站长|老板|客户|那人)|杀人了|有人杀人|同归于尽",
    ),
    # Held, locked up, tied: 被扣住不让走, 被关起来, 被绑.
    (
        "我被~(?:人)?扣(?:住|下|着|在)|把我(?:扣|关|锁|绑|困|堵)(?:起来|住|在|着|下|了)",
        "被~(?:人)?(?:关起来|关在|锁起来|锁在|困住|困在|绑(?:架|起来|住|了|在))",
        "非法拘禁|绑架|软禁|囚禁|不(?:让|放|许)我(?:走|离开|出去|出门)",
        "(?:被~(?:人)?扣|扣)(?:住|下|着)(?:我)?…不(?:让|放|许)(?:我)?(?:走|离开|出)",
    ),
    # Robbed or followed: 抢劫, 被抢了, 被人跟踪.
    (
        "抢劫|打劫|被~(?:人)?抢(?!救|先|购|光|空|占|答|镜|眼|手)|有人~(?:在)?抢(?:劫|东西|钱|我)",
        "抢(?:了|走)?我(?:的)?(?:手机|钱|包|车|电动车|电瓶|东西|快递|货|钱包)",
        "被~(?:人)?(?:跟踪|尾随)|(?:有人|陌生人|一个人|一个男的|男的|那人|几个人|一辆车)~(?:在)?"
        "(?:跟踪|跟着|尾随)我",
    ),
    # Injured or collapsing, now: 血流不止, 流了好多血, 昏过去了, 喘不上气.
    (
        "血流不止|流血不止|止不住血|血止不住|一直~(?:在)?流血|在流血|大出血",
        "流了~(?:好多|很多|一地|一身|满身|满脸|一大滩)(?:的)?血|满(?:脸|头|身|手|地)~(?:都)?是血",
        "出了~(?:好多|很多)(?:的)?血",
        "(?:昏|晕)(?:过去|倒|死过去)|昏迷|不省人事|叫不醒|没(?:有)?(?:呼吸|意识|心跳)了",
        "(?:喘不上|喘不过|透不过|上不来)气|呼吸困难|抽搐|口吐白沫|(?:心脏病|心梗)(?:发作|犯)了",
        "(?:热|晒)晕(?:了|过去|倒)|中暑~(?:晕|昏|倒|抽)|我~(?:感觉|觉得|好像)?~快(?:要)?死了",
    ),
    # Calls for help: 救命, 救救我, 快报警.
    (
        "救命|救救我|就命啊|快~(?:帮我)?报警|帮(?:我|忙)(?:报警|打110|打120|叫救护车)",
        "快(?:叫|打)(?:救护车|120|110)|快来人|来人啊",
    ),
)

_SELF_HARM = tuple(_rx(*family) for family in _SELF_HARM_PHRASES)
_VIOLENCE = tuple(_rx(*family) for family in _VIOLENCE_PHRASES)


def _mask(text: str) -> str:
    for rx in _NEGATIVE:
        text = rx.sub(lambda m: _MASK * len(m.group()), text)
    return text


def _farewell(compact: str, masked: str) -> str | None:
    """A farewell context plus a goodbye outside it, as "context…goodbye", or None."""
    if (ctx := _FAREWELL_CONTEXT.search(masked)) is None:
        return None
    rest = masked[: ctx.start()] + _MASK * len(ctx.group()) + masked[ctx.end() :]
    if (bye := _FAREWELL_CUE.search(rest)) is None:
        return None
    return f"{compact[ctx.start() : ctx.end()]}…{compact[bye.start() : bye.end()]}"


def detect_crisis(text: str) -> CrisisSignal | None:
    """Return the first crisis cue in `text` (self-harm before violence), or None."""
    compact = _INVISIBLE.sub("", text).casefold()
    if not compact:
        return None
    masked = _mask(compact)
    for rx in _SELF_HARM:
        if m := rx.search(masked):
            return CrisisSignal("self_harm", compact[m.start() : m.end()])
    if cue := _farewell(compact, masked):
        return CrisisSignal("self_harm", cue)
    for rx in _VIOLENCE:
        if m := rx.search(masked):
            return CrisisSignal("violence", compact[m.start() : m.end()])
    return None

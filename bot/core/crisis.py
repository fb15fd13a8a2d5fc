"""Crisis detector: runs on every courier message before anything else, without the NLU server.

Input is the output of `bot.core.normalize.normalize` (simplified, NFKC-folded), but raw text is
handled too. The check is biased toward recall: a false alarm only shows hotlines and pages a
counsellor, a miss can cost a life. It is built from curated phrase families:

1. zero-width characters are removed and the text is case-folded; white space is removed too, so
   that "不 想 活" and "ZiSha" are caught, and a second form keeps each space as a clause break,
   because couriers type without punctuation ("撑不下去了 对不起儿子");
2. NEGATIVE spans (everyday hyperbole and work slang such as 累死了, 砍价, 打电话, 救命钱, news
   about someone else, negated wishes such as 我不是想死) are masked out on the joined form, so
   they can neither fire nor lend characters to a positive match;
3. SELF_HARM families, then VETOED cues (everyday objects used as means, such as charcoal, rope or
   a roof, that count unless the message names an ordinary purpose), then the farewell rule (a
   farewell context plus a goodbye), then VIOLENCE families are searched in order; the first hit
   wins, so bleeding self-injury stays "self_harm";
4. a beating or a fall told after the fact to ask about rights (a past time or an aftermath such
   as the hospital, a rights question, nothing about danger now: 前天被业主踹了一脚 后来他走了
   能找他赔吗) is not an emergency; weapons, threats, being held or followed and calls for help
   always are.

Pattern shorthand: "~" is up to three optional fillers (真的/都/就/了 ...); "…" is a gap of up to
four characters inside one clause (never across punctuation or a masked span); _WIDE gaps may
cross commas but not the end of a sentence.

Known limit, measured while widening the lists (tests/unit/crisis_probe_cases.py): on freshly
written messages the phrase families catch only a minority of danger messages worded in new ways,
so this is a floor, not the whole net.
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
    "|越来越|宁愿|宁可|一直|正在|现在|到底|吧|直接|干脆){0,3}"
)
_GAP = r"[^,.!?;:，。！？；：、\u2026\x7e\s\u2591]"
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]+")
_SPACES = re.compile(r"\s+")


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
    "|对方|老公|丈夫|男朋友|那人|那个人|陌生人|混混|催收的|要债的|讨债的|催债的|醉汉|酒鬼|疯子"
    "|主管|领导|经理|组长|老板娘|房东|工头|包工头"
)
_PAST = "昨天|前天|上周|上星期|上礼拜|上个?月|上次|之前|以前|去年|前几天|前段时间|那次|几天前"
_NOT_HIT = "差|电话|分|低分|一星|投诉|1|热线|官司"  # 打差评, 打电话, 打12345 ...
_BOX = "快递|箱|纸箱|包装|胶带|包裹|水果|菜|西瓜|绳|袋|封箱"
_POISON = "农药|百草枯|敌敌畏|老鼠药|毒鼠强|毒药|安眠药|除草剂|耗子药"
_KIN = "你们|孩子|爸妈|爸|妈|父母|老婆|媳妇|家里|家人"
# Close family named in a last arrangement: 以后照顾好我妈, 替我照顾好孩子.
_FAMILY = (
    "我妈|我爸|我爸妈|爸妈|我家人|家里人|家人|孩子|我儿子|儿子|我女儿|女儿|我闺女|闺女|我老婆"
    "|老婆|我媳妇|媳妇|老人|我奶奶|我爷爷|我家"
)
_COUNT = "[一二两三四五六七八九十几\\d]+个?|好几个?|个"  # 打了我三个电话
# A gap that may cross commas and spaces, but not the end of a sentence.
_WIDE = "[^.!?。！？\u2591]"

# Masked, in this order, before any positive search.
_NEGATIVE: tuple[re.Pattern[str], ...] = (
    # "救命" as a laugh, or about money and gratitude: 救命笑死, 救命钱, 救命稻草.
    _rx("救命[啊呀哇]?[,!]?~(?:笑死|哈哈|太好笑|好好笑|好可爱)", "救命(?:钱|稻草|恩人|之恩|的钱)"),
    # Hyperbole: 累死了, 气死我了, 笑死, 饿死了, 忙得要死, 累得半死, 快递员会不会累死.
    _rx(
        f"(?<!想)(?:{_HYPER})(?:得|的|到)?(?:我|人|你|宝宝|老子|俺|我们)?(?:都)?(?:快|要|快要)?死"
        "(?:了|啦|我了|人了|人|我|掉了|你了|算了)?(?!自己)",
        "(?:得|的)(?:要|快|快要)死(?:了)?|(?:得|的|个)半死|半死不活|要死不活|要死要活|死去活来",
        "拼死|(?:忙|累|干|送|跑|做|熬)到死|笑不活",
    ),
    # 死-prefixed intensifiers and compounds: 死贵, 死活不给, 死机了, 死磕, 死心, 去死皮.
    _rx(
        "(?<!的)死活|"
        "死(?:贵|沉|重|远|难|累|热|冷|慢|懒|犟|磕|机|心|党|角|胡同|鬼|抠|板|守|扛|缠|记|盯"
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
        "(?:你|他|她|它|你们|他们|她们|客户|站长|老板|那人)(?:怎么|都|就|全"
        "|统统)?(?:不)?(?:快)?去死"
    ),
    # 打 not as hitting: 打电话给我, 打我卡上, 被打差评, 打死也不干, 打脸, 打我个措手不及.
    _rx(
        f"打(?:了|到|给|进|在)?(?:我|给我)(?:的)?(?:{_COUNT})?(?:电话|手机|微信|号码|卡"
        "|银行卡|账户|账上|钱|工资|款|差评|低分|一星|分|主意|脸)",
        f"被(?:{_WHO})?打(?:了)?(?:[一二两三几\\d]*(?:个|条|次))?(?:差评|低分|一星|电话|款|分|脸"
        "|击|压|扰)",
        "打死(?:我)?(?:也|都)不|(?:打|扇)(?:了)?自己(?:的)?脸|措手不及|打(?:了)?我(?:一顿|一通)骂",
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
        "(?:关|锁)在(?:了)?…(?:门外|外面|外头|楼下)|不(?:想|要|愿意?)死(?:在|于)",
        f"(?:辞职|离职|不干了|合同|押金|干满|交接){_GAP}{{0,8}}不(?:让|放|许)(?:我)?(?:走|离开"
        "|离职)",
        f"不(?:让|放|许)(?:我)?(?:走|离开|离职){_GAP}{{0,6}}(?:押金|干满|辞职|离职|交接|合同)",
    ),
    # A business struggling, pressure "taking the breath away", heat "making me faint".
    _rx(
        "(?:公司|网点|站点|店|厂|驿站|生意|站)…(?:撑|熬|扛|挺|坚持)不(?:下去|住)",
        "(?:工作|这份|这行|这活|合同|干|送|跑|做)…~不想~(?:再)?继续",
        "(?:压|压力|逼|催|忙|累|闷)~(?:大|得|的|到){1,2}~(?:我)?~(?:快|都快|要)?(?:喘不过|喘不上"
        "|透不过)气",
        f"(?:{_HYPER})(?:得|的)(?:我)?(?:快|要|都快|快要)?(?:晕|昏)(?:过去|倒|死)?",
        f"(?:快|要|快要|都快)(?:{_HYPER})(?:晕|昏)(?:过去|倒|死)?",
        # hunger or fatigue "can't hold on", and a battery that will not last: 饿得撑不住了
        f"(?:{_HYPER})(?:得|的)(?:我)?(?:快|要|都快|快要|实在)?(?:撑|熬|扛|顶|受)不住",
        f"(?:手机|电瓶|电池|电量|没电|电动车){_WIDE}{{0,8}}(?:撑|坚持|扛|顶)不(?:住|到|下去)",
    ),
    # Someone else's death or assault as news or a general rights question, not the writer's
    # crisis: 外卖小哥跳楼的新闻, 快递员被打了怎么维权.
    _rx(
        "(?:跳楼|自杀|轻生|猝死|过劳死|坠楼|被打|被砍|被捅)(?:了)?(?:的)?(?:那个|这个|那件|这件)?(?:新闻"
        "|事件|报道|视频|案子|案件|帖子|热搜)|(?:跳楼|自杀|轻生|猝死|坠楼)(?:的|那个|这个|那件|这件)(?:事|事情)",
        "(?:快递员|快递小哥|骑手|外卖员|外卖小哥|送货员|员工|工人|职工|司机)被…(?:打|殴打|揍)(?:了|伤)?"
        "…(?:怎么|如何|能|可以|该|有没有|算不算|算)…(?:维权|索赔|赔偿|赔|处理|投诉|起诉|告|工伤)",
    ),
    # A dream being told: 梦见自己跳楼了 吓醒了.
    _rx(
        "梦(?:见|到)(?:了)?(?:自己|我)?(?:被)?…(?:跳楼|跳河|自杀|死|被打|被砍|被追|掉下去|摔下去)(?:了)?"
    ),
    # Negated wishes: 我不是想死, 从没想过自杀, 不会想不开 (but 不是没想过自杀 still counts).
    _rx(
        "(?<!不是)(?<!并不是)(?:从来|从)?(?:不是|并不是|没|没有|不会|不至于|绝不|绝对不)(?:真的|说|要)?"
        "想(?:过)?(?:要)?(?:去)?(?:死|自杀|轻生|不开)"
    ),
    # An assault told as a past event (an after-the-fact rights question): 上周被客户打了.
    _rx(f"(?:{_PAST}){_GAP}{{0,8}}(?:被|挨)(?:{_WHO})?(?:打|揍|殴打|踢|扇)(?:了)?"),
)

_SELF_HARM_PHRASES: tuple[tuple[str, ...], ...] = (
    # Direct: suicide, wanting to die, not wanting to live.
    (
        "自杀|轻生|寻死|寻短见|自尽|自我了断|了断自己|一死了之|以死(?:明志|谢罪|相逼)|求死|"
        "生不如死",
        "了结~(?:我|自己)(?:的)?(?:生命|性命|一生)?|"
        "结束~(?:我|自己|这|我的)(?:的)?(?:生命|性命|一生|人生)|结束生命",
        "把自己~(?:结束|了结|解决|弄死|杀|撞死|饿死|淹死|摔死|毒死|勒死)|(?:这条|我的|烂)命~不要了",
        "(?:这条|我的|烂|我这条)命~(?:就)?(?:交代|扔|丢)(?:在|到|了)",
        "活到头|做(?:个|一个)?了断|死的心都有|(?:不如|还不如|干脆)~让我~(?:去)?死",
        "(?:不痛苦|没有痛苦|无痛|安静|安安静静)(?:地|的)?死|洗胃(?!的|费|多少|报销|能报)",
        "(?:脑子里|脑海里|满脑子)~(?:全是|都是|一直)?~(?:想)?(?:跳下去|死|自杀|怎么死)",
        "(?<!不)想(?:要)?(?:去)?死|(?<!不)去死|死(?:了|掉)~(?:算了|好了|拉倒|干净|解脱|一了百了)",
        "(?:想|宁愿|干脆|只能|只好)~(?:就这么|就这样|这么|这样)~死",
        "(?:饿|冻|累|撞|淹|毒|闷|勒|掐|烧|摔|弄|杀)(?:了)?死自己|杀了自己|"
        "想~(?:饿|冻|撞|淹|摔|毒)死",
        "死了?~(?:都)?比活着~(?:轻松|好|强|舒服)|(?:自己|自我)了断",
        "不如~(?:去|一)?死|死了(?:也|都)没(?:人|有人)(?:管|在乎|知道|心疼)",
        # "better gone": 不如走了干净, 还不如没了算了
        "(?:不如|还不如|倒不如)~(?:走了|没了|离开)~(?:干净|算了|痛快|好)",
        "(?:不如|还不如|倒不如)~(?:早点|早些|干脆|直接)?~结束(?:吧|算了|了|掉)?(?!\\w)",
        # a burden just by living: 活着就是给家里添麻烦
        f"活着~(?:只会|只是|就是|就会)?~(?:给|让|拖累){_GAP}{{0,4}}(?:添麻烦|添乱|添负担|受罪|受累|拖累)",
        # a life without any point: 活了二十多年一点意思都没有
        f"(?<![干接派送抢])活(?:了|着){_GAP}{{0,8}}(?:一点|一丁点|半点)?(?:意思|意义|盼头)都没(?:有)?",
        "不~(?:想|愿|愿意|要|打算)~(?:这样|这么)?~活(?:了|下去|着|啦|咯|辣|喽|嘞|惹|勒|在|(?!\\w))|"
        "不配活(?:着|下去|在|(?!\\w))|不活了",
        "没(?:有)?(?:勇气|力气|理由|动力)~(?:再)?活(?:下去|着)",
        f"(?:想|要|准备|打算){_GAP}{{0,12}}(?:死去|死掉)(?!的)",
        "(?:我要是|要是我|如果我|假如我|万一我)~(?:出了?事|没了)…(?:都)?留给|"
        "(?:我要是|要是我|如果我|假如我)~(?:死|不在)了|控制不住自己…(?:做|干)|"
        "我死了~(?:是不是|就不用|就能|家里|他们|孩子)",
        "(?:计划|想好|查好|查了|研究|想着|在想|琢磨|考虑|想)~(?:好)?(?:了)?~"
        "怎么(?:死|自杀|了结)(?!的)|怎么死(?:才|比较|最)",
        "(?:想|会|要|差点|差一点|怕我会)~做(?:了)?傻事|没(?:有)?人~(?:在乎|管|关心)(?:我的)?死活",
        "活(?:不下去|不成了|不了了)|(?<![的这那天接派])活够了|(?:没法|不能)活了",
        "没(?:有)?活路|活路都没(?:有)?了|走投无路|死路一条|逼~(?:我)?(?:去)?死|逼上绝路|走上绝路",
    ),
    # Methods, means and places.
    (
        "割~(?:了)?(?:腕|脉|手腕|动脉|静脉)|手腕~(?:被)?割(?:破|开|伤)|割(?:破|开|伤)(?:了)?手腕|"
        "跳楼|跳河|跳江|跳湖|跳海|跳桥|跳崖|卧轨|跳轨|撞火车",
        f"(?:想|要|就|直接|准备|打算|干脆)~(?:从{_GAP}{{1,6}})?(?:跳下去|往下跳)",
        f"(?:想|要|准备|打算){_GAP}{{0,8}}撞(?:向)?(?:大货车|货车|卡车|火车|大车|桥墩)",
        "绳子~(?:套|挂|系)(?:在|上|到)?~(?:脖子|房梁|梁上)|跳下去~(?:就|一了百了|算了|解脱)|上吊|"
        "吊死|自缢|烧炭|烧碳|吃安眠药|割下去|(?:刀|刀片)~划下去",
        f"(?:一瓶|一整瓶|整瓶|一把|一大把|一堆|好多|几十片|一盒)~(?:{_POISON})",
        "(?:喝|吃|吞|服)~(?:了)?~"
        f"(?:一瓶|半瓶|整瓶|一整瓶|一把|一大把|一堆|好多|很多|几十片|所有的?)?~(?:{_POISON})",
        "(?:吃|吞|服)(?:了)?(?:一瓶|半瓶|整瓶|一整瓶|一把|一大把|几十片|一堆)…药",
        # an overdose said with 把: 把一整板药都吞了
        "把(?:一|半|整|一整|两|几)?(?:瓶|盒|板|把)~(?:的)?(?:安眠)?药~(?:都|全)?(?:吞|吃|喝)(?:了|下)",
        # an overdose in boxes or blister strips: 吞了半盒药, 吃了两板安眠药
        "(?:吃|吞|服)(?:了|下)?(?:半|一|两|几|好几|整|一整)(?:盒|板)~(?:的)?(?:安眠)?药(?!材|费)",
        f"把(?:{_POISON})~(?:准备|买|藏)好",
        "存~(?:了)?~(?:好多|很多|一堆|一瓶|几瓶)~(?:安眠)?药…(?:等|哪天|准备|留着)|"
        "(?:攒|囤)~(?:了)?~(?:一瓶|好多|很多|一堆|一些|半瓶|不少|几瓶|一大把)?~"
        "(?:安眠)?药(?!材|费)",
        "站在…(?:楼顶|天台|顶楼|桥上|桥边|大桥|江边|河边|窗台|楼边|栏杆外|阳台边|天台边)|"
        "站在…楼的窗(?:户)?边",
        "(?:楼顶|天台|顶楼|桥上)~(?:往下看|往下跳|跳下去|准备跳)",
        "我~(?:在|到了|上了|爬上|爬到|跑到|来到|走到)~(?:楼顶|天台|顶楼|窗台)"
        "(?!~(?:收|送|取|晒|晾|放|派|找))",
    ),
    # Indirect and euphemistic: no point living, disappearing, never waking, last arrangements.
    (
        "(?<![干接派送抢])活着~(?:没意思|没什么意思|没啥意思|没意义|没劲|没盼头|没奔头|累|痛苦|绝望"
        "|好难|太难|有什么意思|有什么意义|还有什么意思|还有什么意义|干嘛|干什么|有啥意思|有啥用"
        "|有什么用|就是(?:个|一个)?错误|是(?:个|一个)?错误|是多余的"
        "|(?:就是)?(?:受罪|受苦|浪费|煎熬|折磨|累赘)|没用|有什么劲|有啥劲|为了什么|为了啥|图什么|"
        "图啥)",
        "(?:和|跟|向)(?:这个)?世界~(?:说)?(?:再见|告别|道别|拜拜)|"
        f"(?:和|跟|向)(?:{_KIN})+~(?:说)?(?:告别|道别|永别)",
        "(?:想|要|准备|打算|就)~离开(?:这个)?(?:世界|人世|人间)|从这个世界(?:上)?消失",
        "(?:想|只想|好想)~(?:就这样|这样)?~(?:永远)?消失|一了百了|结束(?:这)?一切",
        "(?:让|把)自己~(?:永远)?消失|消失在这个世界",
        "(?:撑|熬|扛|挺)不下去|(?:撑|熬)不住了|(?:撑|熬|挺)不过去了|"
        "(?:我|真的|实在)~坚持不(?:下去|住)了",
        "(?:世界|世上|人间|活着|人生|这辈子)~(?:上)?~(?:没(?:有)?什么|没啥)~值得~留恋|"
        "没(?:有)?什么~值得~留恋的了(?!\\w)",
        "不~(?:想|要|愿意?)~(?:再)?(?:坚持|继续)(?:了|下去)(?!\\w)",
        "(?:想|只想|就想|好想|早点|早日|求)~(?:彻底|永远)?解脱|永远(?:地)?解脱",
        "死~(?:了)?~(?:才能|就能|就|才|反而|倒)?~(?:是)?(?:一种|种)?解脱|"
        "(?:只有|只能)(?:一死|死)~(?:才能)?解脱",
        "不~(?:想|要|愿意?)~(?:再)?醒(?:来|过来)|永远(?:都)?不~醒|再也不~(?:要|想|用)?(?:醒|睁开)",
        "不~(?:想|要|愿意?)~(?:再)?睁开?眼",
        f"(?:要不是|如果不是|不是因为)(?:为了)?(?:{_KIN}|我妈|我爸)…早(?:就)?(?:不在|死|没|走)了|"
        "我早(?:就)?不在了",
        "永远(?:地)?(?:休息|睡下|睡着|离开|歇(?!业|脚|班)|安息|闭(?:上)?眼)|永远的那种|"
        "(?:这辈子|人生|生命)~(?:就)?到(?:这|此)(?:吧|了|为止)",
        "(?:孩子|爸妈|我妈|我爸|家里|老婆)以后~(?:就)?(?:拜托|交给|麻烦)(?:你们|你)",
        "以后~(?:他们|孩子|爸妈|我妈|我爸|家里)~(?:就)?(?:靠|拜托|交给|麻烦)(?:你们|你)",
        "永远睡(?:过去|下去)|一睡不(?:醒|起)|一觉睡过去(?:就好了|算了|不醒)",
        "遗书|遗言|交代~(?:好)?(?:了)?(?:我的)?后事|(?:我|自己)的后事",
        "我(?:死|不在)了?(?:以后|之后)|等我(?:死|走|不在)了|我死后",
        f"我不在了~(?:{_KIN}|别|不要|要好好)",
        f"我走了?(?:以后|之后){_GAP}{{0,6}}(?:{_KIN}|帮我|替我|照顾|别|不要|记得|保重|难过|好好)",
        "没(?:有)?我~(?:也|都)~(?:照样|照常|一样|无所谓|没(?:人|关系))|"
        "没有我~(?:你们|大家|家里|他们|全家|孩子)?~(?:会|就|都)?~(?:过得)?~更好|"
        "没(?:有)?了?我(?:的话)?~(?:你们|大家|家里|家里人|他们|全家|孩子|她|他)?~(?:会|就|都|也)?~"
        "(?:过得|活得)?~(?:更|还)?~(?:好|轻松|开心|自在|幸福|省心)|"
        "拖累(?:了)?(?:全家|家人|家里)",
        "我~(?:就是|只是|是)(?:个|一个)?(?:家里|全家|家人|大家|你们)?的?(?:累赘|拖累|负担)",
        "永别了|下辈子见|(?:来世|来生)再见|再见了~(?:这个)?世界|告别(?:这个)?世界",
        "下辈子~(?:再)?(?:做|当)(?:你们|您|爸妈|你)的(?:儿子|女儿|孩子)|"
        "下辈子~(?:再)?(?:报答|孝顺)",
    ),
    # Passive wishes, "should not live", lethality questions: 要是出车祸就好了, 吃多少片会死.
    (
        "(?:撞死|摔死|淹死|病死|出车祸|出个车祸|醒不过来|一觉不醒)~(?:了|掉)?~(?:也|倒|就)?~"
        "(?:挺好|也好|就好了|多好|该多好|比较好|更好)|(?:我|自己)(?:是不是)?~(?:死|不在|消失)"
        "(?:了|掉)?~(?:也|倒|就)?~(?:挺好|也好|就好了|多好|该多好|比较好|更好)",
        "一觉不醒|不~(?:该|应该|配|值得)~活(?:着|下去|在)|不~想~(?:再)?活受罪",
        "没(?:有)?…活下去的(?:理由|意义|勇气|必要|希望|动力)|不知道~活着~(?:为了|是为了|有什么)",
        "(?:人生|活着)~(?:已经)?~(?:没(?:有)?什么|没|毫无)~(?:意义|意思|盼头|希望)",
        "(?:生活|世界|人生|人世|活着)…(?:没有|没)(?:任何|什么)?留恋|"
        "(?:我|自己)~(?:就)?是~(?:个|一个)?多余的",
        "想~(?:冲下去|冲过去|撞上去)|(?:冲进|冲向|撞向)(?:车流|大车|货车|火车)",
        "从(?:楼上|桥上|楼顶|天台|阳台|窗户|窗台)~跳下去|(?:开始|在)想…后事",
        "(?:多少|几片|几瓶|几颗|几楼|多高)…(?:会|能|才能|就能|肯定会|才会|肯定|必)(?:死|致命|没命|没救"
        "|活不了)",
        "(?:搜|查|百度)~(?:了)?…怎么(?:死|自杀)|怎么死(?:不疼|不痛|最快|最舒服)",
        "(?:我要是|要是我|如果我|假如我)走了[^。!?！？]{0,10}(?:保险|赔|家里|孩子|老婆|爸妈)",
        # "if I died" weighed against the payout or the debts: 要是我被撞死了 保险赔多少
        "(?:我要是|要是我|如果我|假如我|万一我)…(?:死|没)(?:了|掉)"
        f"{_WIDE}{{0,14}}(?:保险|赔|闺女|家里|孩子|老婆|爸妈|债)",
    ),
    # Self-injury.
    (
        "伤害自己|自残|自伤|(?:割|划|烫|扎|烧)(?:伤|了|破)?自己",
        "(?:用|拿)~(?:刀|刀片|美工刀|小刀|玻璃|剪刀|烟头)~(?:割|划|烫|扎|戳)~(?:自己|手腕|胳膊"
        "|手臂|腿|手)",
        "在(?:手腕|胳膊|手臂|大腿|腿|身上)上?~(?:划|割|烫|扎)(?:了)?(?:几|一|好几|很多)?(?:道|刀"
        "|下)",
        "(?:拿|用)头撞(?:墙|桌子|地|柱子)|一直撞墙|(?:打|扇|掐|咬|烧|揍|捶)自己",
        "把自己~(?:的)?(?:手臂|胳膊|手腕|手|腿|脸)?~(?:划|割|烫|扎|弄伤|打伤|掐)",
        "(?:手腕|手臂|胳膊)上~(?:全是|都是|好多|很多)~(?:刀口|伤口|口子|刀疤)",
    ),
    # Plans, means and last arrangements said without the word "die".
    (
        # pills saved up, a fall planned, the way under a lorry: 药攒够了, 打算今晚从楼顶下去
        "(?:安眠药|药片|药)~(?:我)?~(?:已经|都)?~攒(?:够|齐|好|满)|攒够~(?:了)?~(?:安眠)?药",
        "(?:想|要|打算|准备|干脆)~(?:今晚|今天|明天|晚上|等会|待会|马上|现在)?~从"
        f"{_GAP}{{0,6}}(?:楼顶|天台|顶楼|桥上|窗户|窗台|阳台|楼上)~(?:下去|跳|翻(?:下去|出去)|往下)"
        "(?!~(?:送|取|拿|找|接))",
        "(?:想|要|打算|准备|干脆)~(?:冲|扑|撞|跳|躺|钻)(?:到|进|向)?~(?:大货车|大车|货车|卡车|火车|渣土车"
        "|车轮|车)~(?:底下|下面|轮子底下|轮子下面|轮下)",
        "(?:撞|摔|淹|毒|烧|砸|压|轧|碾)死~(?:了)?~(?:算了|拉倒|一了百了)",
        # weighing whether to end it, giving up on oneself: 每天都在想要不要结束, 我也不要自己了
        "(?:在想|想着|考虑|纠结|犹豫)~要不要~(?:结束|了结|死)(?:掉|了)?(?!\\w)|不(?:想)?要(?:我)?自己了"
        "|(?:自己|我)的?(?:事情|事)~(?:都)?了了(?!~(?:再|之后|以后|然后|才))",
        # an intent word, then a crash or "settling it" a few characters on:
        # 骑着车总想往对面大车上撞, 想找个没人的地方了断
        f"(?:想|要|准备|打算){_GAP}{{0,8}}往{_GAP}{{0,4}}(?:车|大车|货车|卡车|火车|墙|桥墩|护栏)(?:上)?"
        "(?:撞|冲|开)",
        f"(?:想|要|准备|打算|去|地方)(?:(?!事|账|合同|关系|工资|恩怨|这单){_GAP}){{0,6}}(?:了断|了结)"
        "(?!~(?:关系|恩怨|合作|感情|合同|这事|工资|账))",
        # sleep without waking: 真想睡一觉就别醒了
        "睡~(?:一觉|过去|着)?~(?:就|再也|永远)?~(?:别|不要|不用)醒(?!~(?:太早|那么早|这么早))",
        # swallowing strips or bottles of any drug, cephalosporin with alcohol: 吞了一板头孢又喝了酒
        "吞(?:了|下)?(?:半|一|两|几|好几|整|一整)(?:盒|板|瓶|把)(?!~(?:水|饮料|可乐|啤酒|酒|酸奶|奶|果汁"
        "|饭|糖|口香糖|饼干|维生素|钙片|vc|瓜子|花生))",
        f"头孢{_WIDE}{{0,10}}(?:喝|配|就|加)(?:了)?(?:点|些)?酒|(?:喝|配)(?:了)?(?:点|些)?酒{_WIDE}{{0,10}}"
        "(?:吃|吞)(?:了)?~头孢",
        # drifting off or going under for good: 好想就这么睡过去, 想去河里泡着再也不上来
        "(?:想|好想|只想|真想)~(?:就这么|就这样|这么|这样)~睡过去",
        "再也不~(?:上来|浮上来)|(?:河|江|湖|海|水库)里~(?:泡着|躺着|沉下去)",
        # the whole pill supply taken: 今晚回去就把药全吃了
        "把(?:药|安眠药|药片|所有的药)~(?:全|全部|一次性)~(?:吃|吞|喝)(?:了|掉|下去)",
        # a crash or an illness wished for as rest: 要是被车撞了就能休息了
        f"(?:要是|如果|真希望|希望|巴不得){_GAP}{{0,6}}(?:被车撞|出车祸|撞|摔)"
        f"{_GAP}{{0,4}}(?:就能|就可以|就不用)(?:休息|解脱|歇|不用)",
        # joining the dead: 送完今天就下去陪我爸了
        "(?:下去|地下|那边|天上|天堂)~(?:陪|找|见)(?:我)?(?:爸|妈|爷爷|奶奶|姥姥|姥爷|外婆|外公|老伴"
        "|孩子|儿子|女儿)",
        # a vehicle driven into water or off a height: 真想直接开进河里
        "(?:想|要|准备|打算|干脆)~(?:开|骑|冲|跳|扎|栽)(?:着车)?(?:(?:进|到)(?:了)?(?:河|江|湖|海|水库|沟)"
        "(?:里|中|底)|(?:下|向)(?:了)?(?:河|江|湖|海|水库|沟|桥下|悬崖|山沟)(?!对面|边|岸))",
        # sleeping pills hoarded: 安眠药都留着没吃
        "(?:安眠药|安定|助眠药|药片)~(?:我)?~(?:都|全)?~(?:留着|攒着|存着|藏着|没吃)",
        # internet euphemisms: 自挂东南枝, 人生重开
        "自挂东南枝|挂东南枝|(?:想|要|准备)~(?:人生)?重开(?![一家店张个机号单])",
        # cutting again, compulsively: 手上又划了好几道 停不下来
        "(?:划|割)(?:自己|手)?…停不下来",
        # an urge to cut again: 晚上又想划
        "(?:又|还|好|老)想(?:划|割)(?:手|自己|胳膊|手腕|一下|几下|几刀|下去|(?!\\w))",
        # a voice telling them to do it: 心里有个声音让我撞车
        "声音~(?:总|老|总是|老是)?~(?:让|叫|要|逼|催|喊)我~(?:去)?(?:死|撞|跳|割|划|自杀|结束|走)",
        # never waking, sleeping away: 永远别醒, 睡过去就好了
        "永远(?:都)?~(?:不|别)~醒|睡过去~(?:就好了|算了|多好|该多好|再也|别醒|不醒)",
        # last words and last arrangements: 这是最后一次跟你说话了, 以后照顾好我妈
        "最后一次(?:跟|和|陪)(?:你|你们|大家)~(?:说话|聊天|聊)(?!~(?:的机会|要|再))",
    ),
    # Typos, homophones and pinyin: 自刹, 不相活了, 想si, zisha, bu xiang huo le.
    (
        "自(?:sha|刹(?!车)|沙|煞)|zi杀|zisha|qingsheng|buxianghuo|huobuxiaqu|tiaolou|gewan",
        "想(?:si|shi|s)(?![a-z])|不想huo|不想或了|不相活|跳lou|跳搂|割碗|我~相死",
        # a pinyin particle or initials after a Chinese cue: 不想活le, 想zs, 想tiao楼
        "不~(?:想|要)~活(?:le|la|lo|l)(?![a-z])|(?:想|要|去|准备)~zs(?![a-z])|(?<![a-z])zs(?:算了|吧)",
        "tiao(?:lou|楼|he|河|jiang|江|qiao|桥)|跳(?:he|jiang|qiao)(?![a-z])|(?:想|要)~(?:si|sǐ)le",
    ),
)

# Means and preparations that are everyday objects too: the cue counts unless the message names an
# ordinary purpose (charcoal for a barbecue, rope for parcels, a roof visited for a parcel).
_VETOED: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # charcoal bought or ready: 买了炭 今晚就弄
    (
        _rx(
            "(?:买|备|准备|弄|搞|拿)(?:了|好|来)?~(?:一袋|几袋|一包|几包|一箱|些)?~(?:木|竹)?(?:炭|碳)"
            "(?!笔|素|酸|水|粉)|(?:炭|碳)~(?:已经|都)?~(?:买好|准备好|备好)"
        ),
        _rx("烧烤|烤肉|烤串|撸串|火锅|取暖|烤火|炉|暖气|野炊|露营|bbq|客户|寄|快递|包裹|件"),
    ),
    # a rope ready or hung: 绳子我已经挂好了, 准备好绳子了
    (
        _rx(
            "(?:准备|买|备|找)(?:好|了)~(?:一根|根|一条|条)?~绳(?:子|索)?|"
            "绳(?:子|索)(?:我)?~(?:已经|都)?~(?:准备好|买好|挂好|挂上|套好)"
        ),
        _rx("捆|绑|货|件|包裹|快递|搬家|晾|打包|车|箱|行李|跳绳|拉|拖|固定|衣"),
    ),
    # poison bought, or kept at hand with an intent: 买好了农药, 农药就放在后箱里 随时能喝
    (
        _rx(
            f"(?:买|准备|备|藏)~(?:好)?(?:了)?~(?:一瓶|几瓶|好多)?(?:{_POISON})|"
            f"(?:{_POISON}){_WIDE}{{0,12}}(?:随时|准备|打算|想|今晚|能喝|能吃|喝了?它|吞)|"
            f"(?:随时|准备|打算|今晚)~(?:能|可以|就)?~(?:喝|吞){_WIDE}{{0,8}}(?:{_POISON})"
        ),
        _rx(
            "快递|件|包裹|驿站|签收|客户|寄|地里|打药|杀虫|庄稼|果树|菜地|虫|除草|田|种地|店|老鼠(?!药)"
        ),
    ),
    # a knife, a rope or pills kept "ready at any time": 刀放在枕头底下了 随时准备
    (
        _rx(
            f"(?:{_POISON}|药|刀|刀片|绳子|炭|煤气){_WIDE}{{0,16}}随时(?:准备(?:好)?(?:了|着)?(?!\\w)"
            "|(?:准备|可以|能|都能)~(?:结束|了结|走|死|动手|下手|用上))"
        ),
        _rx("快递|件|包裹|拆|切|削|菜|水果|做饭|厨房|干活|工作|感冒|发烧|病|医生|吃药"),
    ),
    # gas turned on: 我把煤气打开了
    (
        _rx("把煤气(?:阀)?~(?:打开|开着|开了|开开)|开(?:着)?煤气~(?:睡|不关)"),
        _rx("做饭|炒菜|烧水|饭|菜|面|热|洗澡|热水器|灶|锅|漏|味|安全|吗"),
    ),
    # "settling it" about oneself, not about wages: 今天就做个了结
    (
        _rx("做(?:个|一个)?了结"),
        _rx("工资|钱|账|合同|事情|这事|官司|纠纷|老板|站长|公司|赔|款"),
    ),
    # a roof or a bridge "to have a look": 送完这单去桥上看看
    (
        _rx(
            "(?:去|到|上)~(?:楼顶|天台|顶楼|桥上|大桥上|桥边|江边|河边|湖边|海边)~"
            "(?:看看|看一眼|站站|站一会|待一会|呆一会)"
        ),
        _rx(
            "件|快递|包裹|客户|收|取|信号|水箱|晒|晾|太阳能|修|漏|找|夜景|风景|烟花|灯|散步|散心|钓鱼"
            "|拍照|玩|逛|走走|跑步|锻炼|遛|孩子|老婆|媳妇|朋友|一起|发大水|涨水|水位"
        ),
    ),
    # family handed over for good: 以后照顾好我妈, 替我孝顺爸妈 (not while away for work)
    (
        _rx(
            f"(?:以后|今后|往后|我走后)~(?:帮我|替我|麻烦你|拜托你)?~照顾好~(?:{_FAMILY})|"
            f"(?:替我|帮我)~(?:照顾好|孝顺|照顾)~(?:{_FAMILY})"
        ),
        _rx(
            "打工|出差|外地|上班|加班|回来|几天|这段时间|这阵子|值班|送件|派件|住院|医院|回老家|今天|明天"
        ),
    ),
    # all one's belongings given away: 把东西都送人了
    (
        _rx(
            "(?:所有|全部|我的|我)?(?:东西|家当)(?:我)?~(?:都|全|全部)~(?:送人|送给|分给|送掉|分掉|处理掉)"
        ),
        _rx("搬家|搬走|回老家|换|旧|闲置|不要的|不用的|用不完|吃|喝|零食|水果|特产|月饼|年货"),
    ),
    # a belonging handed over "because I won't need it": 电驴你拿去骑吧 我用不到了
    (
        _rx(
            f"(?:拿去|送给你|送你|留给你|给你)(?:骑|用|穿|开|吧)?{_WIDE}{{0,10}}我~(?:以后)?~用不(?:到|上|着)"
            f"|我~(?:以后)?~用不(?:到|上|着)了?{_WIDE}{{0,10}}(?:拿去|送给你|送你|留给你)"
        ),
        _rx("换|新的|买了|旧|不干了|辞职|回老家|搬家|调走|升级|多的|多了|闲置"),
    ),
    # standing high up: 站在十二楼阳台上
    (
        _rx(
            "(?:站|坐|蹲|爬)(?:在|到|上)~(?:\\d+|[一二三四五六七八九十几]+)(?:楼|层)(?:的)?…"
            "(?:阳台|窗户|窗台|窗边|楼顶|天台|边上|外面|栏杆)"
        ),
        _rx("晾|衣服|收|浇花|晒|等|送|取|件|快递|客户|抽烟|打电话|风景|乘凉|修|擦"),
    ),
    # cutting again: 手上又划了好几道 (not a cut from a carton)
    (
        _rx(
            "又(?:在)?(?:手腕|胳膊|手臂|大腿|腿|手|身)?(?:上)?~(?:划|割|烫)(?:了)?~(?:几|一|好几|很多|两|三)"
            "(?:道|刀|下)"
        ),
        _rx("纸箱|箱|纸|胶带|快递|件|包裹|不小心|刮|蹭|铁皮|玻璃碴|树枝"),
    ),
    # climbing over a railing on a bridge or a roof (no shortcut there): 路过大桥 每次都想翻过栏杆
    (
        _rx(
            f"(?:桥|楼顶|天台|阳台|江|河|楼上|高架){_WIDE}{{0,16}}翻(?:过|出)?(?:去)?(?:栏杆|护栏|围栏|窗)"
        ),
        _rx("过马路|抄近路|近道|门禁|钥匙|锁|进小区"),
    ),
    # ... and anywhere else, unless it is the way into an estate: 想翻过栏杆
    (
        _rx("(?:想|要|准备)~翻(?:过|出)?(?:栏杆|护栏|围栏|窗户|窗台|阳台)"),
        _rx("过马路|抄近路|近道|送件|取件|进小区|小区|快递|包裹|门禁|钥匙|锁"),
    ),
    # envy of the dead: 真羡慕那些出车祸走掉的人
    (
        _rx(f"羡慕{_WIDE}{{0,12}}(?:死|没|走|去世)(?:掉|了)?的(?:人|那些|他|她)?"),
        _rx("辞职|离职|跳槽|不干|回老家|转行|换工作|调走"),
    ),
    # a last day with a goodbye to the brothers: 今天是我最后一天 以后兄弟们保重
    (
        _rx(f"最后一(?:天|晚|夜){_WIDE}{{0,12}}(?:保重|再见|永别|别了|照顾好)"),
        _rx("上班|干|辞职|离职|回老家|换工作|常联系|有空|聚|请客|喝酒|吃饭|调|片区|交接"),
    ),
    # no one need wait any more: 以后不用等我了 (not about dinner or a lift home)
    (
        _rx("以后~(?:都)?~(?:不用|别|不要)~等我了(?!\\w)"),
        _rx("自己回|下班|吃饭|加班|晚点|先吃|先睡|先走|一起|接我|坐车|打车|顺路|饭"),
    ),
    # a bank-card password written down or handed over: 银行卡密码写在纸上了, 工资卡和密码都给她了
    (
        _rx(
            "(?:银行卡|工资卡|卡|存折|支付宝|微信)(?:的)?密码(?:我)?~(?:已经|都)?~(?:写|留|记|放)"
            "(?:在|给|下)|(?:银行卡|工资卡|存折)(?:和|跟)(?:的)?密码~(?:都|也)?~(?:给|交给|留给|告诉|写给)"
        ),
        _rx("忘|吗|哪|什么|安全|会不会|是不是|能不能|怎么|改|重置|找回|客户|\\?"),
    ),
)

# Farewell rules: a context plus a goodbye elsewhere in the message. Family farewells (对不起爸妈,
# 这辈子就这样, 下辈子) take any goodbye; a risky place (天台, 江边) needs a stronger one (别找我).
_GOODBYE = (
    "再见|永别|别了|(?:别|不要)(?:难过|想我|找我|哭|怪我|管我|劝我|等我)|照顾好|忘了我|再也见不到"
)
_FAREWELLS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        _rx(
            "这辈子~(?:就这样|到头|就到这|就这么|到此为止)|下辈子|来世|来生|我这一(?:生|辈子)|"
            "该走了",
            "对不起(?:爸妈|爸爸|妈妈|爸|妈|父母|老婆|媳妇|孩子|儿子|女儿|家人|你们|大家|全家)",
            "(?:儿子|女儿|我)~不孝|对不住(?:爸妈|爸|妈|父母|家里|你们|孩子|老婆)",
        ),
        _rx(_GOODBYE, "先走(?:了|一步)|走了|保重|最后一(?:次|条|句)|再也不(?:用|会)?见"),
    ),
    (
        _rx("天台|楼顶|顶楼|江边|河边|湖边|海边|桥上|大桥"),
        _rx(_GOODBYE, "不想回(?:去|来|家)?|不(?:回|下)(?:去|来)了|不回了|想好了|决定了"),
    ),
    (
        # everything meaningless, and not going on like this: 什么都没意思 不想再这样下去了
        _rx("(?:什么|一切|啥|干啥|干什么|做什么)~都~没(?:意思|意义|劲|盼头)"),
        _rx("不~想~(?:再)?(?:这样|这么)~(?:下去|活)|不想(?:再)?(?:撑|坚持|继续)|累了|受够了"),
    ),
    (
        # a letter left for the family: 给我儿子留了封信 以后他就交给你们了
        _rx("留(?:了|下)?(?:一)?封信|(?:信|遗嘱)~(?:已经)?写好了"),
        _rx(_GOODBYE, "交给(?:你|你们)|拜托|以后~(?:就)?(?:靠|麻烦)(?:你|你们)|对不起"),
    ),
    (
        _rx("(?:东西|钱|存款|积蓄)(?:我)?~(?:都|全)?(?:分给|转给|留给|送给|送人)"),
        _rx("以后~(?:都|也)?(?:用不上|用不着|用不到|不用找我|不用管我)|用不(?:上|着|到)了"),
    ),
    (
        _rx(
            "(?:人生|生活|活着|日子|世界|未来)~(?:没有|没)~(?:希望|意思|意义|盼头|奔头)|绝望|残忍",
            "没有勇气|不想面对|撑不住|熬不住|活够",
            "没(?:有)?人~(?:会)?~(?:想|记得|在乎|关心|心疼|想念)我",
        ),
        _rx(
            "(?:想|要|该|准备|打算)~走了|走了算了|先走一步",
            "走了~(?:也|倒|就)?~(?:好|挺好|干净|轻松|解脱)",
        ),
    ),
)

_VIOLENCE_PHRASES: tuple[tuple[str, ...], ...] = (
    # Being beaten, now: 正在被打, 有人打我, 被人围殴.
    (
        "正在被~(?:人)?打|(?:打|揍|踢|扇|掐|殴打|暴打|毒打|踹)(?:了|住|着)?我",
        f"被~(?:{_WHO})?~(?:打|揍|殴打|暴打|毒打|围殴|群殴|踢|扇)"
        "(?:了|伤|得|成|晕|破|断|住院|骨折|(?!\\w))",
        "挨~(?:了)?(?:打|揍|一顿(?:打|揍|毒打)|[一几两](?:拳|巴掌|脚|刀|棍))|围殴|群殴|殴打|暴打|"
        "毒打",
        "家暴|打人了|打起来了|(?:在|正在)(?:打人|打架)|打架了|动手打",
        "把我~(?:埋了|活埋|弄死|宰了|做掉|杀了|废了)|(?:在|正在)…打砸|砸我|抽我(?!的|血|烟)",
        "(?:用|拿)(?:皮带|鞭子|棍子|铁棍|砖头|酒瓶|钢管)~(?:抽|打|砸|砍|捅)|"
        "把我(?:推倒|打倒|踹倒|打伤|打晕)|把我(?:按|摁)(?:在|住|倒)|放狗咬|"
        "(?:推|踹)(?:了)?我(?:下|一把|倒|一脚)",
        "把我(?:推|踹|扔|拖|拽|塞)(?:下|倒|进|出|到|上)",
        # dragged into a car, pinned down: 他们把我拉到车上, 被两个人摁在地上
        f"把我(?:拉|架|抬)(?:到|进|上)(?:了)?{_GAP}{{0,4}}车",
        f"被{_GAP}{{0,6}}(?:按|摁|压)(?:在|住|倒)(?:了)?~(?:地|地上|墙上|车上|桌上)",
    ),
    # Weapons and stabbing: 拿刀, 持刀, 砍我, 刀架在我脖子上.
    (
        "(?:拿|持|举|掏|亮|抽|拔)(?:着|出|了|起)?(?:一把|一根|把|根)?(?:菜刀|水果刀|匕首|砍刀|尖刀"
        "|长刀|刀子|刀"
        "|铁棍|木棍|棍子|钢管|砖头|斧头|锤子|榔头|枪)",
        "(?:刀|枪|棍|刀子)~(?:架在|抵在|抵着|顶着|指着|对着|比划)~我",
        "泼~(?:了)?(?:我)?~(?:一身)?(?:汽油|硫酸|开水|油|酒精)|"
        "(?:开水|汽油|硫酸|酒精)~泼(?:我|人|在我)|(?:放火|点火)~烧|烧死(?:我|你)",
        "(?:捅|扎|砍|刺)(?:了)?(?:我|伤我)|被~(?:人)?(?:捅|砍|扎|刺)(?!激|针|眼|耳)",
        f"被(?:{_WHO})?~(?:用|拿)(?:刀|刀子|棍子|砖头|铁棍|钝器|锤子|酒瓶|瓶子)~(?:划|砍|捅|刺|扎"
        "|打|砸)",
    ),
    # Threats to kill or hurt: 要杀我, 威胁要弄死我, 找人收拾我, 同归于尽.
    (
        "(?:要|想|说要|扬言|准备|找人)~(?:来)?(?:杀|弄死|整死|搞死|砍死|捅死|杀死|宰|掐死|勒死|闷死|淹死"
        "|烧死|打死)(?:了)?我",
        # a knife sharpened for someone: 刀子已经磨好了 今晚就去找他
        f"(?:刀|刀子|菜刀|匕首)(?:我)?~(?:磨好|磨快)(?:了)?{_WIDE}{{0,10}}(?:找他|等他|找她|等她|去找"
        "|弄他|砍他|捅他)",
        "(?:说|扬言|威胁|喊着|嚷着)~(?:要)?~打死我|(?:弄死|整死|砍死|捅死|杀死|宰了|做掉)(?:我|你)",
        f"(?:威胁|扬言)~(?:说)?(?:要)?~(?:弄死|杀|打(?!{_NOT_HIT})|砍|捅|收拾|报复)",
        "找人~(?:来)?(?:弄|收拾|打|砍|整)(?:死)?(?:我|你)|知道我(?:住|家)(?:在)?哪",
        "威胁我(?!~(?:要|说)?~(?:投诉|差评|打差评|告|举报|曝光|扣|罚|开除))",
        "(?:杀了|弄死|砍死|捅死|宰了)(?:他|她|他们|那个|站长|老板|客户|那人)|杀人了|有人杀人|"
        "同归于尽",
        # the writer about to hurt someone: 我现在想捅了他, 准备去砍了站长
        "(?:想|要|准备|打算|去|这就去)~(?:捅|砍|杀|宰|废|剁|捅死|砍死|杀死)(?:了)?(?:他|她|他们|她们"
        "|站长|老板|客户|那人|那个人|那个|这个人|那家伙|业主|保安|主管)(?!的)",
        # maiming threats: 不还钱就卸我一条腿, 打断你的腿
        "(?:卸|打断|砍断|剁|废)(?:了)?(?:我|你)(?:的)?(?:一条|一只|两条|条|只)?(?:腿|胳膊|手|手指)",
        # going to "fight to the death" with someone: 去网点找站长拼命
        f"(?:找|跟|和)(?:{_WHO})(?:去)?(?:拼命|拼了)",
    ),
    # Held, locked up, tied: 被扣住不让走, 被关起来, 被绑.
    (
        "我被~(?:人)?扣(?:住|下|着|在)|把我(?:扣|关|锁|绑|困|堵)(?:起来|住|在|着|下|了)",
        f"被~(?:{_WHO})?~(?:关起来|关在|关着|锁着|锁起来|锁在|绑(?:架|起来|住|了|在))|"
        "被困(?:在)?…(?:电梯|火|屋|房间|车厢|冷库|集装箱|货柜|仓库|地下室|井|柜|厕所|车里)",
        f"(?:困|锁|关)(?:在|住){_WIDE}{{0,10}}(?:门打不开|出不去|开不了门|门开不了)",
        f"被~(?:{_WHO}|好几个人|一帮人)~围(?:着|住|起来|攻)",
        "非法拘禁|绑架|软禁|囚禁|不(?:让|放|许)我(?:走|离开|出去|出门)",
        "被(?:人|几个人|一群人|一伙人|他们|混混|陌生人)~堵(?:在|住|着)",
        # locked in by someone: 被主管反锁在分拣中心里了
        f"被~(?:{_WHO})~(?:反锁|锁|关|困)(?:在|起来|住)?|把我~反锁|被{_GAP}{{0,6}}反锁在…里",
        # hiding from someone at the door: 外面有人一直敲门说要我还钱 我不敢出声
        f"(?:敲门|砸门|踹门|堵|守在|蹲我|追|找我){_WIDE}{{0,20}}(?:不敢|没敢)(?:出声|吭声|出去|动)"
        f"|(?:躲在|藏在){_WIDE}{{0,20}}(?:砸门|踹门|追我|要打我|要杀我|要砍我)",
        # people at the door, kicking it in: 催收的堵在我出租屋门口, 他在外面踹门
        "(?:人|的|们|混混|催收|要债|讨债)~堵(?:在(?:了)?我(?:家|出租屋|宿舍|门口|楼下|屋)"
        "|住(?:了)?我(?!的))",
        "(?:在外面|在门外|一直|正在|有人|他们|几个人)~(?:踹|砸|撞|劈|砍)(?:我(?:家|的)?)?门"
        "(?!口|店|面|框|卫|禁|票|槛|户|路)",
        "(?:被~(?:人)?扣|扣)(?:住|下|着)(?:我)?…不(?:让|放|许)(?:我)?(?:走|离开|出)",
        # held somewhere by people the list above does not name: 被几个催债的扣在屋里
        f"被{_GAP}{{0,8}}(?:扣|关|锁|困|堵)在(?:屋|房|家|车|仓库|店|楼|办公室|厕所)",
    ),
    # Robbed or followed: 抢劫, 被抢了, 被人跟踪.
    (
        "抢劫|打劫|被~(?:人)?抢(?!救|先|购|光|空|占|答|镜|眼|手)|有人~(?:在)?抢(?:劫|东西|钱|我)",
        "抢(?:了|走)?我(?:的)?(?:手机|钱|包|车|电动车|电瓶|东西|快递|货|钱包)",
        "被~(?:人)?(?:跟踪|尾随)|(?:有人|陌生人|一个人|一个男的|男的|那人|几个人|一辆车)~(?:在)?"
        "(?:跟踪|跟着|尾随)我|跟(?:了)?我(?:好久|一路|很久|半天|好几条街)|"
        "有(?:个|辆)?(?:人|男的|女的|车)~(?:在)?(?:跟踪|跟着|尾随)我",
        "(?:一直|现在|还在|一路)~(?:跟|跟着|尾随|跟踪)(?:着)?我的(?:车|电动车|电驴)|"
        "在我(?:的)?(?:车|电动车|电驴|刹车)上动(?:了)?手脚",
        "(?:在)?后面追(?:着)?我(?!问|要)|追(?:着)?我(?:打|砍)|(?:刀|棍子)…追(?:着)?我",
    ),
    # Injured or collapsing, now: 血流不止, 流了好多血, 昏过去了, 喘不上气.
    (
        "血流不止|流血不止|止不住血|血止不住|一直~(?:在)?流血|在流血|大出血",
        "血~(?:一直|还是|还|怎么都)~止不住|止不住~(?:地)?流血",
        "流了~(?:好多|很多|一地|一身|满身|满脸|一大滩)(?:的)?血|满(?:脸|头|身|手|地)~(?:都)?是血",
        "(?:头上|脸上|身上|腿上|手上|地上)~(?:全是|都是)血",
        "出了~(?:好多|很多)(?:的)?血|(?:一直|正在|在|大口)~吐血|吐了~(?:好多|很多|一口|一地)~血",
        "(?:撞|摔|倒)…(?:动不了|起不来|站不起来)|"
        "给(?:了)?我(?:一刀|几刀|一拳|一棍|一脚|一巴掌)(?!大|宽|长)|"
        "被~(?:机器|传送带|皮带|车|货架|叉车|货车|货|货物|墙|东西)~(?:卷进去|压在下面|压住|砸中|砸到)"
        "|(?:他|她|同事|工友)~动不了|咬出血|"
        "坠楼|"
        "(?:摔|掉|跌)下楼(?!梯)|从…楼上(?:摔|掉|坠)下",
        "(?:(?:倒|躺|趴)(?:在)?(?:地上|地|路上)|(?:还|在)(?:在)?地上|(?:倒|躺|趴|还|在)(?:在)?(?:路边|马路上))"
        "~(?:一动不动|没反应|不动|起不来|叫不醒|没动静)|(?:人|他|她|同事|工友)~一动不动|"
        "(?:他|她|同事|(?<![件系客])人)~没(?:有)?反应了",
        "(?:昏|晕)(?:过去|倒|死过去)|昏迷|不省人事|叫不醒|没(?:有)?(?:呼吸|意识|心跳)了",
        f"(?:摔|撞|磕|晕|昏|流血|出血){_WIDE}{{0,16}}叫(?:了|他|她|半天|几声)?~(?:都)?(?:不答应|不应"
        "|没反应|没回应|不吭声)",
        "(?:喘不上|喘不过|透不过|上不来)(?:来)?气|呼吸困难|抽搐|口吐白沫|"
        "嘴唇~发(?:紫|青|乌)|(?:脸|脸色)~发紫|翻白眼|"
        "(?:人|他|她|同事|工友|老人|客户|师傅)~(?:突然|一下子)~倒(?:下|地)|"
        # someone collapsing where they work, or not breathing: 突然倒在仓库里, 他不喘气了
        "(?:突然|一下子)~(?:倒|晕|昏)(?:在|到)(?:了)?(?!一边|一旁)|不喘气|"
        "(?:心脏病|心梗)(?:发作|犯)了",
        "(?:热|晒)晕(?:了|过去|倒)|中暑~(?:晕|昏|倒|抽)|我~(?:感觉|觉得|好像)?~快(?:要)?死了",
    ),
    # Calls for help: 救命, 救救我, 快报警.
    (
        "救命|救救我|就命啊|救(?:一下|下)我|救我(?:啊|吧|(?!\\w))|(?:求求你|求你|快)~救我|"
        "快~(?:帮我)?报警|"
        "帮(?:我|忙)(?:报警|打110|打120|叫救护车)",
        "快(?:叫|打)(?:救护车|120|110)|快来人|来人啊|快叫人(?:啊|吧|来救|救)?(?!\\w)",
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
    for context, goodbye in _FAREWELLS:
        if (ctx := context.search(masked)) is None:
            continue
        rest = masked[: ctx.start()] + _MASK * len(ctx.group()) + masked[ctx.end() :]
        if bye := goodbye.search(rest):
            return f"{ctx.group()}…{compact[bye.start() : bye.end()]}"
    return None


def _self_harm(compact: str, masked: str) -> str | None:
    for rx in _SELF_HARM:
        if m := rx.search(masked):
            return compact[m.start() : m.end()]
    for cue, benign in _VETOED:
        if (m := cue.search(masked)) and not benign.search(masked):
            return compact[m.start() : m.end()]
    return _farewell(compact, masked)


def _violence(compact: str, masked: str) -> list[tuple[int, str]]:
    """(family index, cue) for every violence family that matches, in family order."""
    return [
        (family, compact[m.start() : m.end()])
        for family, rx in enumerate(_VIOLENCE)
        if (m := rx.search(masked))
    ]


# An assault or a fall told after the fact, to ask about rights: 上周被客户推了一把 … 能索赔吗,
# 同事晕倒了 送医院抢救了两天 算工伤吗. Only the families "being beaten" (0) and "injured or
# collapsing" (5) can describe something that is over; weapons, threats, being held, being
# followed and calls for help always count. The message must say it is over (a time in the past
# or an aftermath such as the hospital), ask a rights question, and say nothing of danger now.
_PAST_ABLE = frozenset({0, 5})
_AFTERMATH = _rx(
    _PAST,
    "当时|那天|那时候?|事后|后来|事发|当天",
    "送(?:去|到|进)?(?:了)?医院|住(?:了)?院|出院|抢救(?:了|过来)|缝了|拍了片|验伤|伤情鉴定"
    "|医药费|做了笔录|派出所|报(?:了)?警了",
    "拉开了|劝开了|(?:他|她|对方|客户|业主|那人|那个人)~走了",
)
_RIGHTS_QUESTION = _rx(
    "怎么办|咋办|维权|索赔|赔|能要|可以要|算(?:不算)?工伤|是不是工伤|工伤吗|合法吗|违法吗"
    "|找谁|告(?:他|她|对方|公司|客户|业主)|起诉|投诉|追究|谁(?:来)?(?:负责|出|赔)|报销|怎么处理"
    "|能怎么",
)
_DANGER_NOW = _rx(
    "正在|还在(?:打|追|门口|外面|楼下|流血|抢救|昏迷)|现在(?:还)?(?:在|被|有人)|又(?:来|找|打|堵)"
    "|快来|救命|在门口|在楼下|跟着我|不让我走|不放我走|抢救中|还没醒|没醒|昏迷不醒|喘不上气"
    "|没(?:有)?(?:呼吸|意识|心跳)",
)


def _told_after_the_fact(compact: str) -> bool:
    return bool(
        _AFTERMATH.search(compact)
        and _RIGHTS_QUESTION.search(compact)
        and not _DANGER_NOW.search(compact)
    )


def _violence_verdict(variants: list[tuple[str, str]]) -> tuple[str | None, bool]:
    """(cue of danger now or None, whether a violence cue was found but told after the fact)."""
    cues = [hit for compact, masked in variants for hit in _violence(compact, masked)]
    if not cues:
        return None, False
    if all(family in _PAST_ABLE for family, _ in cues) and _told_after_the_fact(variants[0][0]):
        return None, True
    return cues[0][1], False


def _variants(text: str) -> list[tuple[str, str]]:
    """(compact, masked) forms of `text`: spaces removed, then spaces kept as clause breaks.

    Spaces are dropped so that "不 想 活 了" is caught. Couriers also write without punctuation and
    put a space between clauses ("撑不下去了 对不起"), so a second form marks each space as ","
    for the patterns that need a clause end. Masks are computed once, on the joined form, so the
    second form can add cues but never lose a mask.
    """
    pieces = _SPACES.split(_ZERO_WIDTH.sub("", text).strip().casefold())
    joined = "".join(pieces)
    masked = _mask(joined)
    if len(pieces) == 1:
        return [(joined, masked)] if joined else []
    spaced, spaced_masked, at = [pieces[0]], [masked[: len(pieces[0])]], len(pieces[0])
    for piece in pieces[1:]:
        inside_mask = masked[at - 1 : at + 1] == _MASK * 2
        spaced += [",", piece]
        spaced_masked += [_MASK if inside_mask else ",", masked[at : at + len(piece)]]
        at += len(piece)
    return [(joined, masked), ("".join(spaced), "".join(spaced_masked))]


def detect_crisis(text: str) -> CrisisSignal | None:
    """Return the first crisis cue in `text` (self-harm before violence), or None."""
    variants = _variants(text)
    for compact, masked in variants:
        if cue := _self_harm(compact, masked):
            return CrisisSignal("self_harm", cue)
    cue, _ = _violence_verdict(variants)
    return CrisisSignal("violence", cue) if cue else None


def is_told_after_the_fact(text: str) -> bool:
    """True when the text tells of an assault or a fall that is over, to ask about rights
    (上周被业主扇了一巴掌 后来他走了 能怎么办), and holds no crisis cue. The policy then keeps the
    model's low-floor crisis net from firing on it; the answer still names 110 and 120."""
    if not _told_after_the_fact(_INVISIBLE.sub("", text).casefold()):
        return False  # most messages: two short searches, not the whole crisis check again
    variants = _variants(text)
    if not variants or any(_self_harm(compact, masked) for compact, masked in variants):
        return False
    cue, after_the_fact = _violence_verdict(variants)
    return cue is None and after_the_fact


def is_figure_of_speech(text: str) -> bool:
    """True when the text holds everyday hyperbole (累死了, 笑死) and no crisis cue.

    The policy uses it to keep the model's low-floor crisis net from firing on 热死了.
    """
    compact = _INVISIBLE.sub("", text).casefold()
    return _mask(compact) != compact and detect_crisis(text) is None


# A message made only of thanks, goodbye and acknowledgement words: how most chats end.
_CLOSING_WORD = (
    "谢谢|谢了|谢啦|多谢|感谢|谢|thx|thanks|thankyou|好的|好滴|好嘞|好吧|好|嗯+|哦+|噢|ok|okay|行|"
    "知道了|明白了|懂了|收到|了解|拜拜|拜|88|886|再见|回见|下次见|bye|没别的(?:事)?了|没事了|先这样"
    "|兄弟|哥们|哥|姐|师傅|老师|你|您|啦|哈+|呀|啊|呢|了|的|哈哈+|嘿|嘻嘻"
)
_CLOSING = re.compile(f"(?:(?:{_CLOSING_WORD})|[\\W_])+")


def is_everyday_closing(text: str) -> bool:
    """True when the text is only thanks, goodbye and acknowledgement (谢了兄弟, 好滴 拜) and the
    crisis lists find no cue in it. A real farewell ("谢谢你们 以后不会再来了") has more words, and
    the lists' farewell families look at those; the policy then keeps the model's low crisis
    floors from firing on the ordinary end of a chat."""
    compact = _INVISIBLE.sub("", text).casefold()
    if not compact or _CLOSING.fullmatch(compact) is None or not re.search(r"\w", compact):
        return False
    return detect_crisis(text) is None

"""The crisis detector: recall on people in danger, silence on everyday hyperbole.

Every phrase here was written for this test; none comes from an evaluation set.
"""

from __future__ import annotations

import re

import pytest

from bot.core.crisis import CrisisSignal, detect_crisis, is_told_after_the_fact
from bot.core.crisis_book import phrase_book
from bot.core.normalize import normalize
from tests.unit.crisis_probe_cases import (
    GAPS,
    HOLDOUT,
    HOLDOUT2,
    HOLDOUT3,
    HOLDOUT4,
    PROBE,
    Expected,
)

SELF_HARM = [
    # Direct.
    "我不想活了",
    "真的不想再活下去了",
    "我想死",
    "好想死啊，什么都不想干",
    "我想自杀",
    "最近老是有轻生的念头",
    "这两天一直在想怎么结束自己的生命",
    "我打算今晚了结自己",
    "干脆死了算了",
    "活着还不如死了",
    "我不如去死",
    "活不下去了",
    "真的没法活了",
    "被逼得走投无路了",
    "欠了一屁股网贷，死路一条",
    "我想去死",
    "一死了之吧",
    "我活够了",
    "每天都生不如死",
    "我死了都没人在乎",
    "一点都不想活了",
    "我宁愿死掉算了",
    "他们这是要逼我去死",
    "送了五年快递，现在想寻死",
    "累得想死",
    "我想饿死自己",
    # Methods, means and places.
    "想割腕",
    "昨晚又割了腕",
    "我现在就想从楼上跳下去",
    "我准备去跳河",
    "跳江算了",
    "想上吊",
    "买了炭准备烧炭",
    "我喝了农药",
    "吃了一整瓶安眠药",
    "我攒了一瓶药",
    "偷偷囤了好多安眠药",
    "我站在楼顶上",
    "现在在天台往下看",
    "想卧轨",
    "在网上查怎么吃安眠药才不会醒",
    "吞了一把药",
    "我已经在天台上了",
    # Indirect and euphemistic.
    "活着没意思",
    "活着真的好累",
    "活着还有什么意义",
    "我真的撑不下去了",
    "熬不下去了",
    "想离开这个世界",
    "我想永远消失",
    "一了百了",
    "只想早点解脱",
    "不想再醒来了",
    "想永远睡过去",
    "给家人写好了遗书",
    "已经交代好后事了",
    "我走了以后你们要好好的",
    "我死了以后保险金给我妈",
    "没有我你们会过得更好",
    "我就是家里的累赘",
    "这辈子就这样吧，再见",
    "对不起爸妈，儿子先走了",
    "下辈子再也不送快递了，大家保重",
    "下辈子再做你们的儿子",
    "永别了",
    "再见了这个世界",
    "等我不在了帮我照顾好孩子",
    "我想结束这一切",
    "实在坚持不住了",
    "这是我最后一条消息了，对不起大家",
    "死了就解脱了",
    "跳下去就一了百了",
    # Self-injury.
    "我又伤害自己了",
    "忍不住自残",
    "拿刀片划自己的手腕",
    "拿刀割自己",
    "拿头撞墙",
    "用烟头烫手",
    "一直扇自己耳光",
    "割伤自己了",
    # Typos, homophones, pinyin, spacing, full width.
    "想si",
    "我想zisha",
    "bu xiang huo le",
    "ZiSha",
    "想自刹",
    "不相活了",
    "不想或了",
    "想跳lou",
    "烧碳",
    "我好想s",
    "不 想 活 了",
    "不想活了！！！",
    "想\u200b死",
    # Traditional characters.
    "活著沒意思",
    "我想自殺",
    "撐不下去了",
    "給家人寫好了遺書",
    "想跳樓",
    "對不起爸媽，我先走了",
    "吃了一整瓶安眠藥",
    "我想離開這個世界",
    "真的活不下去了，別找我",
    "想結束自己的生命",
    # Inside long messages about work.
    "今天早上六点就到网点分拣了，站长又因为一个丢件罚了我两百，房租下周就到期，孩子学费也没交，"
    "我真的不想活了，你们能告诉我工资被扣怎么办吗",
    "同事出车祸去世了家属能拿多少？我也不想活了",
    "跑了十二个小时，下雨天电动车还坏了，客户投诉我态度差，越想越觉得活着没意思",
    "我送快递三年了，社保一直没交，老板说不干就滚，债主天天打电话，我已经在天台上了",
    "派费又降了，一单才一块二，我撑不下去了，也不知道找谁",
    "（工伤问题）我上个月摔断了腿，公司不给报，我现在想一了百了",
    "我知道送件猝死算工伤，可我现在就想去死",
    "老婆带孩子走了，工资拖了三个月，我准备烧炭",
    "我问一下工伤赔偿怎么算，顺便说一句我已经写好遗书了",
    "双十一连着干了二十天没休息，罚款比工资还多，累死了，真不想活了",
    # More varied phrasings, written while probing the detector for gaps.
    "我真的好想死",
    "我觉得自己活着就是个错误",
    "不想活了怎么办",
    "人活着到底有什么意思",
    "好几次想从桥上跳下去",
    "我已经买好了农药",
    "这世界没有我也一样",
    "我想和这个世界说再见",
    "我累了，不想再坚持了",
    "真想一觉睡过去再也不要醒",
    "想一了百了算了",
    "要不是孩子我早就不在了",
    "活着太痛苦了",
    "我想自我了断",
    "刚才吃了一瓶药",
    "我在桥上，你们别劝我",
    "我想割手腕",
    "我把自己手臂划了好多道",
    "我想从这栋楼上跳下去",
    "我已经把安眠药准备好了",
    "孩子以后就拜托你们了，我撑不住了",
    "我是个没用的人，死了算了",
    "我受不了了，想去死",
    "没人在乎我的死活",
    "我好累，好想就这样消失",
    "我不想再拖累家里了",
    "感觉自己不配活着",
    "脑子里一直有个声音让我去死",
    "我手腕上全是刀口",
    "我想死想了好久了",
    "我怕我会做傻事",
    "我刚刚差点做了傻事",
    "今天想跳下去",
    "爸妈对不起，下辈子再孝顺你们",
    "我想我该走了，别难过",
    "真的好想死掉",
    "不想活着了",
    "我不想再活了",
    "我已经计划好了怎么死",
    "朋友喝了农药在抢救",
    "我不想活下去了",
    "真不想活",
    "我想去死一死",
    "这日子过不下去了我想死",
    "这个月还不上钱我就去跳楼",
    "站长再逼我我就从网点楼上跳下去",
    "我觉得死了比活着轻松",
    "好想从这个世界上消失",
    "我已经好几天没吃饭了，想饿死算了",
    "昨天晚上差点就割下去了",
    "买了一把刀准备自己了断",
    "我把遗言录好了",
    "这是我的遗言",
    "我要去天台吹吹风，别找我",
    "我活得太累了，想休息了，永远的那种",
    "不想再睁开眼睛",
    "手里攥着一瓶安眠药",
    "我割了自己好几刀",
    "我用打火机烧自己",
    "我现在坐在河边不想回去了",
    "我想跳楼",
    "我要去卧轨",
    "想死的心都有了",
    "我跑到楼顶了",
    "我一个人在江边，好想跳下去",
    "我这条命不要了",
    "我觉得我活到头了",
    "不想再这样活着了",
    "人生没有希望了，想走了",
    "我想找个地方安安静静地死去",
    "这个世界对我太残忍了，我要走了",
    "我想吃药把自己结束掉",
    "我打算开着电动车撞大货车",
    "我感觉活着就是受罪",
    "最近天天想着怎么死",
    "我没有勇气活下去了",
    "我已经写好了给孩子的信，以后他们就靠你们了",
    "我不想再睁眼面对明天了",
    "我想从立交桥上跳下去",
    "我活着就是浪费粮食",
    "早点结束吧这一生",
    "拿剪刀戳自己",
    "我把自己关在屋里三天没吃饭了，不想活",
    "我要是死了是不是就不用还债了",
    "我给自己买了份保险，受益人写了我妈，明天就去做个了断",
    "我现在只想死",
    "不如让我死了吧",
    "谁能告诉我怎么才能不痛苦地死",
    "我连死的心都有",
    "我的人生完了，活着也没用",
    "我想和老婆孩子告别",
    "我已经三天没睡觉了，脑子里全是跳下去",
    "我欠了二十万，只能去死了",
    "我站在十八楼的窗户边",
    "手腕割破了一直流血",
    "我想把自己撞死",
    "我在医院洗胃，吃了好多药",
    "我想在送件的路上出车祸死掉算了",
    "我真心觉得死是一种解脱",
    "我想让自己永远消失在这个世界上",
    "我现在就在楼顶，风很大",
    "好想一睡不起",
    "我再也撑不下去了，对不起",
    "我想喝百草枯",
    "我已经不想活在这个世上了",
    "我累了，这辈子就到这吧",
    "等我死了你们就开心了",
    "我觉得自己就是个废物，不配活",
    "我真的好想就这么死了",
    "活了三十多年，累了，不想继续了",
    "我今天就去把自己解决了",
    "没有什么值得留恋的了",
    "我已经想好了，明天去桥上",
    "钱我都转给我妈了，以后不用找我了",
    "我的东西都分给工友了，以后用不上了",
    "真的熬不过去了，想跟这个世界说拜拜",
    "天天失眠，觉得死了反而是种解脱",
    "我恨我自己，想狠狠地伤害自己",
    "刚才用美工刀在胳膊上划了几道",
    "我站在网点楼顶，下面好多人",
    "我吃了半瓶降压药",
    "我准备在出租屋里烧炭",
    "要是我不在了，家里的债就没了",
    "我怕我控制不住自己做出什么事",
    # Deliberate: idiomatic, but it names wanting to die or being driven to death (recall first).
    "工资被扣得我想死的心都有了",
    "我要被罚款逼死了",
    # Former known gaps, closed by the means, "settling it" and giving-up families.
    "准备好绳子了",
    "每天都在想要不要结束",
    "我把刀放在枕头底下了，随时准备",
    "我受够了这一切，今天就做个了结",
    "我把煤气打开了",
    "家里人不要我了，我也不要自己了",
    "这个月结束前我会把自己的事情了了",
]

VIOLENCE = [
    "我正在被打",
    "有人打我，快来",
    "被人围殴了",
    "他拿刀追我",
    "一个男的持刀站在门口",
    "他要砍我",
    "客户说要杀了我",
    "被扣住不让走",
    "他们把我关起来了",
    "我被绑了",
    "刚刚被抢劫了",
    "有人一直跟踪我",
    "客户威胁要弄死我",
    "救命",
    "血流不止",
    "被车撞了流了好多血",
    "我同事昏过去了",
    "喘不上气了",
    "三个人在楼道里打我",
    "保安把我按在地上打",
    "他掐住我的脖子",
    "刀架在我脖子上",
    "被捅了一刀",
    "我被锁在仓库里了",
    "他们不让我走",
    "有人抢我的电动车",
    "被人尾随",
    "有个男的一直跟着我",
    "快报警",
    "救救我",
    "满脸是血",
    "同事晕倒了叫不醒",
    "工友一下子倒在地上 好像不喘气了",
    "师傅突然倒在仓库里了",
    "他不喘气了怎么办",
    "我老公又家暴我",
    "两个快递员打起来了",
    "他扬言要找人砍我",
    "被打得头破血流",
    "我快死了",
    "同事中暑晕倒了",
    "他抽搐口吐白沫",
    "救命，有人要殺我",
    "我被綁架了",
    "被人跟蹤",
    "滿臉是血",
    "我在小区门口送件，业主说我放错柜子了，现在三个人围着我，拿着棍子不让我走",
    "刚才在车上被人捅了，现在一直在流血，我应该先报警还是先打120",
    "客户掏出一把水果刀指着我",
    "业主说要找人弄死我",
    # More varied phrasings, written while probing the detector for gaps.
    "有人堵在我家门口说要砍死我",
    "有个人拿着刀冲过来了",
    "他们在砸我的车还要打我",
    "我被好几个人打了现在在地上",
    "我被困在电梯里喘不上气",
    "同事被车压住了一直流血",
    "救命有人要打我",
    "我被人用刀划伤了",
    "客户把我锁在他家里不让出去",
    "我腿被撞断了流了一地血",
    "快来人啊",
    "他正在打我老婆",
    "有人拿砖头砸我",
    "有个男的跟了我一路",
    "我被人打晕了刚醒",
    "我现在被一群人围着",
    "我被打了现在头很晕",
    "有个疯子拿着菜刀在砍人",
    "客户拿刀冲进了网点",
    "我被人打了，他们还在外面",
    "他把我推下楼梯了",
    "有人往我身上泼汽油",
    "有人要放火烧我",
    "他们把我的手机抢走了还打我",
    "站长带人把我堵在仓库里",
    "几个人把我拖进车里",
    "他拿着刀说要捅死我",
    "我头破了在流血",
    "同事摔下楼了不动了",
    "同事倒地上没反应了",
    "他一直在吐血",
    "有人掐着我脖子",
    "我被人拿刀抵着",
    "他们说不给钱就不让我走",
    "求求你救我，我在仓库被他们关着",
    "他们砸门要进来打我",
    "几个人在后面追我",
    "他刚才打了我一巴掌",
    "我被撞了，现在起不来，腿一直流血",
    "我被一辆车撞倒了动不了",
    "有人把我的车砸了还要打我",
    "客户放狗咬我，咬出血了",
    "他拿着一根铁棍在楼下等我",
    "那个人一直威胁我，说知道我住哪",
    "我被人用钝器打了头",
    "有人把我按在车上打",
    "我被人控制住了手机快被抢走了",
    "我老板把我的身份证扣了不让我走",
    "客户拿着刀站在门口不让我出去",
    "他踹我肚子",
    "他们用皮带抽我",
    "我被打得鼻子一直流血",
    "有人从背后给了我一刀",
    "我被撞飞了头在流血",
    "我快不行了，胸口好疼喘不过气",
    "工友被机器卷进去了",
    "有人在网点门口打砸",
    "他们说要把我埋了",
    "他要拿开水泼我",
    "他们在外面砸门，说要弄死我",
    "有人持刀闯进了驿站",
    "我躲在厕所里，外面有人要打我",
    "快叫救护车，同事从三楼摔下来了",
    "我被人打了还被抢了手机",
    "我不想死，救救我",
    "我的手一直在流血止不住",
    "我现在躲在车里，那个人拿着刀在找我",
    "有个人冲上来就打我",
    "救一下我，我被人堵在巷子里",
    "他们扣着我的车不让我走，还动手了",
    "我被一个醉汉打了，现在鼻子一直在流血",
    "我被电动车撞了，头上全是血",
    "有人在我家门口泼油漆还说要杀我全家",
    "我喘不过来气了，胸口疼",
    "我被人锁在屋里出不去",
    "工友中暑倒在路边了",
    "我在医院，刚被人砍了",
]

NEGATIVE = [
    # A business falling over, and being out of breath from work.
    "网点突然倒闭了 工资找谁要",
    "爬了六楼送件 累得直喘气",
    "货突然倒在一边了 砸坏了要我赔吗",
    # Hyperbole with 死.
    "累死了",
    "今天真是累死我了",
    "烦死了",
    "烦死人了这个系统",
    "气死我了",
    "笑死",
    "笑死我了哈哈哈",
    "热死了",
    "今天热得要死",
    "冷死了",
    "冻死我了",
    "饿死了",
    "困死了",
    "忙死了",
    "忙得要死",
    "吓死我了",
    "吓死宝宝了",
    "吓得我半死",
    "想死你了",
    "兄弟们想死你们了",
    "你可想死我了",
    "这家店死贵",
    "死贵死贵的",
    "站长死活不给我结工资",
    "要死不活的天气",
    "快递员会不会累死",
    "快递员会不会被累死",
    "手机死机了",
    "app又死机了",
    "手机没电了快死了",
    "累得半死才挣一百块",
    "今天单量爆了，忙到死",
    "累死累活一个月才三千",
    "渴死我了",
    "晒死了",
    "这条路堵死了",
    "拼死拼活干一年",
    "死磕到底",
    "送快递送到死也买不起房",
    "笑死，这客户太逗了",
    "救命，笑死我了",
    "哈哈哈哈救命 好好笑",
    "快递站的活累死人",
    "今天这雨淋死我了",
    "穷死了",
    "丑死了这工服",
    "别催了，催死了",
    "我快累死了",
    "我快热死了",
    "冬天送件冻死人",
    "死心吧，这个月没奖金",
    "这破系统要整死我了",
    "客户怎么不去死",
    "让他去死吧，不管他",
    # Bargaining, work slang and everyday 打/杀/砍/抢/救命.
    "被罚款罚得想哭",
    "客户一直跟我杀价",
    "砍价砍到一半",
    "双十一秒杀太多了",
    "杀熟",
    "打车去网点",
    "每天要打卡吗",
    "打包怎么收费",
    "给客户打电话没人接",
    "要不要跟公司打官司",
    "这是我的救命钱",
    "同行自杀式降价",
    "跳楼价甩卖",
    "不要在一棵树上吊死",
    "一哭二闹三上吊",
    "站长砍我工资",
    "站长说再迟到就砍我提成",
    "工资被砍了一半",
    "派费被砍到一块钱",
    "单子被人抢了",
    "我的单子又被抢了",
    "抢单抢不过别人",
    "抢红包",
    "这罚款跟抢劫一样",
    "这不是抢劫吗，一个件罚五十",
    "客户给我打了个差评",
    "被打了一星差评",
    "客户一直打我电话",
    "工资什么时候打到我卡上",
    "打我卡上就行",
    "打死我也不干这行了",
    "站长打我主意",
    "轮胎被扎了",
    "这话太扎心了",
    "拿刀拆快递",
    "用美工刀划开纸箱",
    "拿刀划开胶带",
    "扫码枪坏了",
    "被踢出群了",
    "被打扰了",
    "被打击了",
    "我的快递被人抢先签收了",
    "客户威胁要打差评",
    "客户威胁要投诉我",
    "交警把我电动车扣下了",
    "车被扣了怎么办",
    "押金被扣了",
    "烧炭取暖会不会中毒",
    # Legal questions about injury and death.
    "工伤死亡赔偿怎么算",
    "送件猝死算工伤吗",
    "同事出车祸去世了家属能拿多少",
    "送件途中被车撞了骨折算工伤吗",
    "昨天被客户打了能要赔偿吗",
    "上个月被业主打了，派出所说调解",
    "工伤认定要多久",
    "看了外卖员过劳死的新闻心里难受",
    "同事在医院抢救，公司不管",
    "打人的那个客户被拘留了",
    # Wages, quitting, struggling businesses.
    "老板跑路了工资怎么要",
    "辞职了站长不让走，说要干满三个月",
    "我想辞职但是站长不让我走",
    "网点撑不下去了要倒闭，工资怎么办",
    "不想干了",
    "这活我不想干了",
    "不想接活了",
    "没活干了怎么办",
    "干活着急摔了一跤",
    "跳槽去别的快递公司",
    # Venting without danger.
    "压力大得喘不过气",
    "热得我快晕倒了",
    "热得我快晕过去了",
    "气得我想撞墙",
    "被客户骂了好委屈",
    "想哭",
    "心好累",
    "最近压力好大，睡不着",
    "这单送完我就解脱了",
    "终于下班了，解脱了",
    "我走了以后这个片区谁送",
    "明天我不在了，找别人代班",
    "累了一天，下辈子再也不送快递了",
    "对不起大家，今天的件送晚了",
    "对不起老婆孩子，今年过年又回不去了",
    "我走了，明天见",
    "这个月罚款罚得我要吐血",
    "小区保安不让进",
    # More everyday messages, written while probing the detector for false alarms.
    "今天热得要命",
    "要命了今天二百单",
    "我死也不会再干这行",
    "我不想死在路上所以不敢闯红灯",
    "死扛着把件送完了",
    "工作累得像条狗",
    "我想辞职",
    "拖欠工资可以告他们吗",
    "被客户打了差评怎么申诉",
    "站长天天骂人",
    "客户骂我能报警吗",
    "电动车被偷了",
    "快递丢了要我赔",
    "我想去死磕这个客户",
    "没人接电话快愁死了",
    "这天冻得要死",
    "我想换个工作",
    "今天被客户怼了心情不好",
    "跑了一天要散架了",
    "这个月才挣两千活不起",
    "快递员猝死的新闻",
    "双十一快把我逼疯了",
    "我快疯了",
    "崩溃了",
    "好烦啊受不了了",
    "想回家",
    "我要报警吗他把我快递拿走了",
    "被狗咬了算工伤吗",
    "摔了一跤腿流血了算工伤吗",
    "骑车摔了出了点血",
    "站长不让我请假",
    "交警扣了我的车",
    "这条路我走了好多次",
    "我先走了，你们继续",
    "改天再聊，再见",
    "下辈子投胎做个有钱人",
    "这活干的人要死",
    "一天送三百件会死人的",
    "这价格杀疯了",
    "新人被老员工打压",
    "我被坑了",
    "被人骗了五千块",
    "抢着送件",
    "客户的狗追我",
    "被锁在小区外面了",
    "被困在雨里了",
    "手机被偷了",
    "车被拖走了",
    "死者家属能拿多少赔偿",
    "工亡补助金是多少",
    "罚款罚到我怀疑人生",
    "今天被投诉了，好想辞职",
    "客户说要投诉我到邮政局",
    "站长说再送错就开除我",
    "这活真是要人命",
    "老板要了我的命了",
    "这个月罚了八百，真是要命",
    "工资低得要死",
    "每天早上五点起，困得要死",
    "他那个人死要面子",
    "这次真的死定了要被罚款",
    "完了完了要被扣钱了",
    "我的电动车电瓶被偷了",
    "邻居家的狗咬人",
    "小区门卫拦着不让进还骂人",
    "快递柜被人撬了",
    "网点着火了吗？没有，是演习",
    "我是不是该报警？有人冒领我的快递",
    "有人冒充快递员诈骗",
    "客户说我偷了他的快递",
    "包裹被雨淋湿了",
    "我想学开叉车",
    "做梦梦见被狗追",
    "站长说送不完不准走",
    "加班到半夜不让走",
    "今天要送到几点才能走",
    "这个片区我不想跑了",
    "跳到另一家公司工资高吗",
    "有人在小区里跳广场舞",
    "遗失的快递怎么赔",
    "血汗钱被黑了",
    "流了好多汗",
    "昏昏沉沉的送了一天",
    "晕车了",
    "我晕了，怎么又改政策了",
    "这个规定把我整晕了",
    "打工人真难",
    "被狗咬了要打狂犬疫苗",
    "打针算工伤吗",
    "我在楼下等客户",
    "我在桥下面这个小区送件",
    "站在门口等了半小时",
    "他打算今晚就走",
    "割草机伤了手算工伤吗",
    "刀片划到手了流了点血",
    "被纸箱划伤手",
    "喝酒了能送件吗",
    "老板喝多了",
    "不想上班",
    "啥时候能解脱啊这破工作",
    "希望这个破系统快点死掉",
    "笑不活了",
    "绝了",
    "服了",
    "我在长治送快递两年了，公司一直没给交社保，现在想辞职，能要求补缴吗？站长说走可以，押金不退。",
    "上周送件的时候在小区门口摔了一跤，膝盖磕破了流了点血，去医院花了三百，公司说不算工伤，这合理吗",
    "客户投诉我没送上楼，其实我打了三次电话他都没接，结果罚了我五十块，这种能申诉吗",
    "网点老板拖了我们两个月派费，说下个月一起发，我们几个人商量要不要去劳动局",
    "今天双十二，从早上六点干到晚上十点，累得腰都直不起来了，明天还要早起，真是要了老命",
    "站长天天在群里骂人，说送不完就别回来了，我们压力很大，这算不算职场霸凌",
    "我想问一下，送件途中被电动车撞了，对方跑了，我自己花了两千医药费，能找谁报销",
    "同事上个月在路上出车祸去世了，他家里人问赔偿找谁，公司说他是外包的不归他们管",
    "新来的站长把单价从一块五砍到一块二，大家都不想干了，我们能集体去投诉吗",
    "我今年五十二了，还能干快递吗，会不会被辞退，年纪大了腿脚不好",
    "夏天太热了，中午送件热得头晕，公司有高温补贴吗",
    "冬天骑车手冻得没知觉，能不能申请手套",
    "我把快递放驿站了客户非说我没送到，还说要去邮政局告我",
    "客户说东西坏了让我赔五百，我不想赔，怎么办",
    "昨天晚上梦到自己又被罚款了，醒来一身汗",
    "今天老婆跟我吵架了，说我天天不着家，心里挺难受的",
    "工作太累了，晚上睡不着觉，有什么办法吗",
    "我觉得自己好失败，干了三年还是一个月四千",
    "我是不是不适合干这行，总是被投诉",
    "为什么我这么倒霉，每天都被扣钱",
    "最近总是心慌，是不是累的",
    "能不能帮我转人工，我想找律师",
    "你好，请问你是机器人吗",
    "谢谢你们，再见",
    "这个小程序怎么用",
    "快递员的职业伤害保障怎么申请",
    "骑手受伤了平台不管怎么办",
    "站长说我要是敢去仲裁就让我在长治混不下去",
    "客户说再送错就投诉到我失业",
    "老板说不签放弃社保的协议就滚蛋",
    "我是家里的顶梁柱，不能倒下",
    "家里人都指望我这点工资",
    "孩子的学费还差三千，愁得睡不着",
    "快递太多了车都装不下",
    "电动车没电了推着走了三公里",
    "我把客户的快递弄丢了，要赔三千，我一个月才挣四千",
    "今天的件送完了，心情还不错",
    "我打算下个月就走，去别的地方打工",
    "这条命是爸妈给的，我得好好干",
    "这个客户真要命，一天打八个电话",
    "我真是受够这个罚款制度了",
    "我感觉快被压垮了，但还能坚持",
    "我要把这个站长告到劳动局",
    "帮我看看这个合同能不能签",
    "站长说再迟到就让我滚",
    "客户骂我是狗",
    "狗追着我跑了两条街",
    "他打了我一个电话问快递到了没",
    "客户打了我一顿骂",
    "我被扣了一千块钱",
    "仓库里的货被偷了谁负责",
    "有人砸了快递柜要我赔吗",
    "他们都不理我",
    "我被系统封号了",
    "我被拉黑了",
    "被拉进了一个新群",
    "站长打了个哈哈就过去了",
    "快递被人拿错了",
    "救急的钱能借吗",
    "打工太难了",
    "疫情的时候差点饿死",
    "小时候差点淹死过",
    "送完这单我就下班了，累得不行",
    "刚才差点被车撞，吓得我腿软",
    "刀子嘴豆腐心的站长",
    "客户拿着快递跑了没付钱",
    "我的件被人拿走了",
    "活多钱少",
    "工友们都很好",
    "这辈子没干过这么累的活",
    "下辈子不当快递员了",
    "死亡路段，一定要注意安全",
    "客户说再不送到就死定了",
    "救火的消防员好辛苦",
    "他拿刀切西瓜请我们吃",
    "客户送了我一把水果刀",
    "我买了一瓶安眠的香薰",
    "最近睡眠不好能吃褪黑素吗",
    "我的心都碎了，又被罚了",
    "我真的快要崩溃了，谁来管管这个站长",
    "我的包裹在派送中一直不动",
    "今天结束得早，五点就下班了",
    "快递消失了，系统显示签收",
    "跟老客户告别了，下个月调去别的片区",
    "手机没用了，得换个新的",
    "我觉得这个APP没用",
    "站长说活着就得干活",
    "抽空去办个健康证",
    "抽查的时候被扣了分",
    "车被砸了，保险能赔吗",
    "打砸的视频发到群里了",
    "把我排到晚班了",
    "把我调到别的站点了",
    "把我拉黑了",
    "站长把我骂了一顿",
    "刀片用完了，去哪领",
    "给了我一个差评",
    "给我一巴掌大的地方放件",
    "被机器夹住手算工伤吗",
    "车翻了压住腿了，现在在医院，算工伤吗",
    "老板说做个了结吧，把工资结了",
    "洗胃的费用医保报吗",
    "这单结束了可以接下一单吗",
    "我在天台收了件",
    "站在窗边等雨停",
    "脑子里全是单号",
    "我今天死活要把件送完",
    "快被单量压死了",
    "我真是服了这个系统，气得要死",
    "今天太热了，差点中暑",
    "我爸住院了，心脏病",
    "我出了车祸，对方全责，怎么索赔",
    "客户追着我要快递",
    "狗追着我咬",
    "他一直追着我问快递",
    "我要走了，明天回老家过年",
    "各位再见，我换工作了",
    "想和大家告别，我不干了",
    "这份工作我不想继续了，怎么辞职",
    "合同到期了我不想续签",
    "我想好了，明天去劳动局投诉",
    "站长，我尽力了，这片区实在送不完",
    "我控制不住自己的脾气，跟客户吵起来了",
    "被堵在高架上一个小时",
    "被客户堵在门口要解释为什么晚了",
    "头上全是汗",
    "身上都是泥",
    "把旧衣服都送人了",
    "工具都分给新人了，以后用不上了",
    "以后不用找我代班了",
    "以后别找我借钱",
    "下雨天我不想继续送了",
    "老家没什么值得留恋的，就出来打工了",
    "这次评优我尽力了，再见了各位",
    "客户让我以后别再打电话了",
    "吃了一盒感冒药还是不好",
    "半瓶水喝完了",
    "胳膊上划了一道口子，被纸箱划的",
    "我在手机上划了几下就签收了",
    "用小刀划开了封箱带",
    "工友们都在群里聊天",
    "孩子以后上学怎么办",
    "我妈让我早点回家",
    "我爸说以后不用寄钱了",
    "今天是我最后一天上班",
    "最后一单送完了",
    "对不起啊客户，送晚了",
    "站长说我态度不好要罚款",
    "这么多年了，我真的累了，想换个活法",
    "我觉得这行没前途",
    "活这么大第一次被罚这么多",
    "人活着就得吃饭",
    "下辈子一定好好读书",
    "这个事我已经决定了，不干了",
    "以后这片区就交给你们了",
    "我不想继续跑这条线了",
    "我站在门口等了半天",
    "从楼上拿件下来摔了一跤",
    "我被狗咬了，腿上全是牙印",
    "送件的时候车倒了，腿动不了了，现在在医院拍片，能算工伤吗",
    "客户抢过快递就走了",
    "有人在网点门口吵架",
    "我喘口气再送",
    "我要去医院看病",
    "我快不行了今天单子太多",
    "我要疯了这么多件",
    "气得我想打人",
    "他说要去劳动局告我",
]

# Known misses: too vague for a phrase list without many false alarms. They stay here, marked
# xfail(strict), so that whoever closes one moves it into SELF_HARM.
KNOWN_GAPS = [
    "我打算今晚就走",
    "今晚就是最后一晚了",
    "再见了，各位兄弟",
    "我现在站在窗户边上",
    "我不想再麻烦任何人了，永远不会了",
    "对不起，我尽力了，再见",
]


def check(text: str) -> CrisisSignal | None:
    return detect_crisis(normalize(text))


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_is_detected(text: str) -> None:
    signal = check(text)
    assert signal is not None, text
    assert signal.kind == "self_harm", signal
    assert signal.cue


@pytest.mark.parametrize("text", VIOLENCE)
def test_violence_is_detected(text: str) -> None:
    signal = check(text)
    assert signal is not None, text
    assert signal.kind == "violence", signal
    assert signal.cue


@pytest.mark.xfail(strict=True, reason="known gap of the phrase lists")
@pytest.mark.parametrize("text", KNOWN_GAPS)
def test_known_gaps(text: str) -> None:
    assert check(text) is not None


@pytest.mark.parametrize("text", NEGATIVE)
def test_everyday_speech_stays_quiet(text: str) -> None:
    assert check(text) is None


def test_lists_are_large_and_disjoint() -> None:
    assert len(SELF_HARM) + len(VIOLENCE) >= 120
    assert len(NEGATIVE) >= 120
    assert not set(SELF_HARM + VIOLENCE) & set(NEGATIVE)


def test_pattern_shorthand_is_fully_expanded() -> None:
    patterns = [rx.pattern for rx in phrase_book().patterns()]
    assert len(patterns) > 50
    for pattern in patterns:
        assert "~" not in pattern and "\u2026" not in pattern, pattern
        assert not re.search(r"\{[A-Z_]+\}", pattern), pattern


def test_cue_is_the_matched_phrase() -> None:
    assert check("今天送了一百单，我不想活了") == CrisisSignal("self_harm", "不想活了")
    assert check("有人拿刀追我") == CrisisSignal("violence", "拿刀")


def test_hyperbole_does_not_hide_a_real_cue_in_the_same_message() -> None:
    assert check("累死了，笑死，我真的想死") == CrisisSignal("self_harm", "想死")
    assert check("砍价砍到一半，他拿刀砍我") is not None


def test_self_harm_wins_over_violence_in_one_message() -> None:
    signal = check("割腕了，血流不止，救命")
    assert signal is not None and signal.kind == "self_harm"


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "😭😭😭", "🙂🔥💀", "？？？！！！", "……"])
def test_empty_emoji_and_punctuation_only(text: str) -> None:
    assert detect_crisis(text) is None
    assert check(text) is None


@pytest.mark.parametrize(
    ("filler", "expected"),
    [
        ("真的", None),
        ("想", None),
        ("不想", None),
        ("被人", None),
        ("累", None),
        ("死", None),
        ("a", None),
        ("救", None),
        ("派件", None),
        ("想死", CrisisSignal("self_harm", "想死")),
        ("救命", CrisisSignal("violence", "救命")),
    ],
)
def test_ten_thousand_characters_of_one_shape(filler: str, expected: CrisisSignal | None) -> None:
    # Long runs of fillers and cue prefixes with no punctuation to end a clause: the shapes that
    # would hurt a backtracking-prone pattern. Every gap in the patterns is bounded.
    text = (filler * 10_000)[:10_000]
    assert detect_crisis(text) == expected


def test_very_long_input_is_handled() -> None:
    long_tail = "今天派件很多" * 1_666 + "我不想活了"
    assert len(long_tail) > 10_000
    assert detect_crisis(long_tail) == CrisisSignal("self_harm", "不想活了")
    assert check("今天派件很多" * 1_666) is None


@pytest.mark.parametrize(
    "text",
    [
        "刚才吞了一盒安眠药",
        "我吃了两板药 头好晕",
        "活到现在一点意义都没有 还不如走了干净",
        "这日子过得 倒不如没了算了",
    ],
)
def test_overdose_and_better_gone_families(text: str) -> None:
    signal = detect_crisis(normalize(text))
    assert signal is not None and signal.kind == "self_harm"


@pytest.mark.parametrize(
    "text",
    ["干活一点意思都没有", "药店买了一盒感冒药", "吃了一板消炎药能上班吗", "不如走了去别的网点干"],
)
def test_overdose_and_better_gone_families_stay_quiet(text: str) -> None:
    assert detect_crisis(normalize(text)) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("把一瓶安眠药都吃了", "self_harm"),
        ("刚把半盒药全吞下", "self_harm"),
        ("万一我出事了 存款都留给我闺女", "self_harm"),
        ("我被两个要债的锁在仓库里了", "violence"),
        ("有个男的一直跟着我 我好怕", "violence"),
    ],
)
def test_more_general_families(text: str, kind: str) -> None:
    signal = detect_crisis(normalize(text))
    assert signal is not None and signal.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "押金被站长扣着不退",
        "工资被公司扣了一半",
        "把药吃了再去送件",
        "我要是出了事公司赔吗",
        "有个人跟我抢单",
    ],
)
def test_more_general_families_stay_quiet(text: str) -> None:
    assert detect_crisis(normalize(text)) is None


def test_figure_of_speech_is_hyperbole_without_a_cue() -> None:
    from bot.core.crisis import is_figure_of_speech

    assert is_figure_of_speech(normalize("热死了 今天送了两百件"))
    assert not is_figure_of_speech(normalize("累死了 真的不想活了"))
    assert not is_figure_of_speech(normalize("工资什么时候发"))


@pytest.mark.parametrize(
    "text", ["谢谢啦 师傅", "好嘞 收到 多谢", "嗯嗯 懂了 88", "OK 谢了哥们！", "行 回见", "拜拜～"]
)
def test_thanks_and_goodbye_alone_are_everyday_closings(text: str) -> None:
    from bot.core.crisis import is_everyday_closing

    assert is_everyday_closing(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "谢谢你们 以后不会再来了",
        "再见了 这辈子就这样吧",
        "谢谢 我不想活了",
        "拜拜了 大家",
        "谢谢 工资的事我再问问",
        "😊",
        "",
    ],
)
def test_a_goodbye_with_anything_more_is_not_an_everyday_closing(text: str) -> None:
    from bot.core.crisis import is_everyday_closing

    assert not is_everyday_closing(normalize(text))


def _probe_params(cases: list[tuple[str, Expected]]) -> list[object]:
    gap = pytest.mark.xfail(strict=True, reason="known gap of the phrase lists")
    return [pytest.param(text, kind, marks=gap if text in GAPS else ()) for text, kind in cases]


ALL_PROBES = PROBE + HOLDOUT + HOLDOUT2 + HOLDOUT3 + HOLDOUT4


@pytest.mark.parametrize(("text", "kind"), _probe_params(ALL_PROBES))
def test_courier_voice_probe(text: str, kind: Expected) -> None:
    signal = check(text)
    if kind is None:
        assert signal is None, signal
    else:
        assert signal is not None and signal.kind == kind, signal


def test_probe_sets_are_large_and_balanced() -> None:
    assert len(PROBE) >= 120
    for cases in (PROBE, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4):
        danger = [text for text, kind in cases if kind]
        assert len(cases) >= 40 and 0.4 <= len(danger) / len(cases) <= 0.6
    texts = [text for text, _ in ALL_PROBES]
    assert len(texts) == len(set(texts)) and GAPS.issubset(texts)
    assert not set(texts) & set(SELF_HARM + VIOLENCE + NEGATIVE + KNOWN_GAPS)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A space ends a clause when couriers type without punctuation ...
        ("我已经不想再坚持了 对不起儿子", "self_harm"),
        # ... but spaced-out letters still join up, and masks are never lost at a space.
        ("不 想 活 了", "self_harm"),
        ("昨天 被客户打了 能要赔偿吗", None),
        ("手机快没电了 撑不住了", None),
        ("哈哈哈 救命 好好笑", None),
    ],
)
def test_spaces_as_clause_breaks(text: str, kind: Expected) -> None:
    signal = check(text)
    assert (signal.kind if signal else None) == kind, signal


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我不是想死 就是太累了", None),
        ("我从没想过自杀", None),
        ("不会想不开的 放心", None),
        ("我也不是没想过自杀", "self_harm"),
        ("我不是想死 是生不如死", "self_harm"),
    ],
)
def test_negated_wishes(text: str, kind: Expected) -> None:
    signal = check(text)
    assert (signal.kind if signal else None) == kind, signal


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Everyday objects as means: the cue counts unless an ordinary purpose is named.
        ("买了炭", "self_harm"),
        ("买了一袋炭 给网点烤火", None),
        ("绳子我已经挂好了", "self_harm"),
        ("绳子准备好了 明天搬家", None),
        ("去楼顶看看", "self_harm"),
        ("客户说件放天台了 我去天台看看", None),
        ("周末带孩子去江边看看", None),
        ("以后照顾好我妈", "self_harm"),
        ("以后照顾好我妈 我去外地打工了", None),
        ("把东西都送人了", "self_harm"),
        ("东西都分给大家了 吃吧", None),
        ("银行卡密码写在纸上了", "self_harm"),
        ("银行卡密码写在哪", None),
        ("刀片随时可以换", None),
        ("跟站长做个了结", None),
        ("我先把自己的事情了了再说", None),
    ],
)
def test_means_with_an_ordinary_purpose_stay_quiet(text: str, kind: Expected) -> None:
    signal = check(text)
    assert (signal.kind if signal else None) == kind, signal


@pytest.mark.parametrize(
    "text",
    [
        "前天在长子县送件 业主嫌我来晚了 踹了我一脚 后来物业把他劝走了 这事能找他赔医药费吗",
        "上个月送件时业主把我推倒了 当时没报警 现在还能告他吗",
        "工友搬货时突然晕倒 送到医院住了一周 这算不算工伤",
        "昨天客户把我推倒在地 膝盖缝了三针 医药费谁出",
    ],
)
def test_an_assault_or_fall_told_after_the_fact_to_ask_about_rights_is_not_a_crisis(
    text: str,
) -> None:
    clean = normalize(text)
    assert detect_crisis(clean) is None
    assert is_told_after_the_fact(clean)


@pytest.mark.parametrize(
    "text",
    [
        "前天被站长打了 今天他又堵在门口说要弄死我 怎么办",  # a threat now
        "昨天被客户打了 现在还在流血 能索赔吗",  # still bleeding
        "被业主打了 怎么办",  # nothing says it is over
        "上周被打过 他刚才又来打我了 救命",  # again, now
        "工友被叉车压住了 送医院了 还没醒 算工伤吗",  # still unconscious
        "以前被他打过 他今天拿刀追我 怎么办",  # a weapon always counts
    ],
)
def test_danger_now_still_counts_even_with_a_past_or_a_rights_question(text: str) -> None:
    clean = normalize(text)
    assert detect_crisis(clean) is not None
    assert not is_told_after_the_fact(clean)

"""Fresh messages in the voice of Chinese social-media posts, for the kinds issue 14 names.

Written for these tests; none comes from an evaluation set or from nlu/heldout. Each case is
(text, expected kind or None, what kind of post it is).

Misses seen on real posts: questions about lethal amounts of a medicine; a plan with a place or a
means said in passing or with an emoji; wishes to leave or disappear; who will raise the child
"if I am gone". False alarms: hyperbole with 死, fear of death or of ageing parents dying,
relationship hurt, childhood pain told in the past.

The sets were written in turn, each before the round of changes that used it, and each run once
before being used to change anything; that first run is the honest measure of how the changes
generalise to new wording (rules alone, positives flagged / false alarms):

    TUNE    written first with CHECK, used for round 1     before any change 10/40, 2/38
    CHECK   run once after round 1 (11/23, 0/20), then used for round 2
    CHECK2  run once after round 2 (12/23, 0/22), then used for round 3
    CHECK3  run once after round 3 (8/23, 0/21), then used for round 4
    CHECK4  run once after round 4 (9/23, 0/21); never used to change the phrase files

Whatever is still missed stays in GAPS (strict xfail).
"""

from __future__ import annotations

from typing import Literal

Expected = Literal["self_harm", "violence"] | None
Case = tuple[str, Expected, str]

TUNE: list[Case] = [
    # --- Lethal amounts of a medicine.
    ("安眠药一次吃多少片能睡过去不醒", "self_harm", "lethal_dose"),
    ("请问布洛芬吃多少会致命", "self_harm", "lethal_dose"),
    ("一瓶安眠药够不够", "self_harm", "lethal_dose"),
    ("多少粒安定能让人走得不痛苦", "self_harm", "lethal_dose"),
    ("安眠药的致死量是多少", "self_harm", "lethal_dose"),
    ("降压药吃一整瓶人会没吗", "self_harm", "lethal_dose"),
    ("百草枯喝几口就救不回来了", "self_harm", "lethal_dose"),
    ("扑热息痛吃多少片肝会衰竭", "self_harm", "lethal_dose"),
    ("安眠药吃一板能不能永远睡着", "self_harm", "lethal_dose"),
    ("有没有人知道什么药吃了不痛苦", "self_harm", "lethal_dose"),
    # --- A plan with a place or a means, in passing or with an emoji.
    ("天台的门今晚没锁😊 挺好", "self_harm", "plan_in_passing"),
    ("江边的风真舒服 今晚就在这儿了🙂", "self_harm", "plan_in_passing"),
    ("炭和胶带都买好了 🙂", "self_harm", "plan_in_passing"),
    ("买了两包木炭 把窗户缝都封上了", "self_harm", "plan_in_passing"),
    ("十八楼的窗户挺大的 明天一切都结束了😌", "self_harm", "plan_in_passing"),
    ("绳子在后备箱 今晚过后就不用再送件了🙂", "self_harm", "plan_in_passing"),
    ("楼顶的风吹着真舒服 明天不用早起了", "self_harm", "plan_in_passing"),
    ("药都准备好了 今晚是最后一晚🙂", "self_harm", "plan_in_passing"),
    ("在河边坐了一下午 想好了", "self_harm", "plan_in_passing"),
    ("明天就解脱了 楼顶见🙂", "self_harm", "plan_in_passing"),
    ("大桥上的风好大 明天就都结束了", "self_harm", "plan_in_passing"),
    ("攒的药够了😊 终于可以好好睡了", "self_harm", "plan_in_passing"),
    # --- Wishes to leave here or disappear, in a despairing sense.
    ("好想从这个世界上彻底消失 谁也找不到我", "self_harm", "leave_disappear"),
    ("真想离开这里 再也不回来 反正也没人在乎", "self_harm", "leave_disappear"),
    ("要是我能悄悄消失就好了", "self_harm", "leave_disappear"),
    ("想消失 想让所有人都忘了我", "self_harm", "leave_disappear"),
    ("好想就这样不见了 不想再面对明天", "self_harm", "leave_disappear"),
    ("我只想彻底离开 什么都不要了", "self_harm", "leave_disappear"),
    ("想永远离开这里 去一个再也不会疼的地方", "self_harm", "leave_disappear"),
    ("真希望自己从来没来过这个世界", "self_harm", "leave_disappear"),
    ("想从这个世界上消失 太累了", "self_harm", "leave_disappear"),
    ("好想人间蒸发 不想再撑了", "self_harm", "leave_disappear"),
    # --- Who will raise the child if I am gone.
    ("我要是走了 我闺女谁来管", "self_harm", "child_if_gone"),
    ("如果我不在了 儿子谁来带", "self_harm", "child_if_gone"),
    ("我走了以后我娃咋办 她才三岁", "self_harm", "child_if_gone"),
    ("要是哪天我没了 孩子交给谁", "self_harm", "child_if_gone"),
    ("我不在了孩子谁照顾啊", "self_harm", "child_if_gone"),
    ("我走了孩子谁来养 想到这个就放不下", "self_harm", "child_if_gone"),
    ("我要是没了 女儿以后怎么办", "self_harm", "child_if_gone"),
    ("我走了以后 谁来管我儿子", "self_harm", "child_if_gone"),
    # --- Hyperbole with 死.
    ("今天这个客户真是无语死了", None, "hyperbole"),
    ("难过死了 快递又被偷了", None, "hyperbole"),
    ("尴尬死了 敲错门了", None, "hyperbole"),
    ("笑死 站长今天摔了个狗吃屎", None, "hyperbole"),
    ("我要被这破系统气死了", None, "hyperbole"),
    ("累死了累死了 终于下班了", None, "hyperbole"),
    ("伤心死了 抢的单被人截了", None, "hyperbole"),
    ("委屈死了 明明不是我的错", None, "hyperbole"),
    ("郁闷死了 又被罚款", None, "hyperbole"),
    ("心累死了 一天跑了两百件", None, "hyperbole"),
    ("无语死了 客户说没收到", None, "hyperbole"),
    ("紧张死了 明天要考驾照", None, "hyperbole"),
    ("后悔死了 早知道不接这单", None, "hyperbole"),
    ("难过得要死 我的猫丢了", None, "hyperbole"),
    # --- Fear of death, or of ageing parents dying.
    ("我很怕死 每次骑车过大路口都提心吊胆", None, "fear_of_death"),
    ("最近老想到爸妈年纪大了 哪天他们不在了我该怎么办", None, "fear_of_death"),
    ("我妈住院了 我好怕她就这么走了", None, "fear_of_death"),
    ("晚上睡不着 一想到人总有一天会死就害怕", None, "fear_of_death"),
    ("我爸七十多了身体不好 我怕他哪天突然没了", None, "fear_of_death"),
    ("体检查出结节 我好怕得癌症死掉", None, "fear_of_death"),
    ("奶奶走了以后 我特别害怕失去家里的老人", None, "fear_of_death"),
    ("我怕我爸妈老了没人照顾 我又在外地", None, "fear_of_death"),
    # --- Relationship hurt.
    ("女朋友跟我分手了 心好痛 一整晚没睡", None, "relationship"),
    ("老婆说要跟我离婚 我好难受", None, "relationship"),
    ("他把我拉黑了 我哭了一晚上", None, "relationship"),
    ("我们在一起五年 他说不爱了就不爱了", None, "relationship"),
    ("分手三个月了还是放不下她 心里空空的", None, "relationship"),
    ("被最好的朋友背叛了 心里特别难受", None, "relationship"),
    ("她走了以后我每天都在想她", None, "relationship"),
    ("前任结婚了 我难过死了", None, "relationship"),
    # --- Childhood pain told in the past.
    ("小时候我爸经常打我 现在想起来还是难受", None, "childhood_past"),
    ("小时候被同学欺负 到现在都不太敢跟人说话", None, "childhood_past"),
    ("我小时候爸妈离婚 没人管我 那几年过得很苦", None, "childhood_past"),
    ("十岁那年我妈走了 我是奶奶带大的", None, "childhood_past"),
    ("上学的时候被老师当众羞辱过 那种感觉一直忘不掉", None, "childhood_past"),
    ("小时候经常被我妈拿衣架抽 现在有了孩子我绝不这样", None, "childhood_past"),
    ("初中的时候被几个人堵在厕所里打过 一直没跟家里说", None, "childhood_past"),
    ("我是留守儿童 小时候一年见不到爸妈一次", None, "childhood_past"),
]

CHECK: list[Case] = [
    # --- Lethal amounts of a medicine.
    ("阿普唑仑吃多少会出人命", "self_harm", "lethal_dose"),
    ("吃几盒感冒药能让人睡死过去", "self_harm", "lethal_dose"),
    ("想问问安眠药要吃多少才够", "self_harm", "lethal_dose"),
    ("胰岛素打多少会要命", "self_harm", "lethal_dose"),
    ("一次吞三十片安眠药还能救吗 问问而已", "self_harm", "lethal_dose"),
    ("哪种药吃多了走得最快", "self_harm", "lethal_dose"),
    # --- A plan with a place or a means, in passing or with an emoji.
    ("木炭买回来了 出租屋的窗户也封好了", "self_harm", "plan_in_passing"),
    ("顶楼的栏杆不高🙂 今晚去吹吹风", "self_harm", "plan_in_passing"),
    ("河水看着挺暖的 明天就不用再跑件了😊", "self_harm", "plan_in_passing"),
    ("都安排好了 周五晚上就结束🙂", "self_harm", "plan_in_passing"),
    ("今晚的月亮真好 最后看一次🌙", "self_harm", "plan_in_passing"),
    ("已经找好地方了 没人会发现的", "self_harm", "plan_in_passing"),
    # --- Wishes to leave here or disappear.
    ("想去一个没有人认识我的地方 永远不回来 反正活着也没意思", "self_harm", "leave_disappear"),
    ("我要是从来没出生就好了", "self_harm", "leave_disappear"),
    ("真想一下子消失 什么都不用管了", "self_harm", "leave_disappear"),
    ("想从所有人的生活里消失", "self_harm", "leave_disappear"),
    ("想走了 这次是真的 永远不回来", "self_harm", "leave_disappear"),
    ("不想存在了", "self_harm", "leave_disappear"),
    # --- Who will raise the child if I am gone.
    ("我没了以后 我儿子谁管啊", "self_harm", "child_if_gone"),
    ("我要是不在了 我家丫头谁带", "self_harm", "child_if_gone"),
    ("我走了 孩子就拜托我妈了", "self_harm", "child_if_gone"),
    ("就是放心不下我女儿 不然早走了", "self_harm", "child_if_gone"),
    ("要是我走了 孩子他爸会好好养她吗", "self_harm", "child_if_gone"),
    # --- Hyperbole with 死.
    ("笑死我了 客户给我送了一箱西瓜", None, "hyperbole"),
    ("热死了 今天四十度", None, "hyperbole"),
    ("丢人死了 在小区门口摔了一跤", None, "hyperbole"),
    ("气死我了 又被扣了五十", None, "hyperbole"),
    ("急死了 件找不到了", None, "hyperbole"),
    ("无聊死了 雨天没单", None, "hyperbole"),
    ("想他想得要死", None, "hyperbole"),
    ("痛死了 脚崴了一下 还能走", None, "hyperbole"),
    # --- Fear of death, or of ageing parents dying.
    ("我爷爷九十了 每次接到家里电话都怕是坏消息", None, "fear_of_death"),
    ("特别怕死 一点小病就去医院", None, "fear_of_death"),
    ("我妈查出心脏不好 我怕她哪天就走了", None, "fear_of_death"),
    ("每次送件闯红灯都怕出事死了没人管我爸妈", None, "fear_of_death"),
    # --- Relationship hurt.
    ("他出轨了 我心像被撕碎了一样", None, "relationship"),
    ("离婚以后孩子归她 我一个人住出租屋 好难受", None, "relationship"),
    ("她说我配不上她 我真的好难过", None, "relationship"),
    ("最好的兄弟借钱不还还把我拉黑了 心寒", None, "relationship"),
    # --- Childhood pain told in the past.
    ("小时候我爸喝醉了就打我妈 我躲在柜子里不敢出声", None, "childhood_past"),
    ("我小时候差点被淹死 到现在都不敢下水", None, "childhood_past"),
    ("小时候家里穷 过年都没有新衣服 现在想想挺心酸", None, "childhood_past"),
    ("上小学时被关在教室里一晚上 现在还怕黑", None, "childhood_past"),
]

# Written after TUNE's round of changes, before CHECK was used to change anything; not looked at
# while CHECK was used; run once afterwards, then used for round 3.
CHECK2: list[Case] = [
    # --- Lethal amounts of a medicine.
    ("头孢配酒喝多少能走", "self_harm", "lethal_dose"),
    ("谁知道安定吃多少片会醒不过来", "self_harm", "lethal_dose"),
    ("艾司唑仑一瓶全吃了会怎么样", "self_harm", "lethal_dose"),
    ("敌敌畏喝一口是不是就没救了", "self_harm", "lethal_dose"),
    ("多少颗褪黑素能一觉不醒", "self_harm", "lethal_dose"),
    ("网上能买到那种吃了就不会痛的药吗", "self_harm", "lethal_dose"),
    # --- A plan with a place or a means, in passing or with an emoji.
    ("二十六楼的阳台风景真好🙂 今晚就在这里结束吧", "self_harm", "plan_in_passing"),
    ("江水好平静 待会下去应该不冷吧", "self_harm", "plan_in_passing"),
    ("炭已经点上了 好困", "self_harm", "plan_in_passing"),
    ("桥上的车好少 正适合😌", "self_harm", "plan_in_passing"),
    ("安眠药攒了一抽屉 今晚全部用上🙂", "self_harm", "plan_in_passing"),
    ("在楼顶抽最后一根烟", "self_harm", "plan_in_passing"),
    # --- Wishes to leave here or disappear.
    ("好想彻底消失在这个世界上", "self_harm", "leave_disappear"),
    ("如果我从没来到这世上该多好", "self_harm", "leave_disappear"),
    ("真想就这么消失掉 谁也不用再为我操心", "self_harm", "leave_disappear"),
    ("我想离开了 是永远的那种离开", "self_harm", "leave_disappear"),
    ("让我消失吧 求求了", "self_harm", "leave_disappear"),
    ("想变成空气 再也不用面对任何人", "self_harm", "leave_disappear"),
    # --- Who will raise the child if I am gone.
    ("哪天我不在了 我儿子可怎么办", "self_harm", "child_if_gone"),
    ("我死了我女儿怎么办 她妈早就不要她了", "self_harm", "child_if_gone"),
    ("万一我走了 孩子就托付给你了", "self_harm", "child_if_gone"),
    ("我没了以后孩子谁来养活", "self_harm", "child_if_gone"),
    ("就是舍不得我家小宝 不然早不想活了", "self_harm", "child_if_gone"),
    # --- Hyperbole with 死.
    ("伤心死了 奶茶洒了一地", None, "hyperbole"),
    ("紧张死了 第一次去大客户那送件", None, "hyperbole"),
    ("烦死了 电动车又没电了", None, "hyperbole"),
    ("委屈死了 被客户凶了一顿", None, "hyperbole"),
    ("困得要死 还有三十单", None, "hyperbole"),
    ("开心死了 今天全是好评", None, "hyperbole"),
    ("心疼死我了 新买的电动车被刮了", None, "hyperbole"),
    # --- Fear of death, or of ageing parents dying.
    ("我挺怕死的 骑车从来不敢快", None, "fear_of_death"),
    ("我妈做手术 我在门外怕得要命", None, "fear_of_death"),
    ("老爸八十多了 每次视频都怕是最后一次见他", None, "fear_of_death"),
    ("一想到以后爸妈会离开我就睡不着", None, "fear_of_death"),
    ("最近老是梦见家里人去世 醒来一身汗", None, "fear_of_death"),
    # --- Relationship hurt.
    ("他跟别人结婚了 我还傻傻等了两年", None, "relationship"),
    ("老婆带着孩子回娘家了 说不回来了 我心里堵得慌", None, "relationship"),
    ("相亲又失败了 是不是我真的很差", None, "relationship"),
    ("被绿了 整个人都是懵的", None, "relationship"),
    ("分手后把她所有照片都删了 还是忘不掉", None, "relationship"),
    # --- Childhood pain told in the past.
    ("小时候我妈总说我是多余的 现在想起来还是会哭", None, "childhood_past"),
    ("小时候被亲戚关在黑屋子里 现在一个人睡还要开灯", None, "childhood_past"),
    ("我爸小时候打我打得很凶 长大后我们就不怎么说话", None, "childhood_past"),
    ("读书的时候被全班孤立 那三年特别难熬", None, "childhood_past"),
    ("小时候被狗追着咬过 现在送件看到狗还发怵", None, "childhood_past"),
]

# Written after CHECK's round of changes, before CHECK2 was used to change anything; run once after
# CHECK2's round, then used for round 4.
CHECK3: list[Case] = [
    # --- Lethal amounts of a medicine.
    ("请教一下 佐匹克隆多少片算过量 会出事的那种", "self_harm", "lethal_dose"),
    ("一百片阿司匹林吃下去多久会没", "self_harm", "lethal_dose"),
    ("听说氯化钾打进去很快 哪里能弄到", "self_harm", "lethal_dose"),
    ("家里的降糖药我全吃了能不能睡过去", "self_harm", "lethal_dose"),
    ("吃多少安眠药不会被救回来", "self_harm", "lethal_dose"),
    ("农药喝半瓶会很痛苦吗", "self_harm", "lethal_dose"),
    # --- A plan with a place or a means, in passing or with an emoji.
    ("夜里的漳河真安静 等会就下去陪它😊", "self_harm", "plan_in_passing"),
    ("三十楼往下看 车跟蚂蚁一样小🙂 不怕了", "self_harm", "plan_in_passing"),
    ("绳子挂好了 跟大家说声晚安", "self_harm", "plan_in_passing"),
    ("出租屋门窗都关严了 炭盆摆好了", "self_harm", "plan_in_passing"),
    ("今晚把电动车停在大桥上 不回去了🙂", "self_harm", "plan_in_passing"),
    ("药已经都倒出来了 数了数够了", "self_harm", "plan_in_passing"),
    # --- Wishes to leave here or disappear.
    ("要是我能就这么从世上消失 谁都不会难过吧", "self_harm", "leave_disappear"),
    ("我不该来到这个世界上的", "self_harm", "leave_disappear"),
    ("好想离开 离开这一切 永远", "self_harm", "leave_disappear"),
    ("想找个没人的地方 安安静静地消失", "self_harm", "leave_disappear"),
    ("活着太累了 想彻底离开这个人间", "self_harm", "leave_disappear"),
    ("好想睡一觉就从这个世界上消失了", "self_harm", "leave_disappear"),
    # --- Who will raise the child if I am gone.
    ("我要是不在了 我那俩孩子谁管", "self_harm", "child_if_gone"),
    ("我死了以后孩子跟谁过", "self_harm", "child_if_gone"),
    ("想了很久 孩子以后就麻烦我姐带了", "self_harm", "child_if_gone"),
    ("我走了 儿子会不会恨我", "self_harm", "child_if_gone"),
    ("如果我没了 孩子的抚养费保险能赔吗", "self_harm", "child_if_gone"),
    # --- Hyperbole with 死.
    ("饿死了 中午只吃了个馒头", None, "hyperbole"),
    ("无语死了 地址写错还怪我", None, "hyperbole"),
    ("累得半死 回家倒头就睡", None, "hyperbole"),
    ("笑死了 客户家的狗追着我跑了一条街", None, "hyperbole"),
    ("羞死了 送错件还理直气壮", None, "hyperbole"),
    ("难过死了 今天被投诉了两次", None, "hyperbole"),
    # --- Fear of death, or of ageing parents dying.
    ("我妈身体越来越差 我好怕哪天她就不在了", None, "fear_of_death"),
    ("听说同行猝死了 我也好怕自己哪天倒下", None, "fear_of_death"),
    ("我奶奶住进ICU了 好怕见不到最后一面", None, "fear_of_death"),
    ("三十多岁了 开始怕死了 每天都在想身体", None, "fear_of_death"),
    ("爸爸确诊肺癌 我不敢想以后", None, "fear_of_death"),
    # --- Relationship hurt.
    ("她说分手的时候我整个人都傻了", None, "relationship"),
    ("离婚协议签了 房子给她了 以后一个人过", None, "relationship"),
    ("他说我们不合适 可我还是好爱他", None, "relationship"),
    ("被分手了 连送件都没心思", None, "relationship"),
    ("老婆嫌我挣得少 天天吵 心累", None, "relationship"),
    # --- Childhood pain told in the past.
    ("小时候我爸常说我是赔钱货", None, "childhood_past"),
    ("小学的时候被高年级的堵在巷子里要钱", None, "childhood_past"),
    ("小时候爸妈吵架 我就一个人躲在被子里哭", None, "childhood_past"),
    ("我小时候在爷爷家长大 被舅舅打过好几次 一直没人知道", None, "childhood_past"),
    ("初中被老师扇过耳光 到现在都记得", None, "childhood_past"),
]

# Written after CHECK2's round of changes (CHECK3 then became a tuning set); run once after
# CHECK3's round. Never used to change the phrase files: its misses stay in GAPS.
CHECK4: list[Case] = [
    # --- Lethal amounts of a medicine.
    ("右佐匹克隆一盒是多少片 全吃了能不能睡着就不醒", "self_harm", "lethal_dose"),
    ("帮我算算 体重六十公斤吃多少片安定才够", "self_harm", "lethal_dose"),
    ("老鼠药人吃了多久发作", "self_harm", "lethal_dose"),
    ("吃什么药能安静地走 不想太疼", "self_harm", "lethal_dose"),
    ("过量服用安眠药是什么感觉 会难受很久吗", "self_harm", "lethal_dose"),
    ("家里那瓶降压药够不够让人睡过去", "self_harm", "lethal_dose"),
    # --- A plan with a place or a means, in passing or with an emoji.
    ("楼顶的夕阳真美 这是我看的最后一次了😊", "self_harm", "plan_in_passing"),
    ("买了一卷胶带和一袋炭 今晚关好门窗", "self_harm", "plan_in_passing"),
    ("漳河大桥上的风好舒服🙂 明天不用再为房贷发愁了", "self_harm", "plan_in_passing"),
    ("这周末就是终点了😌 东西都收拾好了", "self_harm", "plan_in_passing"),
    ("车停在江边了 钥匙留在车上 就这样吧", "self_harm", "plan_in_passing"),
    ("药都倒在桌上了 一颗一颗数好了🙂", "self_harm", "plan_in_passing"),
    # --- Wishes to leave here or disappear.
    ("好想就这么消失在人海里 再也不被任何人找到", "self_harm", "leave_disappear"),
    ("要是世界上从来没有我就好了", "self_harm", "leave_disappear"),
    ("好想离开这个让我喘不过气的世界", "self_harm", "leave_disappear"),
    ("想去很远很远的地方 永远不要回来了 活着好累", "self_harm", "leave_disappear"),
    ("我消失了大家应该会轻松一点吧", "self_harm", "leave_disappear"),
    ("真想一觉睡过去 从此消失", "self_harm", "leave_disappear"),
    # --- Who will raise the child if I am gone.
    ("我要是哪天走了 我儿子就没人管了", "self_harm", "child_if_gone"),
    ("最放心不下的就是闺女 我不在了谁送她上学", "self_harm", "child_if_gone"),
    ("如果我死了 孩子能跟着他姥姥吗", "self_harm", "child_if_gone"),
    ("我走了以后 拜托你们多照看一下我家孩子", "self_harm", "child_if_gone"),
    ("我没了孩子就成孤儿了", "self_harm", "child_if_gone"),
    # --- Hyperbole with 死.
    ("热死我了 电动车座都烫屁股", None, "hyperbole"),
    ("无语死了 客户让我爬九楼还给差评", None, "hyperbole"),
    ("尴尬死了 把件送到前女友家了", None, "hyperbole"),
    ("馋死了 路过烧烤摊", None, "hyperbole"),
    ("郁闷死了 一上午才送了二十单", None, "hyperbole"),
    ("吓死我了 一只狗突然窜出来", None, "hyperbole"),
    # --- Fear of death, or of ageing parents dying.
    ("我有点怕死 最近胸口老疼 要不要去检查", None, "fear_of_death"),
    ("爸妈都七十多了 我在外面送快递 总怕哪天接到坏消息", None, "fear_of_death"),
    ("我姥姥病危 我好怕赶不回去", None, "fear_of_death"),
    ("每次看到交通事故的新闻 我都担心自己哪天也出事", None, "fear_of_death"),
    ("我妈一直咳嗽 我好担心她是不是得了什么大病", None, "fear_of_death"),
    # --- Relationship hurt.
    ("谈了三年的女朋友说要嫁给有房的", None, "relationship"),
    ("他说累了 想一个人静静 然后就再没回我消息", None, "relationship"),
    ("被喜欢的人当众拒绝 好丢脸", None, "relationship"),
    ("离婚后第一次一个人过年 心里空落落的", None, "relationship"),
    ("她删了我微信 我连问为什么的机会都没有", None, "relationship"),
    # --- Childhood pain told in the past.
    ("小时候我爸喝了酒就拿皮带抽我", None, "childhood_past"),
    ("小时候被我妈锁在门外过夜 现在想想都心寒", None, "childhood_past"),
    ("我小时候总被说笨 到现在都不自信", None, "childhood_past"),
    ("读初中的时候被几个混混勒索过 后来转学了", None, "childhood_past"),
    ("小时候爸妈从没夸过我一次", None, "childhood_past"),
]

# Still missed (strict xfail: whoever closes one sees it XPASS and moves it out of here).
GAPS = {
    "今晚的月亮真好 最后看一次🌙",
    "网上能买到那种吃了就不会痛的药吗",
    "桥上的车好少 正适合😌",
    "想变成空气 再也不用面对任何人",
    "老鼠药人吃了多久发作",
    "吃什么药能安静地走 不想太疼",
    "过量服用安眠药是什么感觉 会难受很久吗",
    "家里那瓶降压药够不够让人睡过去",
    "买了一卷胶带和一袋炭 今晚关好门窗",
    "漳河大桥上的风好舒服🙂 明天不用再为房贷发愁了",
    "这周末就是终点了😌 东西都收拾好了",
    "车停在江边了 钥匙留在车上 就这样吧",
    "药都倒在桌上了 一颗一颗数好了🙂",
    "好想离开这个让我喘不过气的世界",
    "我消失了大家应该会轻松一点吧",
    "真想一觉睡过去 从此消失",
    "我要是哪天走了 我儿子就没人管了",
    "最放心不下的就是闺女 我不在了谁送她上学",
    "我没了孩子就成孤儿了",
}

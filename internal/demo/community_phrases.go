package demo

// Phrase banks of the training communities: what communities are called and
// for, the themes teachers propose from their practice, the notes with which
// hosts adopt them, and the topics and replies of their discussions. Every
// text is filled from a commText; placeholders are in braces.

// focuses are what a community studies: problems of everyday teaching that
// district training plans keep returning to.
var focuses = []string{
	"作业设计", "大单元教学", "课堂提问", "跨学科主题学习", "信息技术融合", "整本书阅读", "学业质量评价",
	"项目式学习", "课堂观察", "分层教学", "情境化教学", "学习任务群", "教学评一体化", "小组合作学习",
	"思维可视化", "读写结合", "实验教学", "作业批改与反馈", "新课标理念落地", "课后服务课程",
}

// focusFor prefers focuses that suit a subject.
var focusFor = map[string][]string{
	"chinese": {"整本书阅读", "大单元教学", "读写结合", "学习任务群", "课堂提问", "作业设计"},
	"math":    {"作业设计", "大单元教学", "课堂提问", "思维可视化", "分层教学", "学业质量评价"},
	"english": {"读写结合", "情境化教学", "作业设计", "大单元教学", "分层教学"},
	"physics": {"实验教学", "情境化教学", "思维可视化", "项目式学习"}, "chemistry": {"实验教学", "情境化教学", "作业设计"},
	"biology": {"实验教学", "项目式学习", "跨学科主题学习"}, "science": {"实验教学", "项目式学习", "跨学科主题学习"},
	"information_technology": {"信息技术融合", "项目式学习", "跨学科主题学习"},
	"history":                {"情境化教学", "大单元教学", "课堂提问"}, "geography": {"跨学科主题学习", "情境化教学", "项目式学习"},
}

// Community names, with a subject and (…Mixed) for cross-subject focuses.
var (
	schoolCommunityNames      = []string{"{school}{subject}{focus}研修坊", "{school}{subject}“{focus}”工作坊", "{school}{subject}组{focus}实践共同体"}
	schoolCommunityNamesMixed = []string{"{school}{focus}研修共同体", "{school}“{focus}”工作坊"}
	districtCommunityNames    = []string{"{district}{stage}{subject}{focus}名师工作坊", "{district}{stage}{subject}{focus}研修共同体",
		"{district}{stage}{subject}骨干教师“{focus}”研修坊"}
	districtCommunityNamesMixed = []string{"{district}{stage}{focus}区域研修共同体", "{district}{focus}研修共同体"}
)

var purposeSentences = []string{
	"本共同体聚焦{focus}中的真实问题，以课例研究为载体，边实践、边反思、边改进。",
	"我们希望通过每月一次的主题研讨和日常的线上交流，把{focus}的理念落到每一节课上。",
	"成员来自不同年级，共同研读课程标准，围绕{focus}开展集体备课、听评课和作业设计。",
	"研修采用“问题提出—主题协商—课例实践—反思提炼”的方式，学期末形成可推广的成果。",
	"欢迎对{focus}有兴趣、愿意分享自己课堂的老师加入，我们一起研究、一起成长。",
	"教研员全程指导，定期组织线上研讨，帮助老师们把{focus}做实、做细。",
}

// proposalTitles are themes members propose; {focus} is the community's.
var proposalTitles = []string{
	"基于新课标的{subject}{focus}实践研究", "{focus}中如何让学困生也能参与", "{grade}{subject}单元{focus}的整体设计",
	"“双减”背景下{subject}{focus}的优化", "{focus}中的评价量规怎么设计", "{focus}与课堂提问的结合",
	"从一节课看{focus}：目标、任务与评价", "{focus}中的差异化支持", "用信息技术助力{focus}", "{focus}中的学生自主学习",
	"{focus}的校本化实施路径", "{grade}{focus}的课时安排与作业统整",
}

var problemSentences = []string{
	"在{grade}的教学中，我发现{focus}往往停留在形式上，学生动起来了，思维却没有真正展开。",
	"不少老师反映，{focus}设计起来很花时间，落到课堂上又常常因为时间不够而草草收场。",
	"我们组上学期做过一次调查，近一半学生认为{subject}课堂上“听懂了但不会用”。",
	"学困生在{focus}中参与度低，小组活动时常常只是旁观者。",
	"作业量减下来了，但如何保证质量、做到精准反馈，大家心里都没有底。",
	"单元目标和课时目标之间缺少清晰的联系，一节一节地上，学生很难形成整体认识。",
	"评价还是以纸笔测试为主，学生在{focus}中的表现难以被看见和记录。",
}

var rationaleSentences = []string{
	"新课标明确提出要重视{focus}，这是我们绕不开的课题。",
	"这个问题在各个年级都普遍存在，研究透了能惠及整个学科组。",
	"解决好这个问题，既能减轻学生负担，也能提高课堂效率。",
	"区里本学期的教研重点也是{focus}，我们可以借助教研员的指导。",
	"这是老师们在日常教学中最常提到的困惑，研究它最有实际意义。",
}

var planSentences2 = []string{
	"每位成员选一节课做课例，按“设计—上课—观课—改进”循环两轮。",
	"先用两周时间研读课标和优秀案例，再分组设计{focus}方案，最后集中展示交流。",
	"建立共享文件夹，积累{focus}的设计模板、学生作品和观察记录。",
	"每月组织一次线上研讨，请教研员点评，学期末整理成案例集。",
	"开发一套课堂观察量表，用数据说话，对比实施前后的变化。",
}

var roundTitles = []string{"本学期研修主题投票", "研修主题遴选（第一轮）", "{term}研修主题投票", "下一阶段研修主题投票"}

var adoptionNotes = []string{
	"根据投票结果，并结合{school}本学期的教研重点，确定“{title}”为本共同体的研修主题。请各位老师围绕主题准备课例。",
	"“{title}”得票最多，也最贴近大家的课堂实际，正式确定为研修主题。接下来两周请各小组提交实施方案。",
	"经过充分讨论和投票，采纳“{title}”。感谢提出主题的老师，其余提案保留，下一阶段再议。",
	"采纳“{title}”作为本学期主题。教研员将参与每月研讨，请大家在讨论区分享过程性资料。",
}

var proposalComments = []string{
	"赞成这个主题，我们年级也遇到了同样的问题。",
	"建议把范围再聚焦一些，先从一个单元做起，更容易出成果。",
	"这个主题很有价值，我愿意承担一节课例。",
	"能不能把评价也纳入进来？没有评价，{focus}很难落地。",
	"支持！可以结合区里的教研活动一起推进。",
	"我觉得可以和另一个提案合并，两者关联很紧。",
	"希望能多一些学生作品和课堂实录作为研究素材。",
}

var joinMessages = []string{
	"您好，我是{school}的{subject}老师，希望加入共同体，和大家一起学习{focus}。",
	"对{focus}很感兴趣，希望能加入学习，谢谢！",
	"申请加入，愿意分享自己的课例，也想向各位老师请教。",
	"",
}

var boardNames = []string{"主题研讨", "课例打磨", "资源共享", "答疑解惑", "读书交流", "作业设计"}

var welcomeTitles = []string{"欢迎加入！请大家做个自我介绍", "【置顶】共同体研修安排与自我介绍"}

var welcomeBodies = []string{
	"各位老师好！欢迎加入{community}。\n\n本学期我们将围绕{focus}开展研修，先请大家在这里做个简单的自我介绍：任教学科、年级，以及在{focus}方面最想解决的一个问题。",
	"欢迎大家！{community}正式启动了。\n\n## 研修安排\n\n- 第一阶段：提出和协商研修主题\n- 第二阶段：课例实践与观课议课\n- 第三阶段：反思提炼，形成成果\n\n请大家先在本帖跟帖介绍一下自己。",
}

var checkinTitles = []string{"【打卡】每日一得：{focus}实践接龙", "【接龙】我的{focus}教学日志"}

var topicTitles = []string{
	"{focus}：我们班的做法，请大家指点", "关于《{topic}》的教学设计，求建议", "【研讨】{focus}中遇到的三个困惑",
	"【资源】《{topic}》课件与作业单分享", "听{colleague}老师《{topic}》一课有感", "【问题】如何在{focus}中兼顾学困生？",
	"第{n}次线上研讨：{focus}案例交流", "{grade}{subject}单元作业设计初稿，请批评", "【课例】《{topic}》第二次试教反思",
	"读{book}，想到了我们的{focus}", "{focus}评价量规（讨论稿）", "一次失败的小组合作，我的反思",
}

var topicOpenings = []string{
	"最近在{class}上《{topic}》，尝试把{focus}的思路用进来，有一些收获，也有不少困惑，想请大家一起看看。",
	"这周我们组围绕《{topic}》进行了集体备课，整理了主要的设计思路，发在这里供大家讨论。",
	"上周听了{colleague}老师的课，很受启发，记录几点体会，也提几个问题。",
	"结合本学期的研修主题，我设计了一份{grade}的单元作业，初稿如下，请各位老师帮忙把关。",
}

var topicPoints = []string{
	"导入环节用了一个生活情境，学生兴趣很高，但后面的任务衔接有些生硬。",
	"把大问题拆成了三个小任务，学生完成得比以往好，用时却超出了预期。",
	"小组汇报时，总是那几个学生发言，其他同学参与不够。",
	"作业分为基础、提高、拓展三个层次，学生可以自主选择。",
	"课后用一张小纸条做了即时反馈，发现近三分之一的学生没有真正理解。",
	"评价量规是和学生一起制定的，他们对标准更清楚了。",
	"板书尝试用思维导图呈现，学生复述知识结构明显更顺了。",
}

var topicQuestions = []string{
	"想请教大家：任务的难度梯度怎么把握比较合适？",
	"大家在课堂上是怎么控制时间的？",
	"学困生的参与问题，有没有好的办法？",
	"这样的作业量是否合适？欢迎提意见。",
	"评价标准是否需要再细化？",
}

// replySentences are what members answer; some address the topic's author.
var replySentences = []string{
	"赞同楼主的做法，{focus}关键还是要让学生真正动起来。",
	"我们年级也遇到过类似情况，后来把任务拆得更细，效果好了不少。",
	"这个设计很有启发，尤其是评价量规部分，我准备借鉴到我的课上。",
	"请问{name}老师，作业单能否分享一下？想在{class}试一试。",
	"时间确实是个难题，我的经验是把部分讨论放到课前预学中。",
	"学困生可以先给一个“脚手架”，比如句式提示或者半成品的思维导图。",
	"建议把目标再聚焦一点，一节课解决一个核心问题就好。",
	"我上周也上了《{topic}》，学生在这个地方卡住了，和您说的一样。",
	"收藏了，下周教研活动时和组里的老师一起学习。",
	"小组合作可以试试角色分工：记录员、汇报员、计时员轮流担任。",
	"读了您的反思很受触动，我们常常只看到课堂的热闹，忽略了学生的思考。",
	"可以考虑加一个课后反馈环节，用两三道小题检测一下目标达成情况。",
	"补充一点：情境要真实，和学生的生活经验有联系，学生才愿意投入。",
	"这份资料太及时了，谢谢分享！",
	"我们组的做法是每周固定一个时间磨课，{focus}的问题一起商量。",
	"同感！作业布置前自己先做一遍，很多问题就能提前发现。",
	"期待看到第二次试教的情况，有进展请继续更新。",
	"课件很实用，第三个活动我稍作调整后用在了我的课上，学生反应不错。",
}

// expertSentences are what experts (教研员) answer with.
var expertSentences = []string{
	"从新课标的要求看，{focus}的关键是目标、任务和评价的一致性。建议先明确本单元的核心素养目标，再倒推每一课时的学习任务。",
	"这个问题很有代表性。建议大家关注学生的真实学习过程：任务完成后，请学生说一说“我是怎么想的”，把思维过程显性化。",
	"分层不等于分等。可以设计同一任务的不同支架，让每个学生在原有基础上都有所提高，而不是给学生贴标签。",
	"评价量规建议控制在三到四个维度，每个维度的描述要具体、可观察，最好配上学生作品样例。",
	"课例研究要有证据意识：课前确定观察点，课中收集学生表现的证据，课后基于证据讨论改进。",
}

// welcomeReplies are members introducing themselves.
var welcomeReplies = []string{
	"大家好，我是{school}的{subject}老师，任教{grade}，最想解决的问题是课堂上学生参与不均衡。",
	"各位老师好！我教{grade}{subject}，刚工作不久，希望在共同体里多向大家学习。",
	"我来自{school}，教了十几年{subject}，对{focus}很感兴趣，期待和大家一起研究。",
	"大家好，{grade}{subject}老师报到！最近在尝试{focus}，困惑不少，来取经了。",
}

// checkinReplies are entries of a daily check-in thread.
var checkinReplies = []string{
	"打卡第{day}天：今天在{class}尝试了{focus}的小任务，学生讨论得很热烈。",
	"打卡：今天的作业只布置了一道开放题，学生的答案比预想的丰富。",
	"打卡第{day}天：课上留了五分钟让学生自己总结，效果比我讲好。",
	"今日一得：提问之后多等三秒，举手的学生多了一倍。",
	"打卡：今天听了{name}老师的课，学到了用问题链推进课堂。",
	"打卡第{day}天：把《{topic}》的导入改成了情境任务，学生一下子就进入了状态。",
	"今日反思：小组活动规则没讲清楚，浪费了不少时间，明天改进。",
	"打卡：和学生一起制定了评价量规，他们对标准的理解更清楚了。",
}

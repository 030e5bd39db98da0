package demo

// Lesson topics per subject and stage, taken from the current national
// textbooks (统编版 and the common PEP editions), so that a journal entry
// about 《背影》 is written by a junior-school Chinese teacher and one about
// 导数 by a senior-school mathematics teacher.

const (
	stagePrimary = "primary"
	stageJunior  = "junior"
	stageSenior  = "senior"
)

var stages = []string{stagePrimary, stageJunior, stageSenior}

// topics maps subject key → stage → lesson topics.
var topics = map[string]map[string][]string{
	"chinese": {
		stagePrimary: {"《小蝌蚪找妈妈》", "《秋天的雨》", "《桂林山水》", "《草船借箭》", "《少年闰土》", "《圆明园的毁灭》",
			"《慈母情深》", "《落花生》", "《搭船的鸟》", "《爬山虎的脚》", "《精卫填海》", "习作单元“我的植物朋友”"},
		stageJunior: {"《春》", "《济南的冬天》", "《背影》", "《藤野先生》", "《岳阳楼记》", "《醉翁亭记》", "《孔乙己》",
			"《故乡》", "《紫藤萝瀑布》", "《卖油翁》", "名著导读《朝花夕拾》", "综合性学习“我的语文生活”"},
		stageSenior: {"《沁园春·长沙》", "《赤壁赋》", "《劝学》", "《祝福》", "《荷塘月色》", "《雷雨》",
			"《红楼梦》整本书阅读", "《乡土中国》整本书阅读", "议论文写作指导", "古诗词诵读"},
	},
	"math": {
		stagePrimary: {"分数的初步认识", "鸡兔同笼", "圆的面积", "长方形和正方形的周长", "小数的意义", "多边形的面积",
			"百分数的应用", "三位数乘两位数", "平行四边形的面积", "找规律", "认识钟表"},
		stageJunior: {"一元一次方程", "勾股定理", "一次函数的图象", "全等三角形的判定", "二次函数", "平行线的性质",
			"整式的乘法", "数据的收集与整理", "圆周角定理", "相似三角形"},
		stageSenior: {"函数的单调性", "等差数列", "三角函数的图象与性质", "空间向量", "导数的几何意义", "椭圆及其标准方程",
			"集合的概念", "概率的基本性质", "数学建模活动"},
	},
	"english": {
		stagePrimary: {"Unit 3 My friends", "Unit 5 Dinner's ready", "Unit 2 My week", "What's the weather like?",
			"Unit 4 At the farm", "英语绘本阅读"},
		stageJunior: {"Unit 1 Can you play the guitar?", "Unit 4 Don't eat in class", "Unit 7 Will people have robots?",
			"阅读课 A Day in the Life", "英语写作：介绍我的家乡", "听说课 Where is the museum?"},
		stageSenior: {"Unit 1 Teenage Life", "Unit 3 Sports and Fitness", "读后续写专项训练", "应用文写作", "Unit 5 Music",
			"语法填空专题复习"},
	},
	"physics": {
		stageJunior: {"声音的产生与传播", "光的折射", "密度", "浮力", "欧姆定律", "杠杆", "电功率"},
		stageSenior: {"牛顿第二定律", "自由落体运动", "电磁感应", "机械能守恒定律", "楞次定律", "动量守恒定律"},
	},
	"chemistry": {
		stageJunior: {"氧气的性质", "质量守恒定律", "金属的化学性质", "溶液的形成", "酸和碱的中和反应"},
		stageSenior: {"氧化还原反应", "化学反应速率", "原电池", "物质的量", "元素周期律"},
	},
	"biology": {
		stageJunior: {"植物细胞的结构", "光合作用", "人体的消化系统", "生物的遗传和变异", "种子的萌发"},
		stageSenior: {"细胞的增殖", "基因的表达", "孟德尔的豌豆杂交实验", "生态系统的稳定性", "酶的作用和本质"},
	},
	"history": {
		stageJunior: {"秦统一中国", "贞观之治", "鸦片战争", "辛亥革命", "中华人民共和国成立", "古代希腊"},
		stageSenior: {"中华文明的起源", "两宋的政治和军事", "五四运动", "改革开放", "新航路的开辟"},
	},
	"geography": {
		stageJunior: {"地球的运动", "世界的气候", "中国的河流", "黄土高原", "认识地图"},
		stageSenior: {"大气的受热过程", "水循环", "人口迁移", "区域发展", "地质灾害"},
	},
	"morality_law": {
		stagePrimary: {"我们的班规我们订", "家庭的记忆", "我们的公共生活", "我是一张纸", "我们神圣的国土"},
		stageJunior:  {"珍视生命", "友谊的天空", "走进法治天地", "做守法的公民", "少年有梦"},
	},
	"politics": {
		stageSenior: {"中国特色社会主义", "经济全球化", "法治社会", "哲学与文化", "我国的基本经济制度"},
	},
	"science": {
		stagePrimary: {"植物的一生", "磁铁的性质", "水的三态变化", "太阳系大家族", "简单电路", "声音的传播"},
	},
	"music": {
		stagePrimary: {"《歌唱祖国》", "《茉莉花》", "节奏与律动", "民族乐器欣赏"},
		stageJunior:  {"《彼得与狼》", "京剧唱腔欣赏", "合唱训练"},
		stageSenior:  {"音乐鉴赏：交响乐", "中国民歌"},
	},
	"fine_arts": {
		stagePrimary: {"色彩的冷暖", "剪纸艺术", "线描写生", "设计校园标志"},
		stageJunior:  {"民间美术", "透视基础", "书籍装帧设计"},
		stageSenior:  {"美术鉴赏：中国山水画", "设计基础"},
	},
	"pe": {
		stagePrimary: {"立定跳远", "跳绳", "广播体操", "前滚翻"},
		stageJunior:  {"篮球运球", "足球脚内侧传球", "耐久跑", "排球垫球"},
		stageSenior:  {"篮球战术配合", "田径：跨栏跑", "体能训练"},
	},
	"information_technology": {
		stagePrimary: {"用Scratch编程", "认识网络", "在线学习与生活"},
		stageJunior:  {"数据与编码", "算法初步", "人工智能初体验"},
		stageSenior:  {"Python程序设计", "数据处理与应用", "信息系统与社会"},
	},
	"general_technology": {
		stageSenior: {"技术与设计", "结构与设计", "控制系统"},
	},
}

// subjectZH names the subjects used by the demo, for text.
var subjectZH = map[string]string{
	"chinese": "语文", "math": "数学", "english": "英语", "physics": "物理", "chemistry": "化学",
	"biology": "生物", "history": "历史", "geography": "地理", "morality_law": "道德与法治",
	"politics": "思想政治", "science": "科学", "information_technology": "信息技术",
	"general_technology": "通用技术", "music": "音乐", "fine_arts": "美术", "pe": "体育",
	"mental_health": "心理健康", "labor": "劳动", "integrated_practice": "综合实践活动", "calligraphy": "书法",
}

// generalTopics serve subjects without a topic list of their own.
var generalTopics = []string{"单元整体教学", "学生学习习惯培养", "课堂常规管理", "主题活动设计", "校本课程开发"}

// topicsFor returns the topics of a subject at a stage.
func topicsFor(subject, stage string) []string {
	if t := topics[subject][stage]; len(t) > 0 {
		return t
	}
	return generalTopics
}

// grades lists the grades of a stage as teachers name them.
var grades = map[string][]string{
	stagePrimary: {"一年级", "二年级", "三年级", "四年级", "五年级", "六年级"},
	stageJunior:  {"七年级", "八年级", "九年级"},
	stageSenior:  {"高一", "高二", "高三"},
}

// stageZH names a stage.
var stageZH = map[string]string{stagePrimary: "小学", stageJunior: "初中", stageSenior: "高中"}

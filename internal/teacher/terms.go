package teacher

// The term lists. Keys are stored in the database and used in message keys,
// so they never change once released; new spellings go into Aliases.
// Matching ignores case, width, spaces, '.', '_', '-' and '·', so aliases
// only list spellings that differ in more than that.

var subjects = newVocabulary(KindSubject, []Term{
	{Key: "chinese", ZH: "语文", EN: "Chinese", Aliases: []string{"语文学科", "Chinese Language", "yuwen"}},
	{Key: "math", ZH: "数学", EN: "Mathematics", Aliases: []string{"maths", "shuxue"}},
	{Key: "english", ZH: "英语", EN: "English", Aliases: []string{"英文", "English Language"}},
	{Key: "japanese", ZH: "日语", EN: "Japanese", Aliases: []string{"日文"}},
	{Key: "russian", ZH: "俄语", EN: "Russian", Aliases: []string{"俄文"}},
	{Key: "physics", ZH: "物理", EN: "Physics", Aliases: []string{"物理学"}},
	{Key: "chemistry", ZH: "化学", EN: "Chemistry"},
	{Key: "biology", ZH: "生物", EN: "Biology", Aliases: []string{"生物学"}},
	{Key: "history", ZH: "历史", EN: "History"},
	{Key: "geography", ZH: "地理", EN: "Geography"},
	{Key: "morality_law", ZH: "道德与法治", EN: "Morality and Rule of Law",
		Aliases: []string{"道法", "思想品德", "思品", "品德与社会", "品德与生活", "Morality and Law"}},
	{Key: "politics", ZH: "思想政治", EN: "Ideology and Politics", Aliases: []string{"政治", "思政", "Politics"}},
	{Key: "science", ZH: "科学", EN: "Science", Aliases: []string{"小学科学"}},
	{Key: "information_technology", ZH: "信息技术", EN: "Information Technology",
		Aliases: []string{"信息科技", "信息", "计算机", "IT", "ICT", "Computer Science"}},
	{Key: "general_technology", ZH: "通用技术", EN: "General Technology"},
	{Key: "music", ZH: "音乐", EN: "Music"},
	{Key: "fine_arts", ZH: "美术", EN: "Fine Arts", Aliases: []string{"Art"}},
	{Key: "arts", ZH: "艺术", EN: "Arts"},
	{Key: "pe", ZH: "体育", EN: "Physical Education", Aliases: []string{"体育与健康", "Sports", "PE and Health"}},
	{Key: "mental_health", ZH: "心理健康", EN: "Mental Health Education",
		Aliases: []string{"心理", "心理健康教育", "Mental Health", "Psychology"}},
	{Key: "labor", ZH: "劳动", EN: "Labour Education", Aliases: []string{"劳动教育", "Labor", "Labour", "Labor Education"}},
	{Key: "integrated_practice", ZH: "综合实践活动", EN: "Integrated Practical Activities",
		Aliases: []string{"综合实践", "Integrated Practice"}},
	{Key: "calligraphy", ZH: "书法", EN: "Calligraphy"},
})

var gradeBands = newVocabulary(KindGradeBand, []Term{
	{Key: "primary", ZH: "小学", EN: "Primary School", Aliases: []string{"小学段", "Primary", "Elementary", "Elementary School"}},
	{Key: "junior", ZH: "初中", EN: "Junior Secondary School",
		Aliases: []string{"初中段", "初级中学", "Junior Secondary", "Junior High", "Junior High School", "Middle School"}},
	{Key: "senior", ZH: "高中", EN: "Senior Secondary School",
		Aliases: []string{"高中段", "高级中学", "Senior Secondary", "Senior High", "Senior High School", "High School"}},
})

// Titles before 2015 had separate primary and secondary ladders; people
// still type them, so they are aliases of the unified title that replaced
// them (人社部发〔2015〕79号): 中学高级 → 高级; 中学一级 and 小学高级 → 一级;
// 中学二级 and 小学一级 → 二级; 中学三级, 小学二级 and 小学三级 → 三级.
var titles = newVocabulary(KindTitle, []Term{
	{Key: "unrated", ZH: "未定级", EN: "Unrated", Aliases: []string{"未评级", "未评", "无职称", "无", "None", "Not Rated"}},
	{Key: "third", ZH: "三级教师", EN: "Third-grade Teacher",
		Aliases: []string{"三级", "中学三级教师", "小学二级教师", "小学三级教师", "Level 3 Teacher"}},
	{Key: "second", ZH: "二级教师", EN: "Second-grade Teacher",
		Aliases: []string{"二级", "中学二级教师", "小学一级教师", "Level 2 Teacher"}},
	{Key: "first", ZH: "一级教师", EN: "First-grade Teacher",
		Aliases: []string{"一级", "中学一级教师", "小学高级教师", "Level 1 Teacher"}},
	{Key: "senior", ZH: "高级教师", EN: "Senior Teacher",
		Aliases: []string{"高级", "副高", "副高级", "副高级教师", "中学高级教师"}},
	{Key: "full_senior", ZH: "正高级教师", EN: "Professor-level Senior Teacher",
		Aliases: []string{"正高级", "正高", "Full Senior Teacher", "Professor-level Teacher"}},
})

var genders = newVocabulary(KindGender, []Term{
	{Key: "male", ZH: "男", EN: "Male", Aliases: []string{"男性", "M"}},
	{Key: "female", ZH: "女", EN: "Female", Aliases: []string{"女性", "F"}},
})

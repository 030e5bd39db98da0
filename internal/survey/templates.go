package survey

import "strconv"

// Template is a ready-made questionnaire to start from: written in zh-CN,
// with English labels so that the codebook and English readers get them too.
type Template struct {
	Key           string
	Title         string
	TitleEN       string
	Description   string
	DescriptionEN string
	build         func() *Definition
}

// Definition returns a fresh copy of the template's definition.
func (t Template) Definition() *Definition {
	d := t.build()
	d.Normalize()
	return d
}

// TemplateKeys of the library.
const (
	TemplateCommunity = "community"
	TemplateTraining  = "training_feedback"
	TemplateNeeds     = "training_needs"
)

// Templates lists the template library, the community questionnaire first.
func Templates() []Template {
	return []Template{
		{Key: TemplateCommunity, Title: "教师研修共同体调查问卷", TitleEN: "Teacher Training Community Questionnaire",
			Description:   "了解教师参与研修共同体的情况与体验：参与度、协作、资源共享、反思、支持保障和满意度六个维度，每个维度 4 题，部分为反向计分题。",
			DescriptionEN: "How teachers take part in and experience training communities: six dimensions (participation, collaboration, resource sharing, reflection, support, satisfaction) of four items each, some reverse-scored.",
			build:         communityTemplate},
		{Key: TemplateTraining, Title: "培训满意度调查", TitleEN: "Training Satisfaction Survey",
			Description:   "培训结束后的简短反馈：形式、满意度（5 题）和建议。",
			DescriptionEN: "Short feedback after a training: its form, satisfaction (5 items) and suggestions.",
			build:         trainingTemplate},
		{Key: TemplateNeeds, Title: "教师研修需求调查", TitleEN: "Teacher Training Needs Survey",
			Description:   "研修规划前了解教师最希望提升的能力和偏好的研修形式。",
			DescriptionEN: "What teachers most want to develop and how they prefer to train, before planning.",
			build:         needsTemplate},
	}
}

// TemplateByKey finds a template.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}

// tb builds template definitions tersely.
type tb struct{ d *Definition }

func newTB() *tb { return &tb{d: &Definition{Version: CurrentVersion}} }

func (b *tb) section(title, titleEN string) {
	b.d.AddSection(title)
	b.d.Sections[len(b.d.Sections)-1].TitleEN = titleEN
}

func (b *tb) add(it Item) string {
	it.ID = b.d.nextID("q")
	s := &b.d.Sections[len(b.d.Sections)-1]
	s.Items = append(s.Items, it)
	return it.ID
}

func (b *tb) demographic(f Field) string {
	zh, en := FieldName(f)
	return b.add(Item{Kind: Demographic, Field: f, Text: zh, TextEN: en, Required: true, Prefill: true})
}

// opts codes labels 1..n; pairs are zh, en, zh, en ...
func opts(pairs ...string) []Option {
	out := make([]Option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Option{Value: i/2 + 1, Label: pairs[i], LabelEN: pairs[i+1]})
	}
	return out
}

func rows(pairs ...string) []Row {
	out := make([]Row, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Row{ID: "r" + strconv.Itoa(i/2+1), Label: pairs[i], LabelEN: pairs[i+1]})
	}
	return out
}

// dimension adds a dimension with its five-point Likert items; items are
// zh, en pairs, and a zh text starting with "R:" is reverse-scored.
func (b *tb) dimension(key, name, nameEN string, items ...string) {
	b.d.Dimensions = append(b.d.Dimensions, Dimension{Key: key, Name: name, NameEN: nameEN})
	for i := 0; i+1 < len(items); i += 2 {
		text, rev := items[i], false
		if len(text) > 2 && text[:2] == "R:" {
			text, rev = text[2:], true
		}
		b.add(Item{Kind: Likert, Text: text, TextEN: items[i+1], Scale: 5, Dimension: key, Reverse: rev, Required: true})
	}
}

func communityTemplate() *Definition {
	b := newTB()
	b.section("一、基本信息", "I. About you")
	for _, f := range Fields {
		b.demographic(f)
	}
	b.section("二、参与情况", "II. Taking part")
	b.add(Item{Kind: Single, Text: "您参加研修共同体的时间", TextEN: "How long have you taken part in training communities?", Required: true,
		Options: opts("不到1年", "Less than a year", "1–2年", "1–2 years", "3–5年", "3–5 years", "5年以上", "More than 5 years")})
	b.add(Item{Kind: Multiple, Text: "您参加过哪些研修活动？（可多选）", TextEN: "Which activities have you taken part in? (choose all that apply)",
		Required: true, Other: true,
		Options: opts("集体备课", "Collaborative lesson preparation", "课例研修", "Lesson study", "网络研讨", "Online seminars",
			"读书交流", "Reading circles", "专家讲座", "Expert lectures", "课题研究", "Research projects")})
	cross := b.add(Item{Kind: Single, Text: "您是否参加过跨校的研修共同体？", TextEN: "Have you taken part in a community across schools?",
		Required: true, Options: opts("是", "Yes", "否", "No")})
	b.add(Item{Kind: Single, Text: "跨校共同体对您帮助最大的是哪一方面？", TextEN: "What helped you most in a community across schools?",
		Other: true, ShowIf: &Condition{Item: cross, Values: []int{1}},
		Options: opts("获得优质资源", "Good resources", "拓宽视野", "A wider view", "专家指导", "Guidance from experts", "同伴互助", "Help from peers")})
	b.add(Item{Kind: Matrix, Text: "您参与下列活动的频率", TextEN: "How often do you do the following?",
		Rows:    rows("在线讨论", "Online discussion", "上传或分享资源", "Uploading or sharing resources", "撰写研修日志", "Writing a reflective journal", "听课评课", "Observing and reviewing lessons"),
		Options: opts("从不", "Never", "很少", "Rarely", "有时", "Sometimes", "经常", "Often", "总是", "Always")})
	lo, hi := 0.0, 300.0
	b.add(Item{Kind: Number, Text: "过去一个月，您用于网络研修的时间约为多少小时？", TextEN: "About how many hours did you spend on online training in the past month?",
		Min: &lo, Max: &hi})
	b.section("三、研修体验", "III. Your experience")
	b.dimension("participation", "参与度", "Participation",
		"我积极参加共同体组织的各项研修活动。", "I take an active part in the community's activities.",
		"我经常在共同体中发表自己的观点。", "I often share my views in the community.",
		"我能按时完成共同体布置的研修任务。", "I complete the community's tasks on time.",
		"R:我很少关注共同体中的讨论。", "I seldom follow the community's discussions.")
	b.dimension("collaboration", "协作", "Collaboration",
		"共同体成员之间能够相互倾听和尊重。", "Members listen to and respect each other.",
		"我经常与其他成员共同备课或研讨。", "I often prepare lessons or discuss with other members.",
		"成员之间的合作提高了我们的教学质量。", "Working together has improved our teaching.",
		"R:在共同体中我更多是独自完成任务，很少与人合作。", "In the community I mostly work alone and seldom collaborate.")
	b.dimension("sharing", "资源共享", "Resource sharing",
		"我愿意把自己的教学资源分享给共同体成员。", "I am willing to share my teaching resources with members.",
		"共同体中的资源对我的教学有帮助。", "The community's resources help my teaching.",
		"我经常使用其他成员分享的资源。", "I often use resources other members share.",
		"共同体的资源分类清晰、便于查找。", "The community's resources are well organised and easy to find.")
	b.dimension("reflection", "反思", "Reflection",
		"参加研修后，我会反思自己的教学行为。", "After training I reflect on my teaching.",
		"我会把反思写成研修日志。", "I write my reflections in a journal.",
		"同伴的反馈促使我改进教学。", "Feedback from peers makes me improve my teaching.",
		"R:我很少对自己的课堂进行系统的反思。", "I seldom reflect on my lessons systematically.")
	b.dimension("support", "支持保障", "Support",
		"学校为我参加研修提供了时间保障。", "My school gives me time for training.",
		"学校领导支持和鼓励教师参加共同体研修。", "School leaders support and encourage community training.",
		"专家和坊主能及时给予指导。", "Experts and hosts give timely guidance.",
		"平台的技术支持能满足研修需要。", "The platform's technical support meets our needs.")
	b.dimension("satisfaction", "满意度", "Satisfaction",
		"总体来说，我对共同体研修感到满意。", "Overall, I am satisfied with community training.",
		"共同体研修促进了我的专业成长。", "Community training has helped me grow professionally.",
		"我愿意继续参加共同体的研修活动。", "I want to keep taking part in the community's activities.",
		"R:参加共同体研修占用了太多时间，得不偿失。", "Community training takes too much time for what it gives.")
	b.section("四、意见与建议", "IV. Suggestions")
	b.add(Item{Kind: Text, Text: "您对改进研修共同体有哪些建议？", TextEN: "How could the training community be improved?", Multiline: true})
	return b.d
}

func trainingTemplate() *Definition {
	b := newTB()
	b.section("", "")
	b.add(Item{Kind: Single, Text: "您参加的培训形式", TextEN: "How did you take part?", Required: true,
		Options: opts("线上", "Online", "线下", "In person", "线上线下混合", "Blended")})
	b.dimension("satisfaction", "培训满意度", "Satisfaction with the training",
		"培训内容贴近我的教学实际。", "The content fitted my teaching practice.",
		"培训方式生动、有吸引力。", "The training was lively and engaging.",
		"培训讲师准备充分、讲解清楚。", "The trainers were well prepared and clear.",
		"R:培训的组织安排比较混乱。", "The training was poorly organised.",
		"我能把培训所学用到课堂中。", "I can use what I learned in class.")
	b.add(Item{Kind: Text, Text: "您对今后的培训有什么建议？", TextEN: "What would you suggest for future trainings?", Multiline: true})
	return b.d
}

func needsTemplate() *Definition {
	b := newTB()
	b.section("一、基本信息", "I. About you")
	b.demographic(FieldYears)
	b.demographic(FieldTitle)
	b.demographic(FieldSubject)
	b.section("二、研修需求", "II. Needs")
	b.add(Item{Kind: Multiple, Text: "您最希望提升哪些能力？（最多选 3 项）", TextEN: "What do you most want to develop? (up to 3)",
		Required: true, Other: true, MaxChoices: 3,
		Options: opts("教学设计", "Lesson design", "课堂管理", "Classroom management", "信息技术应用", "Using technology",
			"作业设计", "Homework design", "教育科研", "Educational research", "学生心理辅导", "Student counselling")})
	b.add(Item{Kind: Matrix, Text: "您对下列研修主题的需求程度", TextEN: "How much do you need training on these topics?",
		Rows:    rows("新课标解读", "The new curriculum standards", "大单元教学", "Large-unit teaching", "跨学科主题学习", "Interdisciplinary learning", "课堂评价", "Classroom assessment"),
		Options: opts("很低", "Very low", "较低", "Low", "一般", "Moderate", "较高", "High", "很高", "Very high")})
	b.add(Item{Kind: Single, Text: "您最喜欢的研修形式", TextEN: "Your preferred form of training", Required: true,
		Options: opts("专家讲座", "Expert lectures", "课例研修", "Lesson study", "工作坊", "Workshops", "网络课程", "Online courses")})
	b.add(Item{Kind: Text, Text: "其他需求或建议", TextEN: "Other needs or suggestions", Multiline: true})
	return b.d
}

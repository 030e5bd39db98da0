package demo

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// textContext is what fills the placeholders of one generated text.
type textContext struct {
	subject   string // key
	stage     string
	colleague string // a colleague's surname
	group     string // the writer's teaching-research group
	school    string
	name      string // whom a comment addresses
	topic     string
	grade     string
	class     string
	theme     string
	book      string
	n         int
}

// newTextContext draws the topic, grade, theme and book of one text.
func newTextContext(r *rand.Rand, subject, stage, colleague, group, school string) textContext {
	c := textContext{subject: subject, stage: stage, colleague: colleague, group: group, school: school}
	c.topic = pick(r, topicsFor(subject, stage))
	gs := grades[stage]
	c.grade = pick(r, gs)
	c.class = c.grade + "（" + strconv.Itoa(1+r.IntN(8)) + "）班"
	c.theme = pick(r, themes)
	c.book = pick(r, books)
	c.n = 2 + r.IntN(15)
	return c
}

func (c *textContext) fill(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return strings.NewReplacer(
		"{subject}", subjectZH[c.subject], "{stage}", stageZH[c.stage], "{colleague}", c.colleague,
		"{group}", c.group, "{school}", c.school, "{name}", c.name, "{topic}", c.topic, "{grade}", c.grade,
		"{class}", c.class, "{theme}", c.theme, "{book}", c.book, "{n}", strconv.Itoa(c.n),
	).Replace(s)
}

// pick returns a random element.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// pickN returns n distinct random elements in random order (all of them if
// there are fewer).
func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	idx := r.Perm(len(xs))
	out := make([]T, 0, min(n, len(xs)))
	for _, i := range idx[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

// pickOrdered returns n distinct random elements in their original order.
func pickOrdered[T any](r *rand.Rand, xs []T, n int) []T {
	idx := r.Perm(len(xs))[:min(n, len(xs))]
	slices.Sort(idx)
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// markdown builds a Markdown document section by section.
type markdown struct {
	b strings.Builder
	c *textContext
	r *rand.Rand
}

func (m *markdown) heading(options []string) {
	m.b.WriteString("## ")
	m.b.WriteString(pick(m.r, options))
	m.b.WriteString("\n\n")
}

// paragraph joins n distinct sentences of a bank.
func (m *markdown) paragraph(bank []string, n int) {
	for _, s := range pickN(m.r, bank, n) {
		m.b.WriteString(m.c.fill(s))
	}
	m.b.WriteString("\n\n")
}

func (m *markdown) list(bank []string, n int, numbered bool) {
	for i, s := range pickN(m.r, bank, n) {
		if numbered {
			m.b.WriteString(strconv.Itoa(i+1) + ". ")
		} else {
			m.b.WriteString("- ")
		}
		m.b.WriteString(m.c.fill(s))
		m.b.WriteString("\n")
	}
	m.b.WriteString("\n")
}

func (m *markdown) line(s string) {
	m.b.WriteString(m.c.fill(s))
	m.b.WriteString("\n\n")
}

func (m *markdown) String() string { return strings.TrimSpace(m.b.String()) + "\n" }

// entryKinds weight the kinds of journal entry teachers write.
var entryKinds = newTable(
	[]string{"reflection", "observation", "preparation", "theme", "reading", "weekly", "homework"},
	[]float64{30, 18, 12, 15, 7, 10, 8})

// entryText composes the title and Markdown body of a journal entry.
func entryText(r *rand.Rand, c textContext) (title, body string) {
	m := &markdown{c: &c, r: r}
	switch entryKinds.pick(r) {
	case "reflection":
		title = pick(r, reflectionTitles)
		m.heading(prepHeadings)
		m.paragraph(prepSentences, 2+r.IntN(2))
		m.heading(classHeadings)
		m.paragraph(classSentences, 2+r.IntN(2))
		m.heading(reflectHeadings)
		m.list(problemItems, 2+r.IntN(2), true)
		m.paragraph(reflectSentences, 1+r.IntN(2))
		if r.IntN(2) == 0 {
			m.heading(planHeadings)
			m.paragraph(planSentences, 1+r.IntN(2))
		}
	case "observation":
		title = pick(r, observationTitles)
		m.heading(observeHeadings)
		m.paragraph(observeSentences, 3)
		if r.IntN(3) == 0 {
			m.line("| 环节 | 用时 | 学生表现 |\n| --- | --- | --- |\n| 导入 | 5 分钟 | 兴趣浓厚 |\n| 合作探究 | 18 分钟 | 多数小组积极参与 |\n| 展示交流 | 12 分钟 | 表达清楚，有补充 |\n| 练习小结 | 5 分钟 | 略显仓促 |")
		}
		m.b.WriteString("## 亮点\n\n")
		m.list(observeItems, 3+r.IntN(2), false)
		m.b.WriteString("## 思考与建议\n\n")
		m.paragraph(reflectSentences, 2)
	case "preparation":
		title = pick(r, preparationTitles)
		m.b.WriteString("## 基本信息\n\n")
		m.line("- 课题：{topic}\n- 主备人：{colleague}老师\n- 参加人员：{group}全体教师")
		m.b.WriteString("## 讨论要点\n\n")
		m.list(prepItems, 3+r.IntN(2), true)
		m.heading(prepHeadings)
		m.paragraph(prepSentences, 2+r.IntN(2))
		m.heading(planHeadings)
		m.paragraph(planSentences, 1)
	case "theme":
		title = pick(r, themeTitles)
		m.b.WriteString("## 缘起\n\n")
		m.paragraph(prepSentences, 2)
		m.b.WriteString("## 我的做法\n\n")
		m.list(prepItems, 3, false)
		m.paragraph(classSentences, 2)
		m.b.WriteString("## 困惑与思考\n\n")
		m.paragraph(reflectSentences, 2+r.IntN(2))
	case "reading":
		title = pick(r, readingTitles)
		m.b.WriteString("## 读书感悟\n\n")
		m.paragraph(readSentences, 3)
		m.b.WriteString("## 联系我的课堂\n\n")
		m.paragraph(reflectSentences, 2)
		m.paragraph(planSentences, 1)
	case "weekly":
		title = pick(r, weeklyTitles)
		m.b.WriteString("## 本周工作\n\n")
		m.list(weekItems, 3+r.IntN(2), false)
		m.b.WriteString("## 一点感悟\n\n")
		m.paragraph(reflectSentences, 2+r.IntN(2))
	default: // homework
		title = pick(r, homeworkTitles)
		m.b.WriteString("## 设计思路\n\n")
		m.paragraph(prepSentences, 2)
		m.b.WriteString("## 作业单\n\n")
		m.line("| 层次 | 内容 | 建议用时 |\n| --- | --- | --- |\n| 基础 | 完成课后练习第 1—3 题 | 10 分钟 |\n| 提高 | 结合{topic}完成一道综合题 | 10 分钟 |\n| 拓展 | 自选一个生活中的问题写成小报告（选做） | 不限 |")
		m.b.WriteString("## 实施效果\n\n")
		m.paragraph(classSentences, 1)
		m.paragraph(reflectSentences, 1)
	}
	return c.fill(title), m.String()
}

// commentText composes a comment to the author name.
func commentText(r *rand.Rand, name, theme string) string {
	c := textContext{name: name, theme: theme}
	var b strings.Builder
	for _, s := range pickN(r, commentSentences, 1+r.IntN(2)) {
		b.WriteString(c.fill(s))
	}
	return b.String()
}

// announcementText composes an announcement of a school (group names one of
// its teaching-research groups) or, when district is set, of a district.
func announcementText(r *rand.Rand, district bool, group string) (title, body string) {
	c := textContext{group: group, theme: pick(r, themes), n: 2 + r.IntN(16)}
	m := &markdown{c: &c, r: r}
	if district {
		title = pick(r, districtAnnouncementTitles)
	} else {
		title = pick(r, schoolAnnouncementTitles)
	}
	for _, l := range announcementLines {
		m.line(l)
	}
	for _, item := range pickOrdered(r, announcementItems, 3+r.IntN(3)) {
		m.b.WriteString("- " + c.fill(item) + "\n")
	}
	m.b.WriteString("\n")
	m.line(pick(r, announcementClosing))
	return c.fill(title), m.String()
}

// bioText composes a short bio, or none.
func bioText(r *rand.Rand, subject string) string {
	c := textContext{subject: subject, theme: pick(r, themes)}
	return c.fill(pick(r, bios))
}

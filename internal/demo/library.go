package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/resource"
)

// The district's resource library (issue 4): a few thousand lesson plans in
// the structured template, teaching cases, reflections, links and uploaded
// files (Word handouts and exercise sheets, pictures of board designs),
// spread over every subject, stage and grade and written by teachers all
// over the district, each in their own subject and at their own school's
// stage. Most are public or shared with the school; a few in every
// district are featured in their school's collection (精品资源) through an
// approved recommendation. The small demo keeps its forty hand-picked
// resources (resources.go) so that `make run` stays quick; a test may ask
// for a generated library of any size through Options.Resources.
//
// Planning (this file) draws everything from seeded random sources and
// makes the files' bytes; writing (library_write.go) stores the files and
// the rows. Planning does no I/O so that it can be tested at a small count
// and checked to be deterministic.

// Purposes of the library's random sources.
const (
	rngLibrary uint64 = 410 + iota
	rngLibraryText
	rngLibraryFeatured
)

// featuredPerDistrict is how many resources each district's schools have
// taken into their collections.
const featuredPerDistrict = 3

// libPlan is one planned resource of the library.
type libPlan struct {
	author int32 // index into world.people
	topic  demoTopic
	rs     *resource.Resource // ID, RevisionID and the file's key are set when written
	// Documents: the sections of each revision, oldest first, and when
	// each was saved (revs[0] at the resource's creation).
	revs  []map[string]string
	revAt []time.Time
	file  *libFile
	// feature is the school's approval, nil for most.
	feature *libFeature
}

// libFile is an uploaded file's content and the text the extraction job
// would find in it ("" for pictures).
type libFile struct {
	name  string
	data  []byte
	ctype string
	text  string
}

// libFeature is a recommendation to the author's school and its approval.
type libFeature struct {
	reviewer       int32 // the school's administrator
	recAt, decAt   time.Time
	note, comments string
}

// The kinds of library resource, with their shares.
type libKind uint8

const (
	libLessonPlan libKind = iota
	libCase
	libReflection
	libLink
	libWord
	libPicture
)

var libKinds = newTable([]libKind{libLessonPlan, libCase, libReflection, libLink, libWord, libPicture},
	[]float64{0.34, 0.1, 0.12, 0.18, 0.16, 0.1})

var libVisibility = newTable([]resource.Visibility{resource.VisPublic, resource.VisInstitution, resource.VisPrivate},
	[]float64{0.6, 0.35, 0.05})

var libLicences = newTable(
	[]resource.Licence{resource.CCBYNCSA, resource.CCBY, resource.CCBYSA, resource.CCBYNC, resource.CC0, resource.AllRightsReserved},
	[]float64{0.5, 0.12, 0.05, 0.1, 0.05, 0.18})

// editions are the textbook editions (教材版本) in use per subject; the first
// is the most common.
var editions = map[string][]string{
	"chinese": {"统编版"}, "history": {"统编版"}, "morality_law": {"统编版"}, "politics": {"统编版"},
	"math": {"人教版", "北师大版", "苏教版"}, "english": {"人教版", "外研版", "译林版"}, "physics": {"人教版", "沪科版"},
	"chemistry": {"人教版", "沪教版"}, "biology": {"人教版", "北师大版"}, "geography": {"人教版", "湘教版"},
	"science": {"教科版", "苏教版"}, "music": {"人音版", "湘艺版"}, "fine_arts": {"人美版", "湘美版"},
	"information_technology": {"浙教版", "教科版"}, "general_technology": {"苏教版", "地质版"},
}

// gradesOf are the resource grades of a stage.
var gradesOf = map[string][]string{
	stagePrimary: resource.Grades[0:6], stageJunior: resource.Grades[6:9], stageSenior: resource.Grades[9:12],
}

// libTags are tags teachers add besides the topic's own.
var libTags = []string{"课例", "大单元", "情境教学", "分层作业", "项目式学习", "实验探究", "跨学科", "复习课", "公开课",
	"集体备课", "作业设计", "核心素养", "新课标", "双减"}

// libTopic draws a lesson for a teacher: one of their subject's topics at
// their school's stage, in a grade of that stage.
func libTopic(r *rand.Rand, subject, stage string) demoTopic {
	name := pick(r, topicsFor(subject, stage))
	if strings.Count(name, "《") == 1 && strings.HasPrefix(name, "《") && strings.HasSuffix(name, "》") {
		name = strings.TrimSuffix(strings.TrimPrefix(name, "《"), "》")
	}
	ed := "人教版"
	if eds := editions[subject]; len(eds) > 0 {
		ed = eds[0]
		if r.IntN(3) == 0 {
			ed = pick(r, eds)
		}
	}
	unit := "单元"
	if stage != stagePrimary && subject != "chinese" && subject != "english" {
		unit = "章"
	}
	t := demoTopic{subject: subject, grade: pick(r, gradesOf[stage]), edition: ed,
		chapter: fmt.Sprintf("第%s%s %s", chineseNumber(1+r.IntN(8)), unit, name), topic: name}
	t.tags = []string{pick(r, libTags)}
	if tag := pick(r, libTags); tag != t.tags[0] && r.IntN(2) == 0 {
		t.tags = append(t.tags, tag)
	}
	return t
}

// chineseNumber writes 1 to 10 as a chapter number is written.
func chineseNumber(n int) string {
	return []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}[n]
}

// libAuthors are the teachers who share resources, with weights that
// favour the ones who use the platform most.
func (w *world) libAuthors() *table[int32] {
	var idx []int32
	var wt []float64
	for i, p := range w.people {
		if p.user.Role == account.Teacher && p.school >= 0 {
			idx, wt = append(idx, int32(i)), append(wt, p.weight)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	return newTable(idx, wt)
}

// planLibrary plans n resources, oldest first, and the featured ones.
func (w *world) planLibrary(n int) []*libPlan {
	authors := w.libAuthors()
	if n <= 0 || authors == nil {
		return nil
	}
	r := w.rng(rngLibrary, 0)
	plans := make([]*libPlan, 0, n)
	for i := range n {
		pi := authors.pick(r)
		p := w.people[pi]
		stage := w.schools[p.school].kind.stage
		tr := w.rng(rngLibraryText, uint64(i)) // the texts do not shift the plan's draws
		t := libTopic(tr, p.subject(), stage)
		from := p.user.CreatedAt
		if from.Before(w.cal.start) {
			from = w.cal.start
		}
		at := w.cal.at(r, from).UTC().Truncate(time.Millisecond)
		// The owner, space and institution path are filled in when it is
		// written: people and schools have no IDs yet.
		rs := &resource.Resource{Meta: resource.Meta{Subject: t.subject, Grade: t.grade, Edition: t.edition, Chapter: t.chapter, Tags: t.tags,
			Licence: libLicences.pick(r)},
			Visibility: libVisibility.pick(r), CreatedAt: at, UpdatedAt: at}
		lp := &libPlan{author: pi, topic: t, rs: rs}
		kind := libKinds.pick(r)
		switch kind {
		case libLessonPlan:
			rs.Kind, rs.DocType, rs.Type = resource.Document, resource.LessonPlan, resource.TypeLessonPlan
			rs.Title = "《" + t.topic + "》教学设计"
			if strings.Contains(t.topic, "《") { // 名著导读《朝花夕拾》
				rs.Title = t.topic + " 教学设计"
			}
			rs.Description = fmt.Sprintf("%s%s%s，含教学目标、重难点、教学过程、板书设计和课后反思。", t.edition, t.grade2(), t.chapter)
			lp.revise(tr, w, demoPlan(tr, t), at, 1+tr.IntN(3))
		case libCase, libReflection:
			rs.Kind, rs.DocType, rs.Title = resource.Document, resource.TeachingCase, t.topic+" 课例研修案例"
			if kind == libReflection {
				rs.DocType, rs.Title = resource.Reflection, t.topic+" 教学反思"
			}
			rs.Type = rs.DocType.DefaultType()
			rs.Description = fmt.Sprintf("%s%s %s：%s", t.edition, t.grade2(), subjectZH[t.subject],
				map[resource.DocType]string{resource.TeachingCase: "教研组磨课过程与改进的记录。", resource.Reflection: "课后反思与改进设想。"}[rs.DocType])
			lp.revise(tr, w, demoCase(tr, t, rs.DocType), at, 1)
		case libLink:
			rs.Kind, rs.Type = resource.Link, pick(tr, []resource.Type{resource.TypeMicroLesson, resource.TypeLessonRecord})
			rs.Title = t.topic + pick(tr, []string{" 微课视频", " 课堂实录", " 名师示范课"})
			rs.Description = "国家中小学智慧教育平台上的优质资源，可用于课前预习或课后复习。"
			rs.URL = fmt.Sprintf("https://basic.smartedu.cn/syncClassroom?subject=%s&grade=%s&lesson=%d", t.subject, t.grade, i+1)
		case libWord:
			typ := pick(tr, []resource.Type{resource.TypeStudyGuide, resource.TypeExercise, resource.TypeLessonPlan})
			label := map[resource.Type]string{resource.TypeStudyGuide: "学案", resource.TypeExercise: "分层作业",
				resource.TypeLessonPlan: "教案"}[typ]
			rs.Kind, rs.Type = resource.File, typ
			rs.Title = t.topic + " " + label
			rs.Description = fmt.Sprintf("%s%s %s，Word 文档，可直接打印使用。", t.edition, t.grade2(), label)
			lines := wordLines(tr, t, label)
			lp.file = &libFile{name: t.topic + label + ".docx", data: makeDOCX(lines), ctype: resource.OOXMLTypes[resource.Word]}
		case libPicture:
			rs.Kind, rs.Type = resource.File, resource.TypeMaterial
			label := pick(tr, []string{"板书设计", "思维导图", "知识结构图"})
			rs.Title = t.topic + " " + label
			rs.Description = "课堂板书拍照整理，供集体备课参考。"
			lp.file = &libFile{name: t.topic + label + ".png", data: makePNG(tr, t.subject), ctype: "image/png"}
		}
		if lp.file != nil {
			lp.file.name = fileSafe(lp.file.name)
		}
		plans = append(plans, lp)
	}
	slices.SortStableFunc(plans, func(a, b *libPlan) int { return a.rs.CreatedAt.Compare(b.rs.CreatedAt) })
	w.planFeatured(plans)
	return plans
}

// grade2 names a topic's grade as teachers do (三年级, 高一).
func (t demoTopic) grade2() string {
	i := slices.Index(resource.Grades, t.grade)
	if i < 0 {
		return ""
	}
	all := append(append(append([]string{}, grades[stagePrimary]...), grades[stageJunior]...), grades[stageSenior]...)
	return all[i]
}

// fileSafe keeps a generated file name within what uploads accept.
func fileSafe(name string) string {
	name = strings.NewReplacer("/", "-", "?", "", "'", "", "“", "", "”", "", ":", "").Replace(name)
	if len([]rune(name)) > resource.MaxFileName {
		rs := []rune(name)
		name = string(rs[len(rs)-resource.MaxFileName:])
	}
	return name
}

// revise plans a document's revisions: later ones refine the process (a
// lesson plan's) or the body, as colleagues' comments come in.
func (lp *libPlan) revise(r *rand.Rand, w *world, texts map[string]string, at time.Time, n int) {
	for k := range n {
		if k > 0 {
			next := make(map[string]string, len(texts))
			for s, v := range texts {
				next[s] = v
			}
			if _, ok := next["process"]; ok {
				next["process"] += fmt.Sprintf("\n（第%d次修改：根据教研组意见调整了时间分配。）", k+1)
				next["reflection"] = "修改后：" + next["reflection"]
			} else {
				next["body"] += fmt.Sprintf("\n\n（第%d稿：补充了学生作品和课后访谈。）", k+1)
			}
			texts = next
			at = at.Add(time.Duration(1+r.IntN(72)) * time.Hour)
			if !at.Before(w.cal.now) {
				break
			}
		}
		lp.revs, lp.revAt = append(lp.revs, texts), append(lp.revAt, at)
	}
	lp.rs.UpdatedAt = lp.revAt[len(lp.revAt)-1]
}

// planFeatured picks, in every district, a few shared lesson plans that
// their schools' administrators have approved into the collection.
func (w *world) planFeatured(plans []*libPlan) {
	r := w.rng(rngLibraryFeatured, 0)
	byDistrict := map[int32][]*libPlan{}
	for _, lp := range plans {
		p := w.people[lp.author]
		if lp.rs.DocType == resource.LessonPlan && lp.rs.Visibility != resource.VisPrivate {
			byDistrict[p.district] = append(byDistrict[p.district], lp)
		}
	}
	for di := range w.districts {
		cands := byDistrict[int32(di)]
		for k := 0; k < featuredPerDistrict && len(cands) > 0; k++ {
			j := r.IntN(len(cands))
			lp := cands[j]
			cands = slices.Delete(cands, j, j+1)
			p := w.people[lp.author]
			admin := w.schools[p.school].admin
			rec := lp.rs.UpdatedAt.Add(time.Duration(2+r.IntN(72)) * time.Hour)
			dec := rec.Add(time.Duration(1+r.IntN(48)) * time.Hour)
			if !dec.Before(w.cal.now) || admin == lp.author {
				continue
			}
			lp.feature = &libFeature{reviewer: admin, recAt: rec, decAt: dec,
				note:     pick(r, []string{"本课经过教研组三轮磨课，结构清晰，推荐校内共享。", "设计新颖，学生参与度高，推荐收入校本资源库。"}),
				comments: pick(r, []string{"设计完整，同意收入本校精品资源。", "同意推荐，请在教研组内交流。"})}
		}
	}
}

// wordLines is the text of a Word handout: a title and its sections.
func wordLines(r *rand.Rand, t demoTopic, label string) []string {
	subject := subjectZH[t.subject]
	lines := []string{t.topic + " " + label, fmt.Sprintf("%s %s %s", t.edition, t.grade2(), t.chapter)}
	switch label {
	case "学案":
		lines = append(lines, "【学习目标】", fmt.Sprintf("1. 理解%s的基本内容。", t.topic),
			fmt.Sprintf("2. 能运用%s知识解决简单问题。", subject), "【课前预习】",
			pick(r, []string{"阅读课本，圈出不理解的地方。", "完成预习单第1—3题。", "收集与本课有关的生活实例。"}),
			"【课堂探究】", "任务一：独立思考，写下你的想法。", "任务二：小组交流，整理出小组的结论。",
			"【达标检测】", "完成下面的练习，同桌互评。")
	case "分层作业":
		lines = append(lines, "A组（基础巩固）", fmt.Sprintf("1. 用自己的话说一说%s的主要内容。", t.topic),
			"2. 完成课本练习。", "B组（能力提升）", pick(r, []string{"3. 联系生活实际，举例说明。", "3. 比较本课与上一课的异同。"}),
			"C组（拓展探究）", pick(r, []string{"4. 设计一个小调查并写出结论。", "4. 查阅资料，写一篇学习小报告。"}),
			"作业时间：约20分钟。")
	default:
		plan := demoPlan(r, t)
		lines = append(lines, "教学目标", plan["objectives"], "教学重难点", plan["key_points"], "教学过程", plan["process"])
	}
	return lines
}

package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The small demo's teaching resources: about forty lesson plans, teaching
// cases, reflections and links across subjects and grades, written by the
// teachers of the first schools (the fixed teacher logins among them), with
// lesson plans in the structured template and several revisions each, so
// that search (try 课例, 分数 or 教学设计), the facets, the history and the
// diff have something to show; one is featured in its school's collection
// (精品资源) through an approved recommendation.
//
// These forty have no uploaded files. The district scale gets a generated
// library of a few thousand instead, files included (library.go).

// rngResources is the random source of the demo resources.
const rngResources uint64 = 400

// demoTopic is one lesson a resource is about.
type demoTopic struct {
	subject, grade, edition, chapter, topic string
	tags                                    []string
}

var demoTopics = []demoTopic{
	{"math", "g3", "人教版", "第八单元 分数的初步认识", "分数的初步认识", []string{"课例", "分数"}},
	{"math", "g5", "人教版", "第四单元 分数的意义和性质", "分数的基本性质", []string{"分数", "大单元"}},
	{"math", "g4", "北师大版", "第二单元 线与角", "角的度量", []string{"课例", "操作活动"}},
	{"math", "g7", "人教版", "第三章 一元一次方程", "解一元一次方程", []string{"方程", "课例"}},
	{"math", "g8", "人教版", "第十四章 整式的乘法与因式分解", "平方差公式", []string{"公式推导"}},
	{"chinese", "g2", "统编版", "第一单元", "小蝌蚪找妈妈", []string{"阅读教学", "课例"}},
	{"chinese", "g4", "统编版", "第二单元", "蝙蝠和雷达", []string{"阅读教学", "提问策略"}},
	{"chinese", "g6", "统编版", "第一单元", "草原", []string{"大单元", "朗读"}},
	{"chinese", "g8", "统编版", "第三单元", "桃花源记", []string{"文言文", "课例"}},
	{"english", "g4", "人教版", "Unit 3", "My friends", []string{"情境教学"}},
	{"english", "g7", "人教版", "Unit 5", "Do you have a soccer ball?", []string{"任务型教学", "课例"}},
	{"physics", "g8", "人教版", "第六章 质量与密度", "密度", []string{"实验探究"}},
	{"chemistry", "g9", "人教版", "第五单元 化学方程式", "质量守恒定律", []string{"实验探究", "课例"}},
	{"biology", "g7", "人教版", "第二单元 生物体的结构层次", "植物细胞", []string{"显微镜", "实验"}},
	{"history", "g8", "统编版", "第一单元 中国开始沦为半殖民地半封建社会", "鸦片战争", []string{"史料教学"}},
	{"geography", "g7", "人教版", "第一章 地球和地图", "地球的运动", []string{"模型演示"}},
	{"science", "g5", "教科版", "第四单元 热", "热是怎样传递的", []string{"实验探究", "课例"}},
	{"morality_law", "g7", "统编版", "第二单元 友谊的天空", "深深浅浅话友谊", []string{"议题式教学"}},
	{"music", "g3", "人音版", "第三单元", "欢乐的小鼓手", []string{"节奏"}},
	{"fine_arts", "g4", "人美版", "第五课", "有趣的汉字", []string{"创意设计"}},
}

// demoPlan is the text of one lesson plan in the template's sections.
func demoPlan(r *rand.Rand, t demoTopic) map[string]string {
	subject := subjectZH[t.subject]
	if subject == "" {
		subject = "学科"
	}
	steps := []string{
		"一、情境导入（5分钟）\n结合学生生活经验创设情境，引出课题《" + t.topic + "》。",
		"二、自主探究（12分钟）\n学生独立思考，完成学习单第1题；教师巡视，收集典型做法。",
		"三、合作交流（10分钟）\n四人小组交流各自的想法，每组推选一名代表汇报，其他小组补充质疑。",
		"四、巩固练习（8分钟）\n分层练习：基础题全体完成，拓展题供学有余力的学生选做。",
		"五、课堂小结（5分钟）\n学生说一说本节课的收获，教师梳理知识结构。",
	}
	if r.IntN(2) == 0 {
		steps[2] = "三、实践操作（10分钟）\n学生动手操作、记录，教师引导学生用" + subject + "语言描述发现。"
	}
	return map[string]string{
		"objectives": fmt.Sprintf("1. 理解%s的基本内容，能用自己的话说明。\n2. 经历观察、操作、交流的过程，发展%s核心素养。\n3. 感受%s与生活的联系，激发学习兴趣。",
			t.topic, subject, subject),
		"key_points":   fmt.Sprintf("重点：%s的核心概念。\n难点：在新的情境中灵活运用%s解决问题。", t.topic, t.topic),
		"process":      strings.Join(steps, "\n"),
		"board_design": fmt.Sprintf("%s\n—— 概念 —— 方法 —— 应用", t.topic),
		"reflection": pick(r, []string{
			"学生在合作交流环节参与积极，但汇报时间偏长，练习时间不足，下次应控制小组汇报的节奏。",
			"导入情境贴近学生生活，效果较好；个别学生对难点理解仍有困难，课后需要个别辅导。",
			"本课采用课例研讨中同伴提出的建议，调整了探究任务的顺序，学生思路更清晰。",
		}),
	}
}

// demoCase is the text of a teaching case or a reflection.
func demoCase(r *rand.Rand, t demoTopic, d resource.DocType) map[string]string {
	if d == resource.Reflection {
		return map[string]string{"body": fmt.Sprintf("上完《%s》这节课，我最大的体会是：%s\n\n课堂上%s。今后我会在教研组里继续打磨这节课。",
			t.topic, pick(r, []string{"要把思考的时间真正还给学生。", "问题设计要有梯度。", "评价要贯穿课堂始终。"}),
			pick(r, []string{"有几个平时不爱发言的学生主动举手", "小组合作出现了“一人包办”的现象", "学生提出了我没有预设到的问题"}))}
	}
	return map[string]string{"body": fmt.Sprintf("【案例背景】本校%s教研组围绕《%s》开展课例研修，经历了“一人同课多轮、多人同课循环”的磨课过程。\n\n"+
		"【案例描述】第一次试教时，学生对核心问题理解不到位；研讨后我们重新设计了学习任务，第二次试教效果明显改善。\n\n"+
		"【案例反思】%s", subjectZH[t.subject], t.topic,
		pick(r, []string{"课例研修让教研从“听评课”走向“基于证据的改进”。", "同伴互助和专家引领缺一不可。"}))}
}

// writeResources writes the small demo's resources with their revisions,
// search index and one approved recommendation, and keeps their events for
// the stream; it runs before the events are written.
func (w *world) writeResources(ctx context.Context, q *store.Q, res *Result) error {
	if w.opts.Scale != Small {
		return nil
	}
	var authors []*person
	var featuredBy, reviewer *person
	for _, p := range w.people {
		switch {
		case p.fixed == "teacher":
			featuredBy = p
			authors = append([]*person{p}, authors...)
		case p.fixed == "school":
			reviewer = p
		case p.user.Role == account.Teacher && p.school >= 0 && p.school < 3:
			authors = append(authors, p)
		}
	}
	if len(authors) == 0 {
		return nil
	}
	r := w.rng(rngResources, 0)
	// The events join the library's in the year's stream (library_write.go).
	record := func(p *person, at time.Time, verb event.Verb, rs *resource.Resource, details map[string]any) error {
		details["title"], details["visibility"] = rs.Title, rs.Visibility
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		w.libEvents = append(w.libEvents, event.Event{At: at, ActorID: p.user.ID, Verb: verb, ObjectType: "resource",
			ObjectID: rs.ID, SpaceID: rs.SpaceID, InstitutionID: w.schools[p.school].space.ID, Context: string(b)})
		return nil
	}
	var featured *resource.Resource
	const n = 40
	for i := range n {
		t := demoTopics[i%len(demoTopics)]
		author := authors[0]
		if i%3 != 0 {
			author = authors[r.IntN(len(authors))]
		}
		at := w.opts.Now.AddDate(0, 0, -1-r.IntN(200)).Truncate(time.Minute).Add(-time.Duration(r.IntN(600)) * time.Minute)
		rs := &resource.Resource{SpaceID: author.user.PersonalSpaceID, OwnerID: author.user.ID,
			Meta: resource.Meta{Subject: t.subject, Grade: t.grade, Edition: t.edition, Chapter: t.chapter, Tags: t.tags,
				Licence: resource.CCBYNCSA},
			Visibility: resource.VisPublic, InstPath: w.schools[author.school].space.Path, CreatedAt: at, UpdatedAt: at}
		if i%4 == 1 {
			rs.Visibility = resource.VisInstitution
		}
		var texts map[string]string
		switch {
		case i%5 == 3:
			rs.Kind, rs.Type = resource.Link, pick(r, []resource.Type{resource.TypeMicroLesson, resource.TypeLessonRecord})
			rs.Title = t.topic + pick(r, []string{" 微课视频", " 课堂实录", " 名师示范课"})
			rs.Description = "国家中小学智慧教育平台上的优质资源，可用于课前预习或课后复习。"
			rs.URL = "https://basic.smartedu.cn/syncClassroom?q=" + fmt.Sprint(i+1)
		case i%7 == 5:
			rs.Kind, rs.DocType = resource.Document, pick(r, []resource.DocType{resource.TeachingCase, resource.Reflection})
			rs.Type = rs.DocType.DefaultType()
			rs.Title = t.topic + map[resource.DocType]string{resource.TeachingCase: " 课例研修案例", resource.Reflection: " 教学反思"}[rs.DocType]
			texts = demoCase(r, t, rs.DocType)
		default:
			rs.Kind, rs.DocType, rs.Type = resource.Document, resource.LessonPlan, resource.TypeLessonPlan
			rs.Title = "《" + t.topic + "》教学设计"
			rs.Description = fmt.Sprintf("%s%s%s，含教学目标、重难点、教学过程、板书设计和课后反思。", t.edition, t.chapter, t.topic)
			texts = demoPlan(r, t)
		}
		if err := q.CreateResource(ctx, rs); err != nil {
			return fmt.Errorf("demo resource %q: %w", rs.Title, err)
		}
		if err := record(author, at, event.Created, rs, map[string]any{"kind": rs.Kind}); err != nil {
			return err
		}
		body := ""
		if rs.Kind == resource.Document {
			var baseID int64
			revs := 1
			if rs.DocType == resource.LessonPlan {
				revs += r.IntN(3)
			}
			for k := range revs {
				if k > 0 { // a later revision refines the process and the reflection
					texts["process"] += fmt.Sprintf("\n（第%d次修改：根据教研组意见调整了时间分配。）", k+1)
					texts["reflection"] = "修改后：" + texts["reflection"]
					at = at.Add(time.Duration(1+r.IntN(72)) * time.Hour)
				}
				b, err := resource.NewBody(rs.DocType, texts)
				if err != nil {
					return fmt.Errorf("demo document %q: %w", rs.Title, err)
				}
				rev := &resource.Revision{ResourceID: rs.ID, AuthorID: author.user.ID, BaseID: baseID, Title: rs.Title, Body: b,
					CreatedAt: at}
				if k > 0 {
					rev.Note = "根据教研组意见修改"
				}
				if err := q.SaveRevision(ctx, rev); err != nil {
					return fmt.Errorf("demo revision of %q: %w", rs.Title, err)
				}
				baseID, rs.RevisionID, body = rev.ID, rev.ID, b.PlainText()
				if k > 0 {
					if err := record(author, at, verbResourceRevised, rs, map[string]any{"revision": rev.Number}); err != nil {
						return err
					}
				}
			}
		}
		if err := q.SetResourceText(ctx, rs.ID, body, at.UnixMilli()); err != nil {
			return err
		}
		doc := resource.IndexDoc{Title: rs.Title, Meta: resource.MetaText(rs), Body: body}
		if err := q.IndexResource(ctx, rs.ID, doc.Fields(), at.UnixMilli()); err != nil {
			return err
		}
		if featured == nil && author == featuredBy && rs.DocType == resource.LessonPlan {
			featured = rs
		}
	}
	if featured != nil && reviewer != nil && reviewer.school == featuredBy.school {
		inst := w.schools[featuredBy.school].space
		at := featured.UpdatedAt.Add(26 * time.Hour)
		rev := &store.ResourceReview{ResourceID: featured.ID, InstitutionID: inst.ID, RecommendedBy: featuredBy.user.ID,
			Note: "本课经过教研组三轮磨课，结构清晰，推荐校内共享。", CreatedAt: at}
		if err := q.CreateReview(ctx, rev); err != nil {
			return err
		}
		if err := record(featuredBy, at, verbResourceRecommended, featured, map[string]any{"review_id": rev.ID, "institution_id": inst.ID}); err != nil {
			return err
		}
		at = at.Add(20 * time.Hour)
		if err := q.DecideReview(ctx, rev, store.ReviewApproved, reviewer.user.ID, "设计完整，同意收入本校精品资源。", at); err != nil {
			return err
		}
		if err := record(reviewer, at, verbResourceFeatured, featured, map[string]any{"review_id": rev.ID, "institution_id": inst.ID}); err != nil {
			return err
		}
	}
	res.Resources += n
	w.log("resources: %d", n)
	return nil
}

// The service's resource verbs (kept equal by TestResourceVerbsMatchService).
const (
	verbResourceRevised     event.Verb = "revised"
	verbResourceRecommended event.Verb = "recommended"
	verbResourceFeatured    event.Verb = "featured"
)

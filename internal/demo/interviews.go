package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The small demo's interview research: the district's expert (教研员) runs
// a study of how teachers take part in training communities, with the
// facilitator as co-researcher. There is an interview guide, eight short
// interviews with pseudonymous teachers of different genders, years of
// teaching, titles and school locations, a two-level code book, and the
// coded passages, so the coding view, the code book and the frequency
// tables have something to show. Transcripts are assembled from answer
// fragments, each of which knows the passages it contains and their codes,
// so the coding is exact by construction.

// rngInterviews is the random source of the interview study.
const rngInterviews uint64 = 300

// demoCode is one code of the demo's code book.
type demoCode struct {
	name, parent, definition, example string
}

var demoCodeBook = []demoCode{
	{"专业成长", "", "教师在教学观念、能力或习惯上因参与共同体而发生的变化。", ""},
	{"教学反思", "专业成长", "教师回顾、审视自己的课堂并据此调整教学。", "看完别人的课我会回头想自己的课哪里可以改。"},
	{"同伴互助", "专业成长", "共同体成员之间的相互帮助、建议与支持。", "大家会给我提很具体的修改意见。"},
	{"专家引领", "专业成长", "教研员或专家的示范、点评与指导。", "专家每个月会来点评一次我们的课。"},
	{"参与障碍", "", "妨碍教师参与共同体活动的因素。", ""},
	{"工作负担", "参与障碍", "教学、班主任工作等占用时间精力，影响参与。", "晚上还要参加线上活动，确实很累。"},
	{"技术困难", "参与障碍", "网络、设备或平台操作方面的困难。", "视频研讨经常卡。"},
	{"参与动机", "", "教师参加共同体的原因。", ""},
	{"内在兴趣", "参与动机", "出于自身发展需要或兴趣主动参与。", ""},
	{"外部要求", "参与动机", "因学校安排、职称评定等外部因素参与。", ""},
	{"改进建议", "", "受访者对共同体今后活动的建议。", ""},
}

// demoAnswer is an answer fragment; {braces} mark a coded passage, and
// codes lists the codes of the passages in order.
type demoAnswer struct {
	text  string
	codes []string
	rural bool // likelier from a village or town school
}

// demoQuestion is a question of the guide with its probes and the answers
// interviewees give.
type demoQuestion struct {
	text    string
	probes  []string
	answers []demoAnswer
}

var demoGuide = []demoQuestion{
	{"您参加研修共同体有多长时间了？最初是怎么加入的？", []string{"是自己报名还是学校安排的？"}, []demoAnswer{
		{"我是前年秋天加入的，当时是学校统一报名的，{说实话一开始是因为学校要求}。", []string{"外部要求"}, false},
		{"加入有一年多了。{我自己一直想找机会和别的学校的老师交流}，看到通知就报了名。", []string{"内在兴趣"}, false},
		{"两年了。{教研组长推荐我参加，说对评职称也有帮助}。", []string{"外部要求"}, true},
		{"刚参加一个学期。{我是新老师，特别想多学点上课的办法}。", []string{"内在兴趣"}, false},
	}},
	{"在共同体里，您最常参与哪些活动？", []string{"能举一个印象深的例子吗？"}, []demoAnswer{
		{"主要是线上的集体备课和课例研讨。{每次磨课大家都会给我提很具体的修改意见}，收获挺大的。", []string{"同伴互助"}, false},
		{"我比较喜欢看别人的课堂实录，然后在讨论区留言。{看完别人的课我会回头想自己的课哪里可以改}。", []string{"教学反思"}, false},
		{"{专家每个月会来点评一次我们的课}，那是我最期待的。", []string{"专家引领"}, true},
	}},
	{"参加共同体以后，您觉得自己在哪些方面有变化？", []string{"这些变化在课堂上有什么体现？"}, []demoAnswer{
		{"{我现在上完课会写研修日志，把学生的反应记下来}，慢慢形成了习惯。", []string{"教学反思"}, false},
		{"{以前遇到难题只能自己琢磨，现在在群里一问，总有人回应}。", []string{"同伴互助"}, true},
		{"{教研员帮我们把大单元设计的思路理清楚了}，我上课心里更有底了。", []string{"专家引领"}, false},
	}},
	{"参与过程中遇到过哪些困难？", []string{"您是怎么克服的？", "学校提供了哪些支持？"}, []demoAnswer{
		{"{最大的问题是时间，白天上课、改作业，晚上还要参加线上活动，确实很累}。", []string{"工作负担"}, false},
		{"{学校的网络有时候不稳定，视频研讨经常卡}，只好用手机流量。", []string{"技术困难"}, true},
		{"{平台的功能一开始不太会用，上传课件也弄了好久}。", []string{"技术困难"}, true},
		{"{班主任的事情太多了，有时候只能挂着不发言}。", []string{"工作负担"}, false},
	}},
	{"您对共同体今后的活动有什么建议？", nil, []demoAnswer{
		{"{希望活动能安排在教研时间里，不要占用晚上}。", []string{"改进建议"}, false},
		{"{建议多一些同学科、同学段的小组，讨论更有针对性}。", []string{"改进建议"}, false},
		{"{希望专家能多到我们乡村学校来听课}，{现场指导比看视频管用多了}。", []string{"改进建议", "专家引领"}, true},
	}},
}

// demoInterviewee is one pseudonymous teacher interviewed.
type demoInterviewee struct {
	pseudonym, gender, band, title, location, subject, stage string
}

var demoInterviewees = []demoInterviewee{
	{"教师A", "female", "6_10", "first", "rural", "chinese", "小学"},
	{"教师B", "male", "0_5", "second", "urban", "math", "初中"},
	{"教师C", "female", "11_20", "senior", "town", "english", "初中"},
	{"教师D", "female", "0_5", "unrated", "rural", "math", "小学"},
	{"教师E", "male", "21_plus", "senior", "urban", "physics", "初中"},
	{"教师F", "female", "6_10", "first", "town", "chinese", "小学"},
	{"教师G", "male", "11_20", "first", "rural", "pe", "小学"},
	{"教师H", "female", "0_5", "second", "urban", "chinese", "小学"},
}

// demoPassage is a coded passage of a generated transcript.
type demoPassage struct {
	start, end int
	quote      string
	code       string
}

// demoTranscript builds one interview from the guide: every question, and
// one answer to it (a village or town teacher leans to the answers marked
// rural), returning the text and its coded passages.
func demoTranscript(r *rand.Rand, rural bool) (string, []demoPassage) {
	var b strings.Builder
	var passages []demoPassage
	n := 0 // code points written
	write := func(s string) {
		b.WriteString(s)
		n += interview.Len(s)
	}
	for i, q := range demoGuide {
		if i > 0 {
			write("\n")
		}
		write("问：" + q.text + "\n答：")
		a := q.answers[r.IntN(len(q.answers))]
		if rural && !a.rural && r.IntN(2) == 0 {
			a = q.answers[r.IntN(len(q.answers))]
		}
		rest, k := a.text, 0
		for rest != "" {
			open := strings.IndexByte(rest, '{')
			if open < 0 {
				write(rest)
				break
			}
			write(rest[:open])
			end := strings.IndexByte(rest, '}')
			quote := rest[open+1 : end]
			passages = append(passages, demoPassage{start: n, end: n + interview.Len(quote), quote: quote, code: a.codes[k]})
			write(quote)
			k++
			rest = rest[end+1:]
		}
	}
	return b.String(), passages
}

// writeInterviews writes the demo's interview study and its events, and
// adds the events to res. Only the small demo has one.
func (w *world) writeInterviews(ctx context.Context, q *store.Q, res *Result) error {
	if w.opts.Scale != Small {
		return nil
	}
	var owner, coder *person
	for _, p := range w.people {
		switch p.fixed {
		case "expert":
			owner = p
		case "facilitator":
			coder = p
		}
	}
	if owner == nil || coder == nil {
		return nil
	}
	r := w.rng(rngInterviews, 0)
	at := w.opts.Now.AddDate(0, 0, -60).Truncate(time.Hour).Add(10 * time.Hour)
	events := 0
	p := &interview.Project{OwnerID: owner.user.ID, InstitutionID: owner.user.InstitutionID, Title: "研修共同体参与体验访谈研究",
		Description: "了解教师参与区域研修共同体的动机、收获与困难，为改进共同体活动提供依据。\n\n半结构化访谈，目的抽样八位不同教龄、职称和学校所在地的教师，每人约二十分钟。",
		CreatedAt:   at, UpdatedAt: at}
	record := func(actor *person, verb event.Verb, obj string, id int64, details map[string]any) error {
		at = at.Add(time.Duration(5+r.IntN(40)) * time.Minute)
		if obj != "interview_project" {
			details["project_id"] = p.ID
		}
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		events++
		p.UpdatedAt = at
		return q.AppendEvent(ctx, &event.Event{At: at, ActorID: actor.user.ID, Verb: verb, ObjectType: obj, ObjectID: id,
			InstitutionID: p.InstitutionID, Context: string(b)})
	}
	if err := q.CreateInterviewProject(ctx, p); err != nil {
		return err
	}
	if err := q.AddInterviewMember(ctx, p.ID, owner.user.ID, interview.RoleOwner, at.UnixMilli()); err != nil {
		return err
	}
	if err := record(owner, event.Created, "interview_project", p.ID, map[string]any{"title": p.Title}); err != nil {
		return err
	}
	if err := q.AddInterviewMember(ctx, p.ID, coder.user.ID, interview.RoleCoder, at.UnixMilli()); err != nil {
		return err
	}
	if err := record(owner, "member_added", "interview_project", p.ID, map[string]any{"member": coder.user.ID, "title": p.Title}); err != nil {
		return err
	}
	o := &interview.Outline{ProjectID: p.ID, Title: "教师访谈提纲",
		Intro:     "您好！这次访谈想了解您参加研修共同体的经历和感受。访谈大约二十分钟，会录音，内容只用于研究，文中一律使用化名。",
		CreatedBy: owner.user.ID, CreatedAt: at, UpdatedAt: at}
	for _, dq := range demoGuide {
		o.Questions = append(o.Questions, interview.Question{Text: dq.text, Probes: dq.probes})
	}
	if err := q.CreateInterviewOutline(ctx, o); err != nil {
		return err
	}
	if err := record(owner, event.Created, "interview_outline", o.ID, map[string]any{"title": o.Title}); err != nil {
		return err
	}
	codes := map[string]*interview.Code{}
	for _, dc := range demoCodeBook {
		c := &interview.Code{ProjectID: p.ID, Name: dc.name, Definition: dc.definition, Example: dc.example, CreatedBy: owner.user.ID,
			CreatedAt: at, UpdatedAt: at}
		if dc.parent != "" {
			c.ParentID = codes[dc.parent].ID
		}
		if err := q.CreateInterviewCode(ctx, c); err != nil {
			return err
		}
		codes[dc.name] = c
		if err := record(owner, event.Created, "interview_code", c.ID, map[string]any{"name": c.Name}); err != nil {
			return err
		}
	}
	segments := 0
	for i, iv := range demoInterviewees {
		by := owner
		if i >= len(demoInterviewees)/2 {
			by = coder
		}
		at = at.Add(time.Duration(3+r.IntN(4)) * 24 * time.Hour)
		day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
		text, passages := demoTranscript(w.rng(rngInterviews, uint64(i+1)), iv.location != "urban")
		rec := &interview.Record{ProjectID: p.ID, OutlineID: o.ID, Pseudonym: iv.pseudonym, Gender: iv.gender, YearsBand: iv.band,
			Title: iv.title, Location: iv.location, Subject: iv.subject, Attributes: []interview.Attr{{Name: "学段", Value: iv.stage}},
			InterviewedOn: &day, Interviewer: by.user.DisplayName, Transcript: text, CreatedBy: by.user.ID, CreatedAt: at, UpdatedAt: at}
		if err := q.CreateInterviewRecord(ctx, rec); err != nil {
			return err
		}
		if err := record(by, event.Created, "interview_record", rec.ID, map[string]any{"name": rec.Pseudonym, "audio": false}); err != nil {
			return err
		}
		for _, ps := range passages {
			if got, ok := interview.Slice(text, ps.start, ps.end); !ok || got != ps.quote {
				return fmt.Errorf("demo interview %s: passage %q at %d is %q", iv.pseudonym, ps.quote, ps.start, got)
			}
			c := codes[ps.code]
			s := &interview.Segment{ProjectID: p.ID, RecordID: rec.ID, CodeID: c.ID, Start: ps.start, End: ps.end, Quote: ps.quote,
				CoderID: by.user.ID, CreatedAt: at, UpdatedAt: at}
			if err := q.CreateInterviewSegment(ctx, s); err != nil {
				return err
			}
			segments++
			if err := record(by, event.Created, "interview_segment", s.ID, map[string]any{"record_id": rec.ID, "code_id": c.ID,
				"name": c.Name}); err != nil {
				return err
			}
		}
	}
	if err := q.TouchInterviewProject(ctx, p.ID, p.UpdatedAt.UnixMilli()); err != nil {
		return err
	}
	res.Events += events
	w.log("interview research: %d interviews, %d codes, %d coded segments", len(demoInterviewees), len(codes), segments)
	return nil
}

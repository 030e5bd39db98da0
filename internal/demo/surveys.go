package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// The demo questionnaire: the district training centre's "teacher training
// community questionnaire" (from the template library), named, distributed
// to the first district and answered by part of its teachers, so the
// results pages, the statistics and the exports have data at once. The
// answers are generated from a latent attitude per teacher (higher for
// those who use the platform more, a little lower for veterans), so that
// dimension scores correlate, reliability is plausible and the group
// comparisons find something. The demo logins have not answered, so they
// can try the form. At the district scale the questionnaire is closed with
// a few thousand responses, as a finished survey looks.

// rngSurvey is the random source's purpose for the questionnaire.
const rngSurvey uint64 = 0x5355

// surveyRespondents caps the responses of the demo questionnaire.
const surveyRespondents = 3000

// writeSurveys writes the demo questionnaire and its responses.
func (w *world) writeSurveys(ctx context.Context, q *store.Q) error {
	n, err := w.writeSurvey(ctx, q)
	if err != nil {
		return err
	}
	w.log("survey responses: %d", n)
	return nil
}

func (w *world) writeSurvey(ctx context.Context, q *store.Q) (int, error) {
	var owner *person
	for _, p := range w.people {
		if p.fixed == "district" {
			owner = p
			break
		}
	}
	if owner == nil || len(w.districts) == 0 {
		return 0, nil
	}
	tpl, _ := survey.TemplateByKey(survey.TemplateCommunity)
	def := tpl.Definition()
	now := w.opts.Now
	opened := now.Add(-21 * 24 * time.Hour)
	closes := now.Add(14 * 24 * time.Hour)
	status := survey.Open
	if w.opts.Scale == District {
		status, closes = survey.Closed, now.Add(-24*time.Hour)
	}
	sv := &survey.Survey{OwnerID: owner.user.ID, InstitutionID: owner.user.InstitutionID, Title: tpl.Title + "（" + w.districts[0].name.short + "）",
		Description: tpl.Description, Definition: def, Status: status, OpensAt: &opened, ClosesAt: &closes,
		Template: tpl.Key, CreatedAt: opened.Add(-2 * 24 * time.Hour), UpdatedAt: opened}
	if err := q.CreateSurvey(ctx, sv); err != nil {
		return 0, fmt.Errorf("demo survey: %w", err)
	}
	err := q.AddSurveyDistribution(ctx, &survey.Distribution{SurveyID: sv.ID, Kind: survey.TargetInstitution,
		TargetID: w.districts[0].space.ID, CreatedBy: owner.user.ID, CreatedAt: opened})
	if err != nil {
		return 0, fmt.Errorf("demo survey distribution: %w", err)
	}
	r := w.rng(rngSurvey, 0)
	n := 0
	for _, si := range w.districts[0].schools {
		sc := w.schools[si]
		for _, pi := range sc.staff {
			p := w.people[pi]
			if p.fixed != "" || p.user.Role != account.Teacher || r.Float64() > 0.6 || n >= surveyRespondents {
				continue
			}
			a := w.surveyAnswers(r, def, p, sc.space.Location)
			end := now
			if closes.Before(end) {
				end = closes
			}
			at := opened.Add(time.Duration(r.Float64() * float64(end.Sub(opened))))
			if _, err := q.SubmitSurveyResponse(ctx, sv, p.user.ID, "", a, p.user.InstitutionID, at); err != nil {
				return 0, fmt.Errorf("demo survey response: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// surveyAnswers answers the community questionnaire as teacher p would.
func (w *world) surveyAnswers(r *rand.Rand, d *survey.Definition, p *person, location string) survey.Answers {
	u := p.user
	a := survey.Prefill(d, survey.Profile{Gender: u.Gender, Years: u.YearsOfTeaching, Title: u.Title, Subjects: u.Subjects,
		GradeBand: u.GradeBand, Location: location})
	// The latent attitude: platform users think better of the communities.
	latent := 3.1 + 0.9*math.Min(p.weight, 1.5) + r.NormFloat64()*0.55
	if u.YearsOfTeaching != nil && *u.YearsOfTeaching > 20 {
		latent -= 0.3
	}
	dimShift := map[string]float64{}
	for _, dm := range d.Dimensions {
		dimShift[dm.Key] = r.NormFloat64() * 0.35
	}
	pick := func(it *survey.Item) int { return it.Options[r.IntN(len(it.Options))].Value }
	for _, it := range d.Items() {
		if _, done := a[it.ID]; done {
			continue
		}
		switch it.Kind {
		case survey.Demographic:
			a[it.ID] = survey.Answer{Choice: pick(it)}
		case survey.Likert:
			v := latent + dimShift[it.Dimension] + r.NormFloat64()*0.6
			code := int(math.Round(math.Max(1, math.Min(float64(it.Scale), v))))
			if it.Reverse {
				code = survey.Reversed(code, it.Scale)
			}
			a[it.ID] = survey.Answer{Choice: code}
		case survey.Single:
			a[it.ID] = survey.Answer{Choice: pick(it)}
		case survey.Multiple:
			var cs []int
			for _, o := range it.Options {
				if r.Float64() < 0.25+0.1*latent/5 {
					cs = append(cs, o.Value)
				}
			}
			if len(cs) == 0 {
				cs = []int{pick(it)}
			}
			a[it.ID] = survey.Answer{Choices: cs}
		case survey.Matrix:
			rows := map[string]int{}
			for _, row := range it.Rows {
				v := int(math.Round(math.Max(1, math.Min(float64(len(it.Options)), latent-0.5+r.NormFloat64()))))
				rows[row.ID] = it.Options[v-1].Value
			}
			a[it.ID] = survey.Answer{Rows: rows}
		case survey.Number:
			a[it.ID] = survey.Answer{Number: fmt.Sprint(int(math.Max(0, 4+6*latent/5+r.NormFloat64()*4)))}
		case survey.Text:
			if r.IntN(6) == 0 {
				a[it.ID] = survey.Answer{Text: surveySuggestions[r.IntN(len(surveySuggestions))]}
			}
		}
	}
	// Only what the form would have shown and accepted is kept.
	clean, err := survey.Check(d, a, false)
	if err != nil {
		return a
	}
	return clean
}

var surveySuggestions = []string{
	"希望多组织跨校的同课异构活动。",
	"研修任务可以再少一些，留出时间深入讨论。",
	"希望专家能更及时地点评我们的教学设计。",
	"建议把优秀的研修成果整理成资源包，方便大家使用。",
	"平台在手机上用起来还不够方便。",
	"希望学校在排课时给研修留出固定时间。",
	"多一些课堂实录的分析，少一些纯理论讲座。",
}

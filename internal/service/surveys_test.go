package service_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// surveyWorld adds a district facilitator to the world.
type surveyWorld struct {
	*world
	facilitator *account.User
}

func newSurveyWorld(t *testing.T, db *store.DB) *surveyWorld {
	t.Helper()
	w := &surveyWorld{world: newWorld(t, db)}
	var err error
	w.facilitator, err = w.svc.CreateUser(context.Background(), nil, service.NewUser{Username: "facil", Password: pw,
		Role: account.Facilitator, InstitutionID: w.district.ID})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *surveyWorld) newSurvey(t *testing.T, by *account.User, tpl string, anonymous bool) *survey.Survey {
	t.Helper()
	sv, err := w.svc.CreateSurvey(context.Background(), by, survey.Settings{Anonymous: anonymous}, tpl, "")
	if err != nil {
		t.Fatalf("create survey: %v", err)
	}
	return sv
}

// answersFor fills every required visible item of a definition with a
// deterministic answer that varies with k.
func answersFor(d *survey.Definition, k int) survey.Answers {
	a := survey.Answers{}
	for _, it := range d.Items() {
		switch it.Kind {
		case survey.Single, survey.Demographic:
			a[it.ID] = survey.Answer{Choice: it.Options[k%len(it.Options)].Value}
		case survey.Multiple:
			a[it.ID] = survey.Answer{Choices: []int{it.Options[k%len(it.Options)].Value}}
		case survey.Likert:
			a[it.ID] = survey.Answer{Choice: 1 + (k*7+len(it.ID))%it.Scale}
		case survey.Matrix:
			rows := map[string]int{}
			for i, r := range it.Rows {
				rows[r.ID] = it.Options[(k+i)%len(it.Options)].Value
			}
			a[it.ID] = survey.Answer{Rows: rows}
		case survey.Number:
			a[it.ID] = survey.Answer{Number: fmt.Sprintf("%d.5", k%40)}
		case survey.Text:
			if k%3 == 0 {
				a[it.ID] = survey.Answer{Text: fmt.Sprintf("建议 %d", k)}
			}
		}
	}
	clean, _ := survey.Check(d, a, false)
	return clean
}

func TestSurveyPermissionsAndBuilder(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		_, err := w.svc.CreateSurvey(ctx, w.teacher, survey.Settings{Title: "x"}, "", "")
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateSurvey(ctx, w.facilitator, survey.Settings{Title: ""}, "", "")
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.CreateSurvey(ctx, w.facilitator, survey.Settings{}, "no-such-template", "")
		wantCode(t, err, apperr.Invalid)
		sv, err := w.svc.CreateSurvey(ctx, w.schoolAdm, survey.Settings{Title: "校本研修需求"}, "", "第一部分")
		if err != nil || sv.Status != survey.Draft || sv.Definition.Sections[0].Title != "第一部分" {
			t.Fatalf("blank survey: %+v %v", sv, err)
		}
		// Managers: the owner and administrators above its institution.
		_, err = w.svc.ManagedSurvey(ctx, w.stranger, sv.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.ManagedSurvey(ctx, w.facilitator, sv.ID)
		wantCode(t, err, apperr.NotFound)
		if _, err := w.svc.ManagedSurvey(ctx, w.districtAdm, sv.ID); err != nil {
			t.Fatalf("district admin manages a school's survey: %v", err)
		}
		// Building: add, edit with field errors, reorder.
		sec := sv.Definition.Sections[0].ID
		var q1, q2 string
		sv, err = w.svc.EditSurvey(ctx, w.schoolAdm, sv.ID, func(d *survey.Definition) error {
			if q1, err = d.AddItem(sec, survey.Single, "您是否参加过校本研修？"); err != nil {
				return err
			}
			q2, err = d.AddItem(sec, survey.Text, "原因")
			return err
		})
		if err != nil || len(sv.Definition.Items()) != 2 {
			t.Fatalf("add items: %v", err)
		}
		_, err = w.svc.EditSurvey(ctx, w.teacher, sv.ID, func(d *survey.Definition) error { return nil })
		wantCode(t, err, apperr.NotFound)
		_, err = w.svc.EditSurvey(ctx, w.schoolAdm, sv.ID, func(d *survey.Definition) error {
			it, _ := d.Item(q2)
			edited := *it
			edited.ShowIf = &survey.Condition{Item: q1, Values: []int{42}}
			return d.ReplaceItem(edited)
		})
		if e, ok := apperr.As(err); !ok || e.Fields["show_if_values"].Key != "form.invalid_choice" {
			t.Fatalf("bad condition: %v", err)
		}
		_, err = w.svc.EditSurvey(ctx, w.schoolAdm, sv.ID, func(d *survey.Definition) error {
			it, _ := d.Item(q2)
			edited := *it
			edited.ShowIf = &survey.Condition{Item: q1, Values: []int{2}}
			return d.ReplaceItem(edited)
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.EditSurvey(ctx, w.schoolAdm, sv.ID, func(d *survey.Definition) error { return d.MoveItem(q2, -1) })
		wantCode(t, err, apperr.Conflict)
		// Opening freezes the definition; settings stay editable except anonymity.
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.EditSurvey(ctx, w.schoolAdm, sv.ID, func(d *survey.Definition) error { return nil })
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: "新标题", Anonymous: true})
		wantCode(t, err, apperr.Invalid)
		if _, err := w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: "新标题"}); err != nil {
			t.Fatal(err)
		}
		err = w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open)
		wantCode(t, err, apperr.Conflict)
		err = w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, "archived")
		wantCode(t, err, apperr.Invalid)
		// Duplicating makes a fresh draft of the duplicator's.
		cp, err := w.svc.DuplicateSurvey(ctx, w.districtAdm, sv.ID, "新标题（副本）")
		if err != nil || cp.Status != survey.Draft || cp.OwnerID != w.districtAdm.ID || len(cp.Definition.Items()) != 2 || cp.ID == sv.ID {
			t.Fatalf("duplicate: %+v %v", cp, err)
		}
		mine, total, err := w.svc.SurveysToManage(ctx, w.schoolAdm, 20, 0)
		if err != nil || total != 1 || mine[0].Survey.ID != sv.ID {
			t.Fatalf("school admin's surveys: %v %d %v", mine, total, err)
		}
		if _, total, _ := w.svc.SurveysToManage(ctx, w.districtAdm, 20, 0); total != 2 {
			t.Fatalf("district admin manages %d surveys, want 2", total)
		}
		// Events for every change.
		evs, err := db.R().Events(ctx, store.EventFilter{ActorID: w.schoolAdm.ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		verbs := map[string]int{}
		for _, e := range evs {
			if e.ObjectType == service.ObjSurvey {
				verbs[string(e.Verb)]++
			}
		}
		if verbs["created"] != 1 || verbs["updated"] != 3 || verbs["survey_opened"] != 1 {
			t.Errorf("survey events %v", verbs)
		}
	})
}

func TestSurveyRespondingRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateTraining, false)
		// Distribution: only to what one administers or hosts.
		_, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.other.ID)
		wantCode(t, err, apperr.Forbidden)
		if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID)
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, "everyone", 0)
		wantCode(t, err, apperr.Invalid)
		c := newCommunity(t, &world{svc: w.svc}, w.facilitator, w.district.ID, community.Open, space.Public)
		_, err = w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetCommunity, c.Space.ID)
		wantCode(t, err, apperr.Forbidden)
		link, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetLink, 0)
		if err != nil || len(link) < 20 {
			t.Fatalf("link: %q %v", link, err)
		}
		// A draft questionnaire cannot be answered yet.
		_, err = w.svc.SurveyForRespondent(ctx, w.teacher, sv.ID, "", "")
		wantCode(t, err, apperr.NotFound)
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		d := sv.Definition
		// Not targeted: refused, unless with the link.
		_, err = w.svc.SurveyForRespondent(ctx, w.stranger, sv.ID, "", "")
		wantCode(t, err, apperr.Forbidden)
		err = w.svc.SubmitSurveyResponse(ctx, w.stranger, sv.ID, "", "", answersFor(d, 1))
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.SurveyForRespondent(ctx, w.stranger, sv.ID, "wrong-token", "")
		wantCode(t, err, apperr.Forbidden)
		if got, err := w.svc.SurveyByLink(ctx, w.stranger, link); err != nil || got.ID != sv.ID {
			t.Fatalf("by link: %v", err)
		}
		if err := w.svc.SubmitSurveyResponse(ctx, w.stranger, sv.ID, link, "", answersFor(d, 1)); err != nil {
			t.Fatalf("submit by link: %v", err)
		}
		// The group below the school is targeted; drafts resume.
		part := survey.Answers{d.Items()[0].ID: {Choice: 2}}
		if _, err := w.svc.SaveSurveyDraft(ctx, w.groupMember, sv.ID, "", "", part); err != nil {
			t.Fatal(err)
		}
		v, err := w.svc.SurveyForRespondent(ctx, w.groupMember, sv.ID, "", "")
		if err != nil || !v.HasDraft || v.Answers[d.Items()[0].ID].Choice != 2 || v.Answered {
			t.Fatalf("resume: %+v %v", v, err)
		}
		// Required items; then one response per person.
		err = w.svc.SubmitSurveyResponse(ctx, w.groupMember, sv.ID, "", "", part)
		wantCode(t, err, apperr.Invalid)
		if err := w.svc.SubmitSurveyResponse(ctx, w.groupMember, sv.ID, "", "", answersFor(d, 2)); err != nil {
			t.Fatal(err)
		}
		err = w.svc.SubmitSurveyResponse(ctx, w.groupMember, sv.ID, "", "", answersFor(d, 2))
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.SaveSurveyDraft(ctx, w.groupMember, sv.ID, "", "", part)
		wantCode(t, err, apperr.Conflict)
		if v, _ := w.svc.SurveyForRespondent(ctx, w.groupMember, sv.ID, "", ""); !v.Answered {
			t.Fatal("answered not reported")
		}
		todo, _, err := w.svc.SurveysToAnswer(ctx, w.teacher, 10, 0)
		if err != nil || len(todo) != 1 || todo[0].Answered {
			t.Fatalf("teacher's surveys to answer: %v %v", todo, err)
		}
		// Opening and closing times.
		now := *w.now
		later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
		if _, err := w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: sv.Title, OpensAt: &later}); err != nil {
			t.Fatal(err)
		}
		err = w.svc.SubmitSurveyResponse(ctx, w.teacher, sv.ID, "", "", answersFor(d, 3))
		wantCode(t, err, apperr.Conflict)
		if _, err := w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: sv.Title, ClosesAt: &earlier}); err != nil {
			t.Fatal(err)
		}
		err = w.svc.SubmitSurveyResponse(ctx, w.teacher, sv.ID, "", "", answersFor(d, 3))
		wantCode(t, err, apperr.Conflict)
		if _, err := w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: sv.Title}); err != nil {
			t.Fatal(err)
		}
		// Reminders reach the targeted who have not answered, once per interval.
		runner := &jobRunner{db: db, kind: service.JobSurveyReminders, handle: w.svc.SendSurveyReminders}
		if err := w.svc.RemindSurveyNonRespondents(ctx, w.schoolAdm, sv.ID); err != nil {
			t.Fatal(err)
		}
		err = w.svc.RemindSurveyNonRespondents(ctx, w.schoolAdm, sv.ID)
		wantCode(t, err, apperr.RateLimited)
		runner.run(t)
		runner.run(t) // running the jobs again reminds nobody twice
		for _, u := range []*account.User{w.teacher, w.colleague} {
			if n := len(inboxOf(t, w.svc, u, notify.SurveyReminder)); n != 1 {
				t.Errorf("%s has %d reminders, want 1", u.Username, n)
			}
		}
		// Not those who answered, nor those never asked, nor the sender.
		wantNone(t, w.svc, notify.SurveyReminder, w.groupMember, w.stranger, w.schoolAdm)
		n := wantOne(t, w.svc, w.teacher, notify.SurveyReminder)
		if n.URL != service.SurveyRespondURL(sv.ID) || n.Title != sv.Title {
			t.Errorf("reminder %+v", n)
		}
		// Closing refuses further answers.
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Closed); err != nil {
			t.Fatal(err)
		}
		err = w.svc.SubmitSurveyResponse(ctx, w.teacher, sv.ID, "", "", answersFor(d, 3))
		wantCode(t, err, apperr.Conflict)
		err = w.svc.RemindSurveyNonRespondents(ctx, w.schoolAdm, sv.ID)
		wantCode(t, err, apperr.Conflict)
		// Response rates: the school's three plus the group's member; the
		// stranger answered through the link.
		res, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		rates := map[string]store.InstitutionRate{}
		for _, r := range res.Rates {
			rates[r.Name] = r
		}
		if r := rates["实验小学"]; r.Eligible != 3 || r.Responded != 0 {
			t.Errorf("school rate %+v", r)
		}
		if r := rates["数学组"]; r.Eligible != 1 || r.Responded != 1 {
			t.Errorf("group rate %+v", r)
		}
		if r := rates["第二中学"]; r.Others != 1 {
			t.Errorf("link respondents %+v", r)
		}
		if res.Submitted != 2 || res.N != 2 {
			t.Errorf("counts %d %d", res.Submitted, res.N)
		}
		// Responses × variables is bounded in analyses and exports: a clear
		// refusal, not exhausted memory.
		vars := len(res.Variables)
		restore := service.SetMaxSurveyCells(2*vars - 1)
		defer restore()
		_, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{})
		wantCode(t, err, apperr.TooLarge)
		_, err = w.svc.ExportSurvey(ctx, w.schoolAdm, sv.ID)
		wantCode(t, err, apperr.TooLarge)
		service.SetMaxSurveyCells(2 * vars)
		if x, err := w.svc.ExportSurvey(ctx, w.schoolAdm, sv.ID); err != nil || len(x.Rows) != 2 {
			t.Fatalf("export at the cap: %v", err)
		}
		if _, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{}); err != nil {
			t.Fatalf("results at the cap: %v", err)
		}
	})
}

// jobRunner runs queued jobs of one kind synchronously, as the runner
// would, including jobs that earlier jobs queue.
type jobRunner struct {
	db     *store.DB
	kind   string
	handle jobs.Handler
}

func (r *jobRunner) run(t *testing.T) {
	t.Helper()
	done := map[int64]bool{}
	for {
		js, err := r.db.R().JobsOfKind(context.Background(), r.kind, 1000)
		if err != nil {
			t.Fatal(err)
		}
		progressed := false
		for _, j := range js {
			if done[j.ID] {
				continue
			}
			done[j.ID] = true
			progressed = true
			if err := r.handle(context.Background(), jobs.Job{ID: j.ID, Kind: j.Kind, Payload: json.RawMessage(j.Payload)}); err != nil {
				t.Fatalf("job %d: %v", j.ID, err)
			}
		}
		if !progressed {
			return
		}
	}
}

func TestAnonymousSurveyStoresNoLink(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateTraining, true)
		if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		d := sv.Definition
		// A draft under a token the client keeps; the same token in another
		// account finds nothing.
		part := survey.Answers{d.Items()[0].ID: {Choice: 3}}
		tok, err := w.svc.SaveSurveyDraft(ctx, w.teacher, sv.ID, "", "", part)
		if err != nil || tok == "" {
			t.Fatalf("anonymous draft: %q %v", tok, err)
		}
		if v, err := w.svc.SurveyForRespondent(ctx, w.teacher, sv.ID, "", tok); err != nil || !v.HasDraft {
			t.Fatalf("resume anonymous draft: %+v %v", v, err)
		}
		if v, _ := w.svc.SurveyForRespondent(ctx, w.colleague, sv.ID, "", tok); v.HasDraft {
			t.Fatal("another account found the draft with the same token")
		}
		if v, _ := w.svc.SurveyForRespondent(ctx, w.teacher, sv.ID, "", ""); v.HasDraft {
			t.Fatal("draft found without the token")
		}
		people := []*account.User{w.teacher, w.colleague, w.groupMember, w.schoolAdm}
		for i, u := range people {
			token := ""
			if u == w.teacher {
				token = tok
			}
			*w.now = w.now.Add(17 * time.Minute)
			if err := w.svc.SubmitSurveyResponse(ctx, u, sv.ID, "", token, answersFor(d, i)); err != nil {
				t.Fatal(err)
			}
		}
		err = w.svc.SubmitSurveyResponse(ctx, w.teacher, sv.ID, "", tok, answersFor(d, 1))
		wantCode(t, err, apperr.Conflict)
		err = w.svc.RemindSurveyNonRespondents(ctx, w.schoolAdm, sv.ID)
		wantCode(t, err, apperr.Conflict)

		var responseIDs []string
		rows, err := db.R().QueryRowsForTest(ctx, `SELECT id FROM survey_responses`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			responseIDs = append(responseIDs, id)
		}
		rows.Close()
		if len(responseIDs) != len(people) {
			t.Fatalf("%d responses", len(responseIDs))
		}
		// No row of any table holds a response's key together with a
		// person, and no event names a respondent or a response.
		for table, rows := range dumpTables(t, db) {
			for _, row := range rows {
				holds := false
				for _, v := range row {
					if slices.Contains(responseIDs, v) {
						holds = true
					}
				}
				for col, v := range row {
					if holds && (strings.Contains(col, "user") || strings.Contains(col, "actor")) && v != "" && v != "0" {
						t.Errorf("%s row links %s=%s to a response: %v", table, col, v, row)
					}
				}
				if table == "events" && row["object_type"] == service.ObjSurvey && row["verb"] == string(service.VerbSubmitted) {
					var at int64
					fmt.Sscan(row["at"], &at)
					if row["actor_id"] != "0" || row["institution_id"] != "0" || at%86_400_000 != 0 {
						t.Errorf("anonymous submission event identifies or dates precisely: %v", row)
					}
				}
				if table == "events" {
					for _, id := range responseIDs {
						if strings.Contains(row["context"], id) {
							t.Errorf("event names a response: %v", row)
						}
					}
					if row["verb"] == string(service.VerbDraftSaved) {
						t.Errorf("anonymous draft recorded an event: %v", row)
					}
				}
			}
		}
		// Results and exports still work, without names.
		x, err := w.svc.ExportSurvey(ctx, w.schoolAdm, sv.ID)
		if err != nil || len(x.Rows) != len(people) || x.Rows[0].Username != "" || strings.Contains(strings.Join(x.Header(), ","), "username") {
			t.Fatalf("anonymous export: %v %v", x, err)
		}
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Closed); err != nil {
			t.Fatal(err)
		}
		res, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{})
		if err != nil || res.N != len(people) {
			t.Fatalf("results after closing: %v", err)
		}
	})
}

// dumpTables reads every row of every table as column → text.
func dumpTables(t *testing.T, db *store.DB) map[string][]map[string]string {
	t.Helper()
	ctx := context.Background()
	query := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.Dialect == store.Postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.R().QueryRowsForTest(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string][]map[string]string{}
	for _, table := range tables {
		rs, err := db.R().QueryRowsForTest(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatalf("scan %s: %v", table, err)
			}
			row := map[string]string{}
			for i, c := range cols {
				row[c] = vals[i].String
			}
			out[table] = append(out[table], row)
		}
		rs.Close()
	}
	return out
}

func TestSurveyAnalysisMatchesStats(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateCommunity, false)
		if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		d := sv.Definition
		const n = 24
		var all []survey.Answers
		for k := range n {
			u, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: fmt.Sprintf("resp%02d", k), Password: pw,
				Role: account.Teacher, InstitutionID: w.school.ID})
			if err != nil {
				t.Fatal(err)
			}
			a := answersFor(d, k)
			if err := w.svc.SubmitSurveyResponse(ctx, u, sv.ID, "", "", a); err != nil {
				t.Fatalf("respondent %d: %v", k, err)
			}
			all = append(all, a)
		}
		vars := survey.Variables(d)
		nameOf := func(f survey.Field) string {
			for _, it := range d.Items() {
				if it.Field == f {
					for _, v := range vars {
						if v.ItemID == it.ID {
							return v.Name
						}
					}
				}
			}
			t.Fatalf("no %s item", f)
			return ""
		}
		gender, years := nameOf(survey.FieldGender), nameOf(survey.FieldYears)
		res, err := w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{GroupBy: gender, Lang: "zh-CN"})
		if err != nil {
			t.Fatal(err)
		}
		if res.N != n || len(res.Dimensions) != 6 {
			t.Fatalf("N = %d, %d dimensions", res.N, len(res.Dimensions))
		}
		// The same analysis straight from internal/stats, on columns built
		// from the answers independently of the service.
		genderItem := d.Items()[0]
		labels := make([]string, n)
		for k, a := range all {
			o, _ := genderItem.OptionByValue(a[genderItem.ID].Choice)
			labels[k] = o.Label
		}
		g := stats.NewFactor(gender, labels)
		scoreCols := map[string]*stats.Column{}
		for _, dr := range res.Dimensions {
			items := d.DimensionItems(dr.Dimension.Key)
			scores := make([]float64, n)
			cols := make([][]float64, len(items))
			for k, a := range all {
				sum := 0
				for i, it := range items {
					v, _ := survey.ScoredValue(it, a)
					cols[i] = append(cols[i], float64(v))
					sum += v
				}
				scores[k] = float64(sum) / float64(len(items))
			}
			sc, _ := stats.NewColumn("score", scores)
			want, err := stats.IndependentT(sc, g)
			if err != nil {
				t.Fatal(err)
			}
			got := dr.Compare
			if got == nil || got.T == nil || got.T.Student.T != want.Student.T || got.T.Welch.P != want.Welch.P || got.T.CohenD != want.CohenD {
				t.Errorf("%s t-test: got %+v, want %+v", dr.Dimension.Key, got, want)
			}
			scoreCols[dr.Dimension.Key] = sc
			if mw, err := stats.MannWhitneyU(sc, g); err != nil || got == nil || got.MW == nil || got.KW != nil ||
				got.MW.U != mw.U || got.MW.P != mw.P {
				t.Errorf("%s Mann–Whitney: got %+v, want %+v (%v)", dr.Dimension.Key, got, mw, err)
			}
			var itemCols []*stats.Column
			for i, c := range cols {
				col, _ := stats.NewColumn(items[i].ID, c)
				itemCols = append(itemCols, col)
			}
			alpha, err := stats.CronbachAlpha(itemCols)
			switch {
			case err != nil && dr.AlphaErr == nil:
				t.Errorf("%s alpha: stats says %v, results say %+v", dr.Dimension.Key, err, dr.Alpha)
			case err == nil && (dr.Alpha == nil || dr.Alpha.Alpha != alpha.Alpha || dr.Alpha.StdAlpha != alpha.StdAlpha):
				t.Errorf("%s alpha: got %+v, want %+v", dr.Dimension.Key, dr.Alpha, alpha)
			}
			if dr.Desc == nil || math.Abs(dr.Desc.Mean-mean(scores)) > 1e-12 {
				t.Errorf("%s mean: %+v", dr.Dimension.Key, dr.Desc)
			}
		}
		// Every pair of dimension scores is correlated, once.
		if len(res.Correlations) != 15 {
			t.Fatalf("%d correlations between 6 dimensions, want 15", len(res.Correlations))
		}
		for _, dc := range res.Correlations {
			want, err := stats.Correlate(scoreCols[dc.A.Key], scoreCols[dc.B.Key])
			if err != nil {
				if dc.Err == nil {
					t.Errorf("%s × %s: stats says %v, results say %+v", dc.A.Key, dc.B.Key, err, dc.C)
				}
				continue
			}
			if dc.C == nil || dc.C.N != n || dc.C.Pearson != want.Pearson || dc.C.Spearman != want.Spearman {
				t.Errorf("%s × %s: got %+v, want %+v", dc.A.Key, dc.B.Key, dc.C, want)
			}
		}
		// A subset, grouped by years of teaching (two of the four bands remain).
		res, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{GroupBy: years,
			Filters: map[string][]int{gender: {1}}, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for _, a := range all {
			if a[genderItem.ID].Choice == 1 {
				kept++
			}
		}
		if res.N != kept || res.Group == nil || res.Group.Name != years {
			t.Fatalf("filtered N = %d, want %d", res.N, kept)
		}
		for _, dr := range res.Dimensions {
			if dr.Compare == nil || (dr.Compare.ANOVA == nil && dr.Compare.Err == nil && dr.Compare.T == nil) {
				t.Errorf("%s: no comparison by years", dr.Dimension.Key)
			}
		}
		// Everyone, by years of teaching: four bands, so an ANOVA and its
		// rank-based counterpart, Kruskal–Wallis.
		res, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{GroupBy: years, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		anovas := 0
		for _, dr := range res.Dimensions {
			if c := dr.Compare; c != nil && c.ANOVA != nil {
				anovas++
				if c.KW == nil || c.MW != nil || c.KW.DF != int(c.ANOVA.Between.DF) {
					t.Errorf("%s: an ANOVA without its Kruskal–Wallis counterpart: %+v", dr.Dimension.Key, c)
				}
			}
		}
		if anovas == 0 {
			t.Error("no dimension was compared across the years bands")
		}
		// Bad queries are field errors, not failures.
		_, err = w.svc.SurveyResults(ctx, w.schoolAdm, sv.ID, service.ResultsQuery{GroupBy: "nope", Filters: map[string][]int{"D_sharing": {1}}})
		if e, ok := apperr.As(err); !ok || e.Fields["group"].Key == "" || e.Fields["filter.D_sharing"].Key == "" {
			t.Fatalf("bad query: %v", err)
		}
		_, err = w.svc.SurveyResults(ctx, w.teacher, sv.ID, service.ResultsQuery{})
		wantCode(t, err, apperr.NotFound)

		// Exports: CSV with a byte-order mark; XLSX with data and codebook.
		x, err := w.svc.ExportSurvey(ctx, w.schoolAdm, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var csvBuf bytes.Buffer
		if err := service.WriteSurveyCSV(&csvBuf, x); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csvBuf.String()), "\r\n")
		if !strings.HasPrefix(lines[0], "\uFEFFrow,username,name,institution,submitted,Q1,") || len(lines) != n+1 {
			t.Fatalf("CSV starts %q, %d lines", lines[0][:min(60, len(lines[0]))], len(lines))
		}
		if !strings.Contains(lines[0], ",D_participation,") {
			t.Errorf("CSV lacks dimension scores: %s", lines[0])
		}
		cat := catalog(t)
		p := cat.Printer("zh-CN")
		var xlsx bytes.Buffer
		if err := service.WriteSurveyXLSX(&xlsx, x, "zh-CN", p.T); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&xlsx)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) != 2 {
			t.Fatalf("sheets %v", sheets)
		}
		data, _ := f.GetRows(sheets[0])
		if len(data) != n+1 || data[0][5] != "Q1" {
			t.Fatalf("data sheet: %d rows, header %v", len(data), data[0][:6])
		}
		book, _ := f.GetRows(sheets[1])
		var reverseRows, scoreRows int
		for _, row := range book[1:] {
			if len(row) > 6 && strings.HasPrefix(row[6], "是") {
				reverseRows++
				if !strings.Contains(row[4], "1=非常不同意") || !strings.Contains(row[5], "5=Strongly agree") {
					t.Errorf("reverse item without value labels: %v", row)
				}
			}
			if strings.HasPrefix(row[0], "D_") {
				scoreRows++
				if len(row) < 10 || !strings.Contains(row[9], "(R)") && row[0] != "D_sharing" && row[0] != "D_support" {
					t.Errorf("score note %v", row)
				}
			}
		}
		if reverseRows != 4 || scoreRows != 6 {
			t.Errorf("codebook: %d reverse-coded items, %d scores", reverseRows, scoreRows)
		}
		if book[0][0] != p.T("survey.codebook.variable") {
			t.Errorf("codebook header %v", book[0])
		}
	})
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

package store_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// surveyWorld is a district with two schools (the first with a
// teaching-research group), a community across them, and people.
type surveyWorld struct {
	district, schoolA, group, schoolB, community *space.Space
	owner, a1, a2, g1, b1, b2                    *account.User
}

func newSurveyWorld(t *testing.T, db *store.DB) *surveyWorld {
	t.Helper()
	ctx := context.Background()
	w := &surveyWorld{}
	err := db.Tx(ctx, func(q *store.Q) error {
		mk := func(s **space.Space, kind space.Kind, level space.Level, parent *space.Space, name string) error {
			*s = &space.Space{Kind: kind, Level: level, Name: name, Visibility: space.Public, CreatedAt: t0}
			path := ""
			if parent != nil {
				(*s).ParentID, path = parent.ID, parent.Path
			}
			return q.CreateSpace(ctx, *s, path)
		}
		steps := []error{
			mk(&w.district, space.Institution, space.District, nil, "区"),
		}
		steps = append(steps, mk(&w.schoolA, space.Institution, space.School, w.district, "甲校"))
		steps = append(steps, mk(&w.group, space.Institution, space.Group, w.schoolA, "数学组"))
		steps = append(steps, mk(&w.schoolB, space.Institution, space.School, w.district, "乙校"))
		steps = append(steps, mk(&w.community, space.Community, "", w.district, "共同体"))
		for _, err := range steps {
			if err != nil {
				return err
			}
		}
		for _, p := range []struct {
			u    **account.User
			name string
			inst *space.Space
		}{{&w.owner, "owner", w.district}, {&w.a1, "a1", w.schoolA}, {&w.a2, "a2", w.schoolA}, {&w.g1, "g1", w.group},
			{&w.b1, "b1", w.schoolB}, {&w.b2, "b2", w.schoolB}} {
			*p.u = &account.User{Username: p.name, Role: account.Teacher, InstitutionID: p.inst.ID, CreatedAt: t0}
			if err := q.CreateUser(ctx, *p.u, "hash"); err != nil {
				return err
			}
		}
		for _, u := range []*account.User{w.a1, w.b1} {
			if err := q.AddMember(ctx, w.community.ID, u.ID, space.RoleMember, "", ms(t0)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *surveyWorld) survey(t *testing.T, db *store.DB, anonymous bool) *survey.Survey {
	t.Helper()
	tpl, _ := survey.TemplateByKey(survey.TemplateTraining)
	s := &survey.Survey{OwnerID: w.owner.ID, InstitutionID: w.district.ID, Title: "反馈", Definition: tpl.Definition(),
		Status: survey.Open, Anonymous: anonymous, CreatedAt: t0}
	ctx := context.Background()
	err := db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateSurvey(ctx, s); err != nil {
			return err
		}
		for _, d := range []*survey.Distribution{
			{SurveyID: s.ID, Kind: survey.TargetInstitution, TargetID: w.schoolA.ID, CreatedBy: w.owner.ID, CreatedAt: t0},
			{SurveyID: s.ID, Kind: survey.TargetCommunity, TargetID: w.community.ID, CreatedBy: w.owner.ID, CreatedAt: t0},
			{SurveyID: s.ID, Kind: survey.TargetLink, TokenHash: fmt.Sprint("hash", s.ID), CreatedBy: w.owner.ID, CreatedAt: t0},
		} {
			if err := q.AddSurveyDistribution(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ancestors(t *testing.T, s *space.Space) []int64 {
	ids, err := space.AncestorIDs(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSurveysAndDistributions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newSurveyWorld(t, db)
		s := w.survey(t, db, false)
		got, err := db.R().SurveyByID(ctx, s.ID)
		if err != nil || got.Title != "反馈" || got.OwnerName != "owner" || len(got.Definition.Items()) != 7 {
			t.Fatalf("SurveyByID = %+v, %v", got, err)
		}
		if _, err := db.R().SurveyByID(ctx, 99999); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("missing survey: %v", err)
		}
		// The same institution twice is refused.
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.AddSurveyDistribution(ctx, &survey.Distribution{SurveyID: s.ID, Kind: survey.TargetInstitution,
				TargetID: w.schoolA.ID, CreatedBy: w.owner.ID, CreatedAt: t0})
		})
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("duplicate distribution: %v", err)
		}
		ds, err := db.R().SurveyDistributions(ctx, s.ID)
		if err != nil || len(ds) != 3 || ds[0].TargetName != "甲校" || ds[1].TargetName != "共同体" {
			t.Fatalf("distributions = %v, %v", ds, err)
		}
		link, err := db.R().SurveyDistributionByToken(ctx, ds[2].TokenHash)
		if err != nil || link.ID != ds[2].ID {
			t.Fatalf("link = %v, %v", link, err)
		}
		// Who is targeted: the school's subtree (its group too) and the
		// community's members; not the other school's non-members.
		for _, c := range []struct {
			u    *account.User
			inst *space.Space
			want bool
		}{{w.a2, w.schoolA, true}, {w.g1, w.group, true}, {w.b1, w.schoolB, true}, {w.b2, w.schoolB, false}} {
			ok, err := db.R().SurveyTargets(ctx, s.ID, c.u.ID, ancestors(t, c.inst))
			if err != nil || ok != c.want {
				t.Errorf("SurveyTargets(%s) = %v, %v", c.u.Username, ok, err)
			}
		}
		list, total, err := db.R().Surveys(ctx, store.SurveyFilter{RespondentID: w.g1.ID, RespondentInstitutions: ancestors(t, w.group), Limit: 10})
		if err != nil || total != 1 || list[0].ID != s.ID {
			t.Errorf("respondent list of g1 = %v %d %v", list, total, err)
		}
		if _, total, _ := db.R().Surveys(ctx, store.SurveyFilter{RespondentID: w.b2.ID, RespondentInstitutions: ancestors(t, w.schoolB), Limit: 10}); total != 0 {
			t.Errorf("b2 sees %d surveys to answer", total)
		}
		if _, total, _ := db.R().Surveys(ctx, store.SurveyFilter{OwnerID: w.a1.ID, ManagedPaths: []string{w.district.Path}, Limit: 10}); total != 1 {
			t.Errorf("district manager sees %d surveys", total)
		}
		if _, total, _ := db.R().Surveys(ctx, store.SurveyFilter{OwnerID: w.a1.ID, ManagedPaths: []string{w.schoolB.Path}, Limit: 10}); total != 0 {
			t.Errorf("school B manager sees %d surveys", total)
		}
		// Revoking a distribution takes its people out of the targets.
		err = db.Tx(ctx, func(q *store.Q) error { return q.RevokeSurveyDistribution(ctx, s.ID, ds[1].ID, t0) })
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.R().SurveyTargets(ctx, s.ID, w.b1.ID, ancestors(t, w.schoolB)); ok {
			t.Error("revoked community still targeted")
		}
		// Status changes check the status they start from.
		err = db.Tx(ctx, func(q *store.Q) error { return q.SetSurveyStatus(ctx, s.ID, survey.Closed, t0, survey.Draft) })
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("close from draft: %v", err)
		}
		// Reminders: once per window.
		first, err := db.W().MarkSurveyReminded(ctx, s.ID, t0, t0.Add(-24*time.Hour))
		second, err2 := db.W().MarkSurveyReminded(ctx, s.ID, t0.Add(time.Hour), t0.Add(-23*time.Hour))
		if !first || second || err != nil || err2 != nil {
			t.Errorf("reminded: %v %v %v %v", first, second, err, err2)
		}
	})
}

func submit(t *testing.T, db *store.DB, s *survey.Survey, u *account.User, key string, a survey.Answers, at time.Time) (string, error) {
	t.Helper()
	var id string
	err := db.Tx(context.Background(), func(q *store.Q) error {
		var err error
		id, err = q.SubmitSurveyResponse(context.Background(), s, u.ID, key, a, u.InstitutionID, at)
		return err
	})
	return id, err
}

func TestNamedResponsesAndRates(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newSurveyWorld(t, db)
		s := w.survey(t, db, false)
		q1 := s.Definition.Items()[0].ID
		draft := survey.Answers{q1: {Choice: 2}}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.SaveSurveyDraft(ctx, s, w.a1.ID, "", draft, t0) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(q *store.Q) error {
			return q.SaveSurveyDraft(ctx, s, w.a1.ID, "", survey.Answers{q1: {Choice: 3}}, t0.Add(time.Minute))
		}); err != nil {
			t.Fatal(err)
		}
		r, err := db.R().NamedResponse(ctx, s.ID, w.a1.ID)
		if err != nil || r == nil || r.Status != survey.ResponseDraft || r.Answers[q1].Choice != 3 {
			t.Fatalf("resumed draft = %+v, %v", r, err)
		}
		if n, _ := db.R().SurveyDraftCount(ctx, s.ID); n != 1 {
			t.Errorf("%d drafts", n)
		}
		id, err := submit(t, db, s, w.a1, "", survey.Answers{q1: {Choice: 1}}, t0.Add(time.Hour))
		if err != nil || id != r.ID {
			t.Fatalf("submit over draft = %q, %v (draft %s)", id, err, r.ID)
		}
		if _, err := submit(t, db, s, w.a1, "", survey.Answers{q1: {Choice: 1}}, t0); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second response: %v", err)
		}
		err = db.Tx(ctx, func(q *store.Q) error { return q.SaveSurveyDraft(ctx, s, w.a1.ID, "", draft, t0) })
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("draft after submitting: %v", err)
		}
		for _, u := range []*account.User{w.b1, w.b2} { // b2 through the link
			if _, err := submit(t, db, s, u, "", survey.Answers{q1: {Choice: 2}}, t0.Add(25*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := db.R().SurveyByID(ctx, s.ID)
		if got.ResponseCount != 3 {
			t.Errorf("response count %d", got.ResponseCount)
		}
		var rows []*store.ResponseRow
		err = db.R().EachSubmittedResponse(ctx, s.ID, func(r *store.ResponseRow) error { rows = append(rows, r); return nil })
		if err != nil || len(rows) != 3 {
			t.Fatalf("responses: %d %v", len(rows), err)
		}
		names := []string{}
		for _, r := range rows {
			names = append(names, r.Username+"@"+r.InstitutionName)
			if r.SubmittedAt == nil || r.UserID == 0 {
				t.Errorf("named response lacks person or time: %+v", r)
			}
		}
		slices.Sort(names)
		if fmt.Sprint(names) != "[a1@甲校 b1@乙校 b2@乙校]" {
			t.Errorf("respondents %v", names)
		}
		days, err := db.R().SurveyResponsesByDay(ctx, s.ID)
		if err != nil || len(days) != 2 || days[0].Count != 1 || days[1].Count != 2 || !days[0].Day.Equal(store.Day(t0)) {
			t.Errorf("by day = %+v, %v", days, err)
		}
		// Eligible: school A's subtree (a1, a2, g1) and the community (a1, b1).
		rates, err := db.R().SurveyResponseRate(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]store.InstitutionRate{}
		for _, r := range rates {
			byName[r.Name] = r
		}
		if r := byName["甲校"]; r.Eligible != 2 || r.Responded != 1 {
			t.Errorf("school A rate %+v", r)
		}
		if r := byName["数学组"]; r.Eligible != 1 || r.Responded != 0 {
			t.Errorf("group rate %+v", r)
		}
		if r := byName["乙校"]; r.Eligible != 1 || r.Responded != 1 || r.Others != 1 {
			t.Errorf("school B rate %+v", r)
		}
		ids, err := db.R().SurveyNonRespondents(ctx, s.ID, 0, 10)
		if err != nil || !slices.Equal(ids, []int64{w.a2.ID, w.g1.ID}) {
			t.Errorf("non-respondents = %v, %v; want a2, g1", ids, err)
		}
		if ids, _ := db.R().SurveyNonRespondents(ctx, s.ID, w.a2.ID, 10); !slices.Equal(ids, []int64{w.g1.ID}) {
			t.Errorf("non-respondents after a2 = %v", ids)
		}
	})
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestAnonymousResponsesStoreNoLink(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newSurveyWorld(t, db)
		s := w.survey(t, db, true)
		q1 := s.Definition.Items()[0].ID
		// a2 keeps a draft under a browser's key, then submits it.
		at := t0.Add(13*time.Hour + 7*time.Minute)
		if err := db.Tx(ctx, func(q *store.Q) error {
			return q.SaveSurveyDraft(ctx, s, w.a2.ID, "key-a2", survey.Answers{q1: {Choice: 1}}, at)
		}); err != nil {
			t.Fatal(err)
		}
		d, err := db.R().AnonymousDraft(ctx, s.ID, "key-a2")
		if err != nil || d == nil || d.Answers[q1].Choice != 1 || d.UserID != 0 || !d.UpdatedAt.Equal(store.Day(at)) {
			t.Fatalf("anonymous draft = %+v, %v", d, err)
		}
		if other, _ := db.R().AnonymousDraft(ctx, s.ID, "key-other"); other != nil {
			t.Fatal("draft found under another key")
		}
		var ids []string
		for i, u := range []*account.User{w.b2, w.g1, w.a2, w.b1, w.a1} { // not in ID order
			key := ""
			if u == w.a2 {
				key = "key-a2"
			}
			id, err := submit(t, db, s, u, key, survey.Answers{q1: {Choice: 1 + i%3}}, at.Add(time.Duration(i)*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if !hex32.MatchString(id) {
				t.Fatalf("response key %q is not random hex", id)
			}
			if u == w.a2 && id != d.ID {
				t.Fatalf("draft not turned into the response")
			}
			ids = append(ids, id)
		}
		if _, err := submit(t, db, s, w.a1, "", nil, at); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second anonymous response: %v", err)
		}
		// No person and no precise time on any response; drafts' keys cleared.
		var named, keyed, precise int
		err = db.R().QueryRowForTest(ctx, `SELECT
			(SELECT count(*) FROM survey_responses WHERE user_id IS NOT NULL),
			(SELECT count(*) FROM survey_responses WHERE draft_key IS NOT NULL),
			(SELECT count(*) FROM survey_responses WHERE submitted_at % 86400000 <> 0 OR updated_at % 86400000 <> 0)`).
			Scan(&named, &keyed, &precise)
		if err != nil || named != 0 || keyed != 0 || precise != 0 {
			t.Fatalf("responses hold %d users, %d draft keys, %d precise times (%v)", named, keyed, precise, err)
		}
		assertColumns(t, db, "survey_participants", "survey_id,user_id")
		if db.Dialect == store.SQLite {
			// Physical order is key order, not the order people answered.
			assertScanOrder(t, db, `SELECT user_id FROM survey_participants`)
			assertScanOrder(t, db, `SELECT id FROM survey_responses`)
		}
		// Closing drops unfinished drafts and, on PostgreSQL, rewrites the
		// rows so that they share one transaction ID.
		if err := db.Tx(ctx, func(q *store.Q) error {
			return q.SaveSurveyDraft(ctx, s, 0, "key-late", survey.Answers{q1: {Choice: 2}}, at)
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.CloseAnonymousResponses(ctx, s.ID) }); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.R().SurveyDraftCount(ctx, s.ID); n != 0 {
			t.Errorf("%d drafts after closing", n)
		}
		var rows int
		if err := db.R().QueryRowForTest(ctx, `SELECT count(*) FROM survey_responses WHERE survey_id = $1`, s.ID).Scan(&rows); err != nil || rows != 5 {
			t.Fatalf("%d responses after closing (%v)", rows, err)
		}
		if db.Dialect == store.Postgres {
			for _, table := range []string{"survey_responses", "survey_participants"} {
				var xmins int
				err := db.R().QueryRowForTest(ctx, `SELECT count(DISTINCT xmin::text) FROM `+table+` WHERE survey_id = $1`, s.ID).Scan(&xmins)
				if err != nil || xmins != 1 {
					t.Errorf("%s rows carry %d transaction IDs (%v)", table, xmins, err)
				}
			}
		}
	})
}

// assertColumns checks a table's columns, so that nobody adds a time or a
// response key to the participants without this test noticing.
func assertColumns(t *testing.T, db *store.DB, table, want string) {
	t.Helper()
	query := `SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('` + table + `') ORDER BY cid)`
	if db.Dialect == store.Postgres {
		query = `SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
			WHERE table_name = '` + table + `' AND table_schema = current_schema()`
	}
	var got string
	if err := db.R().QueryRowForTest(ctx(), query).Scan(&got); err != nil || got != want {
		t.Fatalf("%s columns = %q (%v), want %q", table, got, err, want)
	}
}

func ctx() context.Context { return context.Background() }

// assertScanOrder checks that a table scan without ORDER BY returns its
// first column sorted, i.e. that physical order is key order.
func assertScanOrder(t *testing.T, db *store.DB, query string) {
	t.Helper()
	rows, err := db.R().QueryRowsForTest(ctx(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.IsSortedFunc(got, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b) // numbers as text
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	}) {
		t.Errorf("%s scans in order %v", query, got)
	}
}

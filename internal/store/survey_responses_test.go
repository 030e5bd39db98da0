package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSurveyAnswersForAnalysis checks that the analysis' narrow read sees
// exactly the submitted responses EachSubmittedResponse sees, in the same
// order, with the same times and answers, and no drafts: for a
// questionnaire with a small share of all responses (read through the
// index on SQLite) and one with a large share (read by scanning the table).
func TestSurveyAnswersForAnalysis(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newSurveyWorld(t, db)
		small := w.survey(t, db, false)
		q1 := small.Definition.Items()[0].ID
		answer := func(s *survey.Survey, users ...*account.User) {
			for k, u := range users {
				a := survey.Answers{q1: {Choice: k%3 + 1, Text: "第 " + string(rune('1'+k))}}
				if _, err := submit(t, db, s, u, "", a, t0.Add(time.Duration(k)*25*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		answer(small, w.b1, w.a1)
		everyone := []*account.User{w.a1, w.a2, w.g1, w.b1, w.b2}
		var large *survey.Survey
		for range 3 { // 2 of 17 responses, and 5 of 17
			large = w.survey(t, db, false)
			answer(large, everyone...)
		}
		if err := db.Tx(ctx, func(q *store.Q) error {
			return q.SaveSurveyDraft(ctx, large, w.owner.ID, "", survey.Answers{q1: {Choice: 2}}, t0)
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*survey.Survey{small, large} {
			var want []*store.ResponseRow
			if err := db.R().EachSubmittedResponse(ctx, s.ID, func(r *store.ResponseRow) error { want = append(want, r); return nil }); err != nil {
				t.Fatal(err)
			}
			n := 0
			err := db.R().EachSubmittedAnswers(ctx, s.ID, func(at time.Time, answers []byte) error {
				if n >= len(want) {
					t.Fatalf("more than %d responses", len(want))
				}
				a, err := survey.ParseAnswers(answers)
				if err != nil {
					return err
				}
				if w := want[n]; w.SubmittedAt == nil || !at.Equal(*w.SubmittedAt) || !reflect.DeepEqual(a, w.Answers) {
					t.Errorf("response %d: %s %v, want %v %v", n, at, a, w.SubmittedAt, w.Answers)
				}
				n++
				return nil
			})
			if err != nil || n != len(want) || (n != 2 && n != 5) {
				t.Fatalf("%d responses (want %d), %v", n, len(want), err)
			}
		}
		stop := errors.New("stop")
		calls := 0
		err := db.R().EachSubmittedAnswers(ctx, large.ID, func(time.Time, []byte) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("fn's error: %v after %d calls", err, calls)
		}
	})
}

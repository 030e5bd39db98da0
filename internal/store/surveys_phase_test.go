package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSurveyPhaseForUpdate: the short re-read a submission makes inside its
// transaction sees the status, anonymity and times as they are now, and a
// missing questionnaire is not found.
func TestSurveyPhaseForUpdate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newSurveyWorld(t, db)
		sv := w.survey(t, db, true)
		opens, closes := t0.Add(time.Hour), t0.Add(48*time.Hour)
		sv.OpensAt, sv.ClosesAt, sv.UpdatedAt = &opens, &closes, t0
		if err := db.W().UpdateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		err := db.Tx(ctx, func(q *store.Q) error {
			cur, err := q.SurveyPhaseForUpdate(ctx, sv.ID)
			if err != nil {
				return err
			}
			if cur.ID != sv.ID || cur.Status != survey.Open || !cur.Anonymous || cur.OpensAt == nil || !cur.OpensAt.Equal(opens) ||
				cur.ClosesAt == nil || !cur.ClosesAt.Equal(closes) {
				t.Errorf("phase = %+v", cur)
			}
			if cur.Accepting(t0) || !cur.Accepting(t0.Add(2*time.Hour)) || cur.Accepting(closes) {
				t.Errorf("accepting before, during, at the close: %v %v %v", cur.Accepting(t0), cur.Accepting(t0.Add(2*time.Hour)),
					cur.Accepting(closes))
			}
			if _, err := q.SurveyPhaseForUpdate(ctx, sv.ID+1000); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("missing questionnaire: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Closed: seen at once, whatever the times say.
		err = db.Tx(ctx, func(q *store.Q) error {
			if err := q.SetSurveyStatus(ctx, sv.ID, survey.Closed, t0, survey.Open); err != nil {
				return err
			}
			cur, err := q.SurveyPhaseForUpdate(ctx, sv.ID)
			if err != nil {
				return err
			}
			if cur.Status != survey.Closed || cur.Accepting(t0.Add(2*time.Hour)) {
				t.Errorf("after closing: %+v", cur)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

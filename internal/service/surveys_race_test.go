package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// racingSurveyWorld is a survey world whose clock, once armed, runs a
// change the first time the service reads it: a deterministic stand-in
// for another request committing between a service's first read of a
// questionnaire and its transaction.
type racingSurveyWorld struct {
	*surveyWorld
	meanwhile func()
}

func newRacingSurveyWorld(t *testing.T, db *store.DB) *racingSurveyWorld {
	w := &racingSurveyWorld{surveyWorld: newSurveyWorld(t, db)}
	w.svc = service.New(service.Options{DB: db, Argon2: account.FastArgon2, Now: func() time.Time {
		if f := w.meanwhile; f != nil {
			w.meanwhile = nil
			f()
		}
		return *w.now
	}})
	return w
}

func TestSurveySettingsRace(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newRacingSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateTraining, false)
		items := len(sv.Definition.Items())
		// A builder edit lands meanwhile: the settings save keeps it.
		w.meanwhile = func() {
			_, err := w.svc.EditSurvey(ctx, w.schoolAdm, sv.ID, func(d *survey.Definition) error {
				_, err := d.AddItem(d.Sections[0].ID, survey.Text, "新题")
				return err
			})
			if err != nil {
				t.Errorf("edit meanwhile: %v", err)
			}
		}
		if _, err := w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: "新标题"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.R().SurveyByID(ctx, sv.ID)
		if err != nil || got.Title != "新标题" || len(got.Definition.Items()) != items+1 {
			t.Fatalf("after settings: %q, %d items (want %d), %v", got.Title, len(got.Definition.Items()), items+1, err)
		}
		// Opened meanwhile: anonymity can no longer change.
		w.meanwhile = func() {
			if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
				t.Errorf("open meanwhile: %v", err)
			}
		}
		_, err = w.svc.UpdateSurveySettings(ctx, w.schoolAdm, sv.ID, survey.Settings{Title: "新标题", Anonymous: true})
		wantInterviewField(t, err, "anonymous", "survey.error.anonymity_fixed")
		if got, _ := db.R().SurveyByID(ctx, sv.ID); got.Anonymous || got.Status != survey.Open {
			t.Fatalf("anonymity changed in an open questionnaire: %+v", got)
		}
		// The store's write is conditional too.
		got.Anonymous = true
		err = db.Tx(ctx, func(q *store.Q) error { return q.UpdateSurveySettings(ctx, got) })
		wantCode(t, err, apperr.Conflict)
	})
}

func TestSurveySubmitRace(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newRacingSurveyWorld(t, db)
		ctx := context.Background()
		sv := w.newSurvey(t, w.schoolAdm, survey.TemplateTraining, true)
		if _, err := w.svc.DistributeSurvey(ctx, w.schoolAdm, sv.ID, survey.TargetInstitution, w.school.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		// Closed between the check and the transaction: refused.
		w.meanwhile = func() {
			if err := w.svc.SetSurveyStatus(ctx, w.schoolAdm, sv.ID, survey.Closed); err != nil {
				t.Errorf("close meanwhile: %v", err)
			}
		}
		err := w.svc.SubmitSurveyResponse(ctx, w.teacher, sv.ID, "", "", answersFor(sv.Definition, 0))
		wantCode(t, err, apperr.Conflict)
		if got, _ := db.R().SurveyByID(ctx, sv.ID); got.ResponseCount != 0 {
			t.Fatalf("a response reached a closed questionnaire: %d", got.ResponseCount)
		}
	})
}

package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Questionnaires: who may create and manage them, the builder, the
// lifecycle. Distribution is in surveys_distribute.go, responding in
// surveys_respond.go, results in surveys_results.go, exports in
// surveys_export.go.
//
// The rules:
//   - facilitators, experts and administrators create questionnaires (not
//     teachers); the owner and the administrators of the owner's institution
//     (at creation) manage it: edit, open, close, distribute, see results;
//   - the definition can change only while the questionnaire is a draft,
//     so every response answers the same questions;
//   - a questionnaire goes to communities the manager hosts, institutions
//     the manager administers (with their subtrees), or anyone signed in
//     who holds a link.

// Event verbs and object type of questionnaires.
const (
	VerbSurveyOpened        event.Verb = "survey_opened"
	VerbSurveyClosed        event.Verb = "survey_closed"
	VerbDistributed         event.Verb = "distributed"
	VerbDistributionRevoked event.Verb = "distribution_revoked"
	VerbSubmitted           event.Verb = "submitted"
	VerbDraftSaved          event.Verb = "draft_saved"
	VerbReminded            event.Verb = "reminded"
	ObjSurvey                          = "survey"
)

// SurveyURL is a questionnaire's page.
func SurveyURL(id int64) string { return "/surveys/" + strconv.FormatInt(id, 10) }

// SurveyRespondURL is where people answer a questionnaire.
func SurveyRespondURL(id int64) string { return SurveyURL(id) + "/respond" }

var errSurveyNotDraft = apperr.New(apperr.Conflict, "survey.error.not_draft")

// CanCreateSurveys tells the pages whether to offer "new questionnaire".
func CanCreateSurveys(u *account.User) bool {
	return u != nil && u.Role != account.Teacher
}

// managesSurvey reports whether actor owns the questionnaire or administers
// the institution it belongs to.
func (s *Service) managesSurvey(ctx context.Context, actor *account.User, sv *survey.Survey) (bool, error) {
	if actor == nil {
		return false, nil
	}
	if actor.ID == sv.OwnerID || actor.Role == account.Admin {
		return true, nil
	}
	if sv.InstitutionID == 0 {
		return false, nil
	}
	ref, err := s.spaces.get(ctx, sv.InstitutionID)
	if err != nil {
		return false, err
	}
	return s.manages(ctx, actor, ref.Path)
}

// managedSurvey loads a questionnaire its manager asks for; others are
// told it does not exist, so titles of others' questionnaires do not leak.
func (s *Service) managedSurvey(ctx context.Context, actor *account.User, id int64) (*survey.Survey, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	sv, err := s.db.R().SurveyByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.managesSurvey(ctx, actor, sv)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return sv, nil
}

func (s *Service) recordSurvey(ctx context.Context, q *store.Q, actor *account.User, sv *survey.Survey, verb event.Verb, details map[string]any) error {
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: ObjSurvey, ObjectID: sv.ID,
		InstitutionID: actor.InstitutionID}, details)
}

// CreateSurvey starts a questionnaire as a draft: blank (with one section
// titled sectionTitle) or from a template of the library.
func (s *Service) CreateSurvey(ctx context.Context, actor *account.User, in survey.Settings, templateKey, sectionTitle string) (*survey.Survey, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	if !CanCreateSurveys(actor) {
		return nil, errForbidden
	}
	var def *survey.Definition
	if templateKey != "" {
		t, ok := survey.TemplateByKey(templateKey)
		if !ok {
			f := apperr.Fields{}
			f.Add("template", "form.invalid_choice")
			return nil, f.Err()
		}
		def = t.Definition()
		if strings.TrimSpace(in.Title) == "" {
			in.Title, in.Description = t.Title, t.Description
		}
	} else {
		def = survey.NewDefinition()
		def.Sections[0].Title = sectionTitle
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.insertSurvey(ctx, actor, in, def, templateKey, map[string]any{"title": truncate(in.Title, 200), "template": templateKey})
}

func (s *Service) insertSurvey(ctx context.Context, actor *account.User, in survey.Settings, def *survey.Definition, tpl string, details map[string]any) (*survey.Survey, error) {
	if err := def.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	sv := &survey.Survey{OwnerID: actor.ID, OwnerName: actor.Name(), InstitutionID: actor.InstitutionID, Title: in.Title,
		Description: in.Description, Definition: def, Status: survey.Draft, Anonymous: in.Anonymous, OpensAt: in.OpensAt,
		ClosesAt: in.ClosesAt, Template: tpl, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateSurvey(ctx, sv); err != nil {
			return err
		}
		return s.recordSurvey(ctx, q, actor, sv, event.Created, details)
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// DuplicateSurvey copies a questionnaire the actor manages into a new draft
// of theirs, with its settings and definition but without distributions or
// responses.
func (s *Service) DuplicateSurvey(ctx context.Context, actor *account.User, id int64, title string) (*survey.Survey, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !CanCreateSurveys(actor) {
		return nil, errForbidden
	}
	in := survey.Settings{Title: title, Description: sv.Description, Anonymous: sv.Anonymous}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = sv.Title
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.insertSurvey(ctx, actor, in, sv.Definition.Clone(), sv.Template,
		map[string]any{"title": truncate(in.Title, 200), "copied_from": sv.ID})
}

// SurveyPage is a questionnaire as its manager sees it.
type SurveyPage struct {
	Survey        *survey.Survey
	Distributions []*survey.Distribution
	Drafts        int
}

// ManagedSurvey returns a questionnaire with its distributions to a manager.
func (s *Service) ManagedSurvey(ctx context.Context, actor *account.User, id int64) (*SurveyPage, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.db.R().SurveyDistributions(ctx, id)
	if err != nil {
		return nil, err
	}
	drafts, err := s.db.R().SurveyDraftCount(ctx, id)
	if err != nil {
		return nil, err
	}
	return &SurveyPage{Survey: sv, Distributions: ds, Drafts: drafts}, nil
}

// ManagesSurvey tells the pages whether viewer manages a questionnaire.
func (s *Service) ManagesSurvey(ctx context.Context, viewer *account.User, id int64) (bool, error) {
	_, err := s.managedSurvey(ctx, viewer, id)
	switch {
	case err == nil:
		return true, nil
	case apperr.Is(err, apperr.NotFound), apperr.Is(err, apperr.Unauthorized):
		return false, nil
	}
	return false, err
}

// SurveyListItem is a questionnaire in a listing, with whether the viewer
// has answered it.
type SurveyListItem struct {
	Survey   *survey.Survey
	Answered bool
}

// SurveysToManage lists the questionnaires actor owns or administers.
func (s *Service) SurveysToManage(ctx context.Context, actor *account.User, limit, offset int) ([]SurveyListItem, int, error) {
	if actor == nil {
		return nil, 0, errUnauthorized
	}
	f := store.SurveyFilter{OwnerID: actor.ID, Limit: limit, Offset: offset}
	switch {
	case actor.Role == account.Admin:
		f.ManagedPaths = []string{"/"}
	case actor.Role.ManagesInstitutions() && actor.InstitutionID != 0:
		home, err := s.spaces.get(ctx, actor.InstitutionID)
		if err != nil {
			return nil, 0, err
		}
		f.ManagedPaths = []string{home.Path}
	}
	svs, total, err := s.db.R().Surveys(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]SurveyListItem, len(svs))
	for i, sv := range svs {
		out[i] = SurveyListItem{Survey: sv}
	}
	return out, total, nil
}

// SurveysToAnswer lists the open questionnaires distributed to actor
// through their communities and institutions, with whether they answered.
func (s *Service) SurveysToAnswer(ctx context.Context, actor *account.User, limit, offset int) ([]SurveyListItem, int, error) {
	if actor == nil {
		return nil, 0, errUnauthorized
	}
	insts, err := s.institutionChain(ctx, actor)
	if err != nil {
		return nil, 0, err
	}
	svs, total, err := s.db.R().Surveys(ctx, store.SurveyFilter{RespondentID: actor.ID, RespondentInstitutions: insts,
		Limit: limit, Offset: offset})
	if err != nil {
		return nil, 0, err
	}
	out := make([]SurveyListItem, len(svs))
	for i, sv := range svs {
		out[i].Survey = sv
		if out[i].Answered, err = s.db.R().HasParticipated(ctx, sv.ID, actor.ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// institutionChain returns the IDs of actor's institution and its
// ancestors: distributions to any of them reach the actor.
func (s *Service) institutionChain(ctx context.Context, actor *account.User) ([]int64, error) {
	if actor.InstitutionID == 0 {
		return nil, nil
	}
	ref, err := s.spaces.get(ctx, actor.InstitutionID)
	if err != nil {
		return nil, err
	}
	return space.AncestorIDs(ref.Path)
}

// UpdateSurveySettings changes title, description, anonymity and times.
// Anonymity can change only in a draft (people answered under a promise);
// times can change later, to extend or end the collection.
func (s *Service) UpdateSurveySettings(ctx context.Context, actor *account.User, id int64, in survey.Settings) (*survey.Survey, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if sv.Status != survey.Draft && in.Anonymous != sv.Anonymous {
		f := apperr.Fields{}
		f.Add("anonymous", "survey.error.anonymity_fixed")
		return nil, f.Err()
	}
	now := s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		// Read again under the transaction: the status may have changed
		// since the check above (opened, say), and the definition may have
		// been edited, which a settings save must not overwrite.
		cur, err := q.SurveyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if cur.Status != survey.Draft && in.Anonymous != cur.Anonymous {
			f := apperr.Fields{}
			f.Add("anonymous", "survey.error.anonymity_fixed")
			return f.Err()
		}
		sv = cur
		sv.Title, sv.Description, sv.Anonymous, sv.OpensAt, sv.ClosesAt = in.Title, in.Description, in.Anonymous, in.OpensAt, in.ClosesAt
		sv.UpdatedAt = now
		// Conditional on the draft status when anonymity changes, should
		// the lock above not hold (SQLite needs none: one writer at a time).
		if err := q.UpdateSurveySettings(ctx, sv); err != nil {
			return err
		}
		return s.recordSurvey(ctx, q, actor, sv, event.Updated, map[string]any{"title": truncate(sv.Title, 200)})
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// EditSurvey applies a builder operation (survey.Definition's AddItem,
// ReplaceItem, MoveItem ...) to a draft's definition and saves the result
// if the whole definition still validates.
func (s *Service) EditSurvey(ctx context.Context, actor *account.User, id int64, op func(d *survey.Definition) error) (*survey.Survey, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if sv.Status != survey.Draft {
		return nil, errSurveyNotDraft
	}
	def := sv.Definition.Clone()
	if err := op(def); err != nil {
		return nil, err
	}
	if err := def.Validate(); err != nil {
		return nil, err
	}
	sv.Definition, sv.UpdatedAt = def, s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		// Saved under the draft condition, so an edit racing with opening
		// the questionnaire cannot change a definition people answer.
		if err := q.SetSurveyStatus(ctx, sv.ID, survey.Draft, sv.UpdatedAt, survey.Draft); err != nil {
			return err
		}
		if err := q.UpdateSurvey(ctx, sv); err != nil {
			return err
		}
		return s.recordSurvey(ctx, q, actor, sv, event.Updated, nil)
	})
	return sv, err
}

// SetSurveyStatus opens or closes a questionnaire (or reopens a closed one).
// Opening needs at least one item; closing an anonymous questionnaire
// discards unfinished drafts and rewrites its rows (see the store).
func (s *Service) SetSurveyStatus(ctx context.Context, actor *account.User, id int64, status survey.Status) error {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return err
	}
	var from []survey.Status
	verb := VerbSurveyOpened
	switch status {
	case survey.Open:
		from = []survey.Status{survey.Draft, survey.Closed}
		if len(sv.Definition.Items()) == 0 {
			return apperr.New(apperr.Conflict, "survey.error.no_items")
		}
	case survey.Closed:
		from, verb = []survey.Status{survey.Open}, VerbSurveyClosed
	default:
		f := apperr.Fields{}
		f.Add("status", "form.invalid_choice")
		return f.Err()
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.SetSurveyStatus(ctx, sv.ID, status, s.Now(), from...); err != nil {
			return err
		}
		if status == survey.Closed && sv.Anonymous {
			if err := q.CloseAnonymousResponses(ctx, sv.ID); err != nil {
				return err
			}
		}
		return s.recordSurvey(ctx, q, actor, sv, verb, map[string]any{"title": truncate(sv.Title, 200)})
	})
}

// hashSurveyToken is what the database keeps of a link's token.
func hashSurveyToken(token string) string {
	h := sha256.Sum256([]byte("survey-link:" + token))
	return hex.EncodeToString(h[:])
}

package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Answering questionnaires: who may, drafts that can be resumed, one
// response per person, and reminders to those who have not answered.
//
// Who may answer an open questionnaire between its opening and closing
// times: members of a community it is distributed to, people in an
// institution it is distributed to (or below it), and anyone signed in who
// holds one of its links.
//
// Anonymous questionnaires (see the store's survey_responses.go for the
// tables): a draft is kept under a key derived from a token that only the
// respondent's client holds (the HTML pages keep it in a cookie), so the
// server cannot find a person's draft without them; a submission is
// recorded as an event with no actor, dated to the start of the day, and
// anonymous drafts record no event at all. Reminders exist only for named
// questionnaires: they single out those who have not answered.

var (
	errNotAccepting    = apperr.New(apperr.Conflict, "survey.error.not_accepting")
	errAlreadyAnswered = apperr.New(apperr.Conflict, "survey.error.already_answered")
)

// RespondView is a questionnaire as a respondent sees it.
type RespondView struct {
	Survey *survey.Survey
	// Answers are the respondent's draft, or what their profile prefills.
	Answers  survey.Answers
	Visible  map[string]bool
	Phase    survey.Phase
	Answered bool // submitted already; nothing more to do
	HasDraft bool
	// Link is the token of the link the respondent came with, carried
	// along with the form so that saving and submitting know it.
	Link string
}

// respondentSurvey loads a questionnaire that actor may answer.
func (s *Service) respondentSurvey(ctx context.Context, actor *account.User, id int64, link string) (*survey.Survey, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	sv, err := s.db.R().SurveyByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sv.Status == survey.Draft {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if link != "" {
		d, err := s.db.R().SurveyDistributionByToken(ctx, hashSurveyToken(link))
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
		if err == nil && d.SurveyID == sv.ID && d.RevokedAt == nil {
			return sv, nil
		}
	}
	chain, err := s.institutionChain(ctx, actor)
	if err != nil {
		return nil, err
	}
	ok, err := s.db.R().SurveyTargets(ctx, sv.ID, actor.ID, chain)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.Forbidden, "survey.error.not_invited")
	}
	return sv, nil
}

// SurveyByLink resolves a questionnaire link to the questionnaire it opens.
func (s *Service) SurveyByLink(ctx context.Context, actor *account.User, token string) (*survey.Survey, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	if token == "" || len(token) > 100 {
		return nil, apperr.New(apperr.NotFound, "survey.error.link_invalid")
	}
	d, err := s.db.R().SurveyDistributionByToken(ctx, hashSurveyToken(token))
	if err != nil {
		return nil, err
	}
	if d.RevokedAt != nil || d.Kind != survey.TargetLink {
		return nil, apperr.New(apperr.NotFound, "survey.error.link_invalid")
	}
	return s.respondentSurvey(ctx, actor, d.SurveyID, token)
}

// draftKey derives the key of an anonymous draft from the client's token;
// the user and questionnaire are mixed in so that a token copied to
// another account or questionnaire finds nothing.
func draftKey(token string, userID, surveyID int64) string {
	h := sha256.Sum256([]byte("survey-draft:" + strconv.FormatInt(surveyID, 10) + ":" + strconv.FormatInt(userID, 10) + ":" + token))
	return hex.EncodeToString(h[:])
}

// NewDraftToken returns a token for a client to keep an anonymous draft under.
func NewDraftToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SurveyForRespondent returns the form for actor: their draft, or answers
// prefilled from their profile, and which items are visible.
func (s *Service) SurveyForRespondent(ctx context.Context, actor *account.User, id int64, link, draftToken string) (*RespondView, error) {
	sv, err := s.respondentSurvey(ctx, actor, id, link)
	if err != nil {
		return nil, err
	}
	v := &RespondView{Survey: sv, Phase: sv.PhaseAt(s.Now()), Link: link}
	if v.Answered, err = s.db.R().HasParticipated(ctx, sv.ID, actor.ID); err != nil || v.Answered {
		return v, err
	}
	var draft *survey.Response
	if sv.Anonymous {
		if draftToken != "" {
			draft, err = s.db.R().AnonymousDraft(ctx, sv.ID, draftKey(draftToken, actor.ID, sv.ID))
		}
	} else {
		draft, err = s.db.R().NamedResponse(ctx, sv.ID, actor.ID)
	}
	if err != nil {
		return nil, err
	}
	if draft != nil {
		v.Answers, v.HasDraft = draft.Answers, true
	} else {
		p, err := s.surveyProfile(ctx, actor)
		if err != nil {
			return nil, err
		}
		v.Answers = survey.Prefill(sv.Definition, p)
	}
	v.Visible = survey.Visible(sv.Definition, v.Answers)
	return v, nil
}

// PreviewSurvey shows a manager the form as respondents will see it, with
// the visibility that the given answers produce; nothing is saved.
func (s *Service) PreviewSurvey(ctx context.Context, actor *account.User, id int64, a survey.Answers) (*RespondView, error) {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if a == nil {
		p, err := s.surveyProfile(ctx, actor)
		if err != nil {
			return nil, err
		}
		a = survey.Prefill(sv.Definition, p)
	}
	return &RespondView{Survey: sv, Answers: a, Visible: survey.Visible(sv.Definition, a), Phase: sv.PhaseAt(s.Now())}, nil
}

// surveyProfile gathers what prefilling uses: the profile, and the school
// location of the person's institution or its nearest ancestor that has one.
func (s *Service) surveyProfile(ctx context.Context, u *account.User) (survey.Profile, error) {
	p := survey.Profile{Gender: u.Gender, Years: u.YearsOfTeaching, Title: u.Title, Subjects: u.Subjects, GradeBand: u.GradeBand}
	if u.InstitutionID == 0 {
		return p, nil
	}
	ref, err := s.spaces.get(ctx, u.InstitutionID)
	if err != nil {
		return p, err
	}
	ids, err := space.AncestorIDs(ref.Path)
	if err != nil {
		return p, err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		sp, err := s.db.R().SpaceByID(ctx, ids[i])
		if err != nil {
			return p, err
		}
		if sp.Location != "" {
			p.Location = sp.Location
			break
		}
	}
	return p, nil
}

// SaveSurveyDraft keeps unfinished answers so the respondent can come back.
// For an anonymous questionnaire it returns the token the client must keep
// (a new one when draftToken was empty).
func (s *Service) SaveSurveyDraft(ctx context.Context, actor *account.User, id int64, link, draftToken string, a survey.Answers) (string, error) {
	sv, err := s.respondentSurvey(ctx, actor, id, link)
	if err != nil {
		return "", err
	}
	if !sv.Accepting(s.Now()) {
		return "", errNotAccepting
	}
	if done, err := s.db.R().HasParticipated(ctx, sv.ID, actor.ID); err != nil {
		return "", err
	} else if done {
		return "", errAlreadyAnswered
	}
	clean, err := survey.Check(sv.Definition, a, false)
	if err != nil {
		return "", err
	}
	key := ""
	if sv.Anonymous {
		if draftToken == "" || len(draftToken) > 100 {
			draftToken = NewDraftToken()
		}
		key = draftKey(draftToken, actor.ID, sv.ID)
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.SaveSurveyDraft(ctx, sv, actor.ID, key, clean, s.Now()); err != nil {
			return err
		}
		if sv.Anonymous {
			return nil // no event: nothing may tie the person to the draft
		}
		return s.recordSurvey(ctx, q, actor, sv, VerbDraftSaved, nil)
	})
	if err != nil {
		return "", err
	}
	return draftToken, nil
}

// SubmitSurveyResponse records actor's final answers, once.
func (s *Service) SubmitSurveyResponse(ctx context.Context, actor *account.User, id int64, link, draftToken string, a survey.Answers) error {
	sv, err := s.respondentSurvey(ctx, actor, id, link)
	if err != nil {
		return err
	}
	now := s.Now()
	if !sv.Accepting(now) {
		return errNotAccepting
	}
	clean, err := survey.Check(sv.Definition, a, true)
	if err != nil {
		return err
	}
	key := ""
	if sv.Anonymous && draftToken != "" {
		key = draftKey(draftToken, actor.ID, sv.ID)
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		// Accepting again, under the transaction: a close (which, for an
		// anonymous questionnaire, rewrites its rows) or a change of times
		// since the check above must not let a late answer in.
		cur, err := q.SurveyPhaseForUpdate(ctx, sv.ID)
		if err != nil {
			return err
		}
		if !cur.Accepting(now) {
			return errNotAccepting
		}
		if _, err := q.SubmitSurveyResponse(ctx, sv, actor.ID, key, clean, actor.InstitutionID, now); err != nil {
			return err
		}
		if sv.Anonymous {
			// Someone answered, on this day: no actor, no institution,
			// no response key.
			return s.record(ctx, q, event.Event{At: store.Day(now), Verb: VerbSubmitted, ObjectType: ObjSurvey, ObjectID: sv.ID},
				map[string]any{"anonymous": true})
		}
		return s.recordSurvey(ctx, q, actor, sv, VerbSubmitted, nil)
	})
}

// JobSurveyReminders is the job kind that reminds a named questionnaire's
// non-respondents batch by batch; the app registers SendSurveyReminders.
const JobSurveyReminders = "survey.remind"

// ReminderInterval is how often a questionnaire's owner may remind.
const ReminderInterval = 12 * time.Hour

// surveyReminder is the payload of a JobSurveyReminders job.
type surveyReminder struct {
	Key      string `json:"key"` // one round of reminders: "<survey>:<time>"
	SurveyID int64  `json:"survey_id"`
	ActorID  int64  `json:"actor_id"`
	Batch    int    `json:"batch,omitempty"`
	After    int64  `json:"after,omitempty"`
}

func reminderKey(key string, batch int) string {
	return JobSurveyReminders + ":" + key + "#" + strconv.Itoa(batch)
}

// RemindSurveyNonRespondents queues a notification to everyone a named,
// open questionnaire was distributed to who has not submitted yet, at most
// once per ReminderInterval.
func (s *Service) RemindSurveyNonRespondents(ctx context.Context, actor *account.User, id int64) error {
	sv, err := s.managedSurvey(ctx, actor, id)
	if err != nil {
		return err
	}
	if sv.Anonymous {
		return apperr.New(apperr.Conflict, "survey.error.anonymous_no_reminders")
	}
	now := s.Now()
	if !sv.Accepting(now) {
		return errNotAccepting
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		ok, err := q.MarkSurveyReminded(ctx, sv.ID, now, now.Add(-ReminderInterval))
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.RateLimited, "survey.error.reminded_recently")
		}
		key := strconv.FormatInt(sv.ID, 10) + ":" + strconv.FormatInt(now.UnixMilli(), 10)
		if _, err := jobs.Enqueue(ctx, q, JobSurveyReminders, surveyReminder{Key: key, SurveyID: sv.ID, ActorID: actor.ID},
			now, jobs.Options{UniqueKey: reminderKey(key, 0)}); err != nil {
			return err
		}
		return s.recordSurvey(ctx, q, actor, sv, VerbReminded, nil)
	})
	if err == nil && s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return err
}

// SendSurveyReminders is the handler of JobSurveyReminders: each job
// reminds one batch of non-respondents in ID order and queues the next
// batch in the same transaction, whose unique key doubles as this batch's
// receipt (as FanOutToMembers does), so a job run twice reminds nobody
// twice. It stops when the questionnaire no longer accepts responses.
func (s *Service) SendSurveyReminders(ctx context.Context, j jobs.Job) error {
	var r surveyReminder
	if err := j.Decode(&r); err != nil {
		return jobs.Permanent(err)
	}
	if r.Key == "" || r.SurveyID <= 0 {
		return jobs.Permanent(fmt.Errorf("survey reminder job %d: incomplete payload %s", j.ID, j.Payload))
	}
	more := false
	err := s.db.Tx(ctx, func(q *store.Q) error {
		sv, err := q.SurveyByID(ctx, r.SurveyID)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if sv.Anonymous || !sv.Accepting(s.Now()) {
			return nil
		}
		ids, err := q.SurveyNonRespondents(ctx, sv.ID, r.After, s.fanoutBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		next := r
		next.Batch, next.After = r.Batch+1, ids[len(ids)-1]
		queued, err := jobs.Enqueue(ctx, q, JobSurveyReminders, next, s.Now(), jobs.Options{UniqueKey: reminderKey(r.Key, next.Batch)})
		if err != nil || queued == 0 {
			return err
		}
		for _, uid := range ids {
			err := s.Notify(ctx, q, notify.Notification{UserID: uid, Kind: notify.SurveyReminder, ActorID: r.ActorID,
				ObjectType: ObjSurvey, ObjectID: sv.ID, Title: sv.Title, URL: SurveyRespondURL(sv.ID)})
			if err != nil {
				return err
			}
		}
		more = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("remind survey %d after user %d: %w", r.SurveyID, r.After, err)
	}
	if more && s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return nil
}

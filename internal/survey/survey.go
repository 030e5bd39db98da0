// Package survey owns questionnaires for research: their definition
// (sections; single and multiple choice with "other, please specify";
// Likert items grouped into dimensions with reverse-scored items; matrix
// questions; numbers; open text; demographic questions prefilled from a
// teacher's profile; required items and show-if logic), the rules a
// definition and a response must satisfy, the export variables with their
// value labels and reverse coding, dimension scores, and a library of
// templates. It also defines the questionnaire's lifecycle (draft, open,
// closed) and its distribution targets. It does no I/O: the store keeps a
// definition as JSON, the service decides who may do what, and the
// statistics engine (internal/stats) analyses the variables built here.
package survey

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Status is where a questionnaire stands in its lifecycle.
type Status string

// Lifecycle: draft (editable, not answerable) → open (answerable between
// its opening and closing times) → closed (results only). A closed
// questionnaire may be reopened; a definition is frozen once it leaves
// draft, so every response answers the same questions.
const (
	Draft  Status = "draft"
	Open   Status = "open"
	Closed Status = "closed"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{Draft, Open, Closed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Draft || s == Open || s == Closed }

// Survey is a questionnaire with its settings.
type Survey struct {
	ID            int64
	OwnerID       int64
	OwnerName     string // filled by listings
	InstitutionID int64  // the owner's institution when it was created; 0 for none
	Title         string
	Description   string
	Definition    *Definition
	Status        Status
	// Anonymous questionnaires store no link between a person and a
	// response; see the store's survey tables for how.
	Anonymous     bool
	OpensAt       *time.Time
	ClosesAt      *time.Time
	ResponseCount int // submitted responses
	RemindedAt    *time.Time
	Template      string // key of the template it started from, "" for none
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Phase is what a questionnaire looks like at a moment: its status refined
// by its opening and closing times.
type Phase string

// The phases.
const (
	PhaseDraft     Phase = "draft"
	PhaseScheduled Phase = "scheduled" // open, before its opening time
	PhaseOpen      Phase = "open"      // accepting responses
	PhaseEnded     Phase = "ended"     // open, after its closing time
	PhaseClosed    Phase = "closed"
)

// PhaseAt tells the questionnaire's phase at now.
func (s *Survey) PhaseAt(now time.Time) Phase {
	switch s.Status {
	case Draft:
		return PhaseDraft
	case Closed:
		return PhaseClosed
	}
	if s.OpensAt != nil && now.Before(*s.OpensAt) {
		return PhaseScheduled
	}
	if s.ClosesAt != nil && !now.Before(*s.ClosesAt) {
		return PhaseEnded
	}
	return PhaseOpen
}

// Accepting reports whether responses may be saved or submitted at now.
func (s *Survey) Accepting(now time.Time) bool { return s.PhaseAt(now) == PhaseOpen }

// Limits on settings.
const (
	MaxTitle       = 200
	MaxDescription = 5000
)

// Settings are a questionnaire's editable settings beside its definition.
type Settings struct {
	Title       string
	Description string
	Anonymous   bool
	OpensAt     *time.Time
	ClosesAt    *time.Time
}

// Validate checks the settings and trims whitespace.
func (in *Settings) Validate() error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxTitle:
		f.Add("title", "form.too_long", "max", MaxTitle)
	}
	if utf8.RuneCountInString(in.Description) > MaxDescription {
		f.Add("description", "form.too_long", "max", MaxDescription)
	}
	if in.OpensAt != nil && in.ClosesAt != nil && !in.ClosesAt.After(*in.OpensAt) {
		f.Add("closes_at", "survey.error.closes_before_opens")
	}
	return f.Err()
}

// TargetKind is who a distribution reaches.
type TargetKind string

// The distribution targets.
const (
	TargetCommunity   TargetKind = "community"   // the members of a training community
	TargetInstitution TargetKind = "institution" // everyone in an institution and its subtree
	TargetLink        TargetKind = "link"        // anyone signed in who holds the link
)

// TargetKinds lists them for forms.
var TargetKinds = []TargetKind{TargetCommunity, TargetInstitution, TargetLink}

// Valid reports whether k is a known target kind.
func (k TargetKind) Valid() bool {
	return k == TargetCommunity || k == TargetInstitution || k == TargetLink
}

// Distribution makes a questionnaire answerable by a group of people.
type Distribution struct {
	ID         int64
	SurveyID   int64
	Kind       TargetKind
	TargetID   int64  // the community or institution; 0 for a link
	TargetName string // filled by listings
	TokenHash  string // links only: SHA-256 of the token, which is shown once
	CreatedBy  int64
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// MaxDistributions bounds the distributions of one questionnaire.
const MaxDistributions = 50

// ResponseStatus is where a response stands.
type ResponseStatus string

// Response statuses: a draft can be resumed, a submitted response is final.
const (
	ResponseDraft     ResponseStatus = "draft"
	ResponseSubmitted ResponseStatus = "submitted"
)

// Response is one person's answers. In an anonymous questionnaire UserID is
// always 0 and the times are rounded to the day.
type Response struct {
	ID            string // random, never sequential
	SurveyID      int64
	UserID        int64
	Status        ResponseStatus
	Answers       Answers
	InstitutionID int64 // the respondent's institution at submission
	SubmittedAt   *time.Time
	UpdatedAt     time.Time
}

// MinAnonymousGroup is the fewest responses results of an anonymous
// questionnaire show apart (an institution's row, a subset, a group):
// below it, the few who answered could be told apart. See the anonymity
// design in internal/store/survey_responses.go.
const MinAnonymousGroup = 5

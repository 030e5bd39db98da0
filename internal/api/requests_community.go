package api

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
)

// Request DTOs of communities, memberships and theme negotiation. Dates and
// times travel as strings and are parsed here, so that a malformed one is
// reported on its field like any other invalid value.

// maxIDList bounds the lists of IDs and names a request may carry: a
// ballot, a decision, an invitation. Real ones hold a handful.
const maxIDList = 100

// noBody is the body of actions that take no parameters (leave, withdraw,
// accept): absent or {}, and nothing else.
type noBody struct{}

// communityCreate is the body of POST /communities.
type communityCreate struct {
	InstitutionID int64                `json:"institution_id"`
	Name          string               `json:"name"`
	Purpose       string               `json:"purpose"`
	Subject       string               `json:"subject"`
	GradeBand     string               `json:"grade_band"`
	StartsOn      *string              `json:"starts_on"`
	EndsOn        *string              `json:"ends_on"`
	JoinPolicy    community.JoinPolicy `json:"join_policy"`
	Visibility    space.Visibility     `json:"visibility"`
	MemberCap     int                  `json:"member_cap"`
}

// input parses the dates and returns the domain input, or field errors.
func (in communityCreate) input() (community.Input, error) {
	f := apperr.Fields{}
	out := community.Input{Name: in.Name, Purpose: in.Purpose, Subject: in.Subject, GradeBand: in.GradeBand,
		StartsOn: parseDate(f, "starts_on", in.StartsOn), EndsOn: parseDate(f, "ends_on", in.EndsOn),
		JoinPolicy: in.JoinPolicy, Visibility: in.Visibility, MemberCap: in.MemberCap}
	return out, f.Err()
}

// communityUpdate is the body of PATCH /communities/{id}: absent fields
// keep their values, and null clears a date.
type communityUpdate struct {
	Name       *string               `json:"name"`
	Purpose    *string               `json:"purpose"`
	Subject    *string               `json:"subject"`
	GradeBand  *string               `json:"grade_band"`
	StartsOn   optionalString        `json:"starts_on"`
	EndsOn     optionalString        `json:"ends_on"`
	JoinPolicy *community.JoinPolicy `json:"join_policy"`
	Visibility *space.Visibility     `json:"visibility"`
	MemberCap  *int                  `json:"member_cap"`
}

// input merges the fields present in the body into the community's
// current settings.
func (u communityUpdate) input(c *community.Community) (community.Input, error) {
	in := community.Input{Name: c.Space.Name, Purpose: c.Purpose, Subject: c.Subject, GradeBand: c.GradeBand,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn, JoinPolicy: c.JoinPolicy, Visibility: c.Space.Visibility, MemberCap: c.MemberCap}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Name, u.Name)
	set(&in.Purpose, u.Purpose)
	set(&in.Subject, u.Subject)
	set(&in.GradeBand, u.GradeBand)
	if u.JoinPolicy != nil {
		in.JoinPolicy = *u.JoinPolicy
	}
	if u.Visibility != nil {
		in.Visibility = *u.Visibility
	}
	if u.MemberCap != nil {
		in.MemberCap = *u.MemberCap
	}
	f := apperr.Fields{}
	if u.StartsOn.Set {
		in.StartsOn = parseDate(f, "starts_on", u.StartsOn.Value)
	}
	if u.EndsOn.Set {
		in.EndsOn = parseDate(f, "ends_on", u.EndsOn.Value)
	}
	return in, f.Err()
}

// optionalString tells an absent field (Set false) from an explicit null
// (Set true, Value nil), like optionalInt.
type optionalString struct {
	Set   bool
	Value *string
}

// UnmarshalJSON is called for null too, which is the point of the type.
func (o *optionalString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err // an *json.UnmarshalTypeError; the decoder adds the field name
	}
	o.Value = &v
	return nil
}

// parseDate reads an optional calendar date (2026-09-01) as midnight UTC,
// recording a field error when it is malformed. An empty string is no date.
func parseDate(f apperr.Fields, field string, s *string) *time.Time {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	t, err := time.Parse(dateLayout, strings.TrimSpace(*s))
	if err != nil {
		f.Add(field, "api.field.date")
		return nil
	}
	return &t
}

// parseDateTime reads a required RFC 3339 date-time, recording a field
// error when it is missing or malformed.
func parseDateTime(f apperr.Fields, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		f.Add(field, "form.required")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		f.Add(field, "api.field.datetime")
		return time.Time{}
	}
	return t.UTC()
}

// statusChange is the body of POST /communities/{id}/status.
type statusChange struct {
	Status community.Status `json:"status"`
}

// joinBody is the body of POST /communities/{id}/join; the message goes
// with a request to join a community that admits by request.
type joinBody struct {
	Message string `json:"message"`
}

// requestDecision is the body of POST /communities/{id}/requests/{rid}.
type requestDecision struct {
	Approve *bool  `json:"approve"`
	Reason  string `json:"reason"`
}

// roleChange is the body of PUT /communities/{id}/members/{user_id}.
type roleChange struct {
	Role space.MemberRole `json:"role"`
}

// invitationCreate is the body of POST /communities/{id}/invitations; the
// role defaults to member.
type invitationCreate struct {
	Usernames []string         `json:"usernames"`
	Role      space.MemberRole `json:"role"`
}

// inviteLinkCreate is the body of POST /communities/{id}/invite-links; a
// link lasts service.DefaultInviteDays unless days says otherwise, and
// max_uses 0 (the default) means unlimited.
type inviteLinkCreate struct {
	Days    *int `json:"days"`
	MaxUses int  `json:"max_uses"`
}

func (in inviteLinkCreate) days() int {
	if in.Days == nil {
		return service.DefaultInviteDays
	}
	return *in.Days
}

// proposalCreate is the body of POST /communities/{id}/proposals.
type proposalCreate struct {
	Title     string `json:"title"`
	Problem   string `json:"problem"`
	Rationale string `json:"rationale"`
	Plan      string `json:"plan"`
}

func (in proposalCreate) input() community.ProposalInput {
	return community.ProposalInput{Title: in.Title, Problem: in.Problem, Rationale: in.Rationale, Plan: in.Plan}
}

// roundCreate is the body of POST /communities/{id}/rounds.
type roundCreate struct {
	Title       string  `json:"title"`
	Proposals   []int64 `json:"proposals"`
	Budget      int     `json:"budget"`
	ClosesAt    string  `json:"closes_at"`
	LiveResults bool    `json:"live_results"`
	Secret      bool    `json:"secret"`
}

func (in roundCreate) input() (community.RoundInput, error) {
	f := apperr.Fields{}
	if len(in.Proposals) > maxIDList {
		f.Add("proposals", "api.field.too_many", "max", maxIDList)
	}
	out := community.RoundInput{Title: in.Title, ProposalIDs: in.Proposals, Budget: in.Budget,
		ClosesAt: parseDateTime(f, "closes_at", in.ClosesAt), LiveResults: in.LiveResults, Secret: in.Secret}
	return out, f.Err()
}

// ballot is the body of POST /rounds/{id}/votes.
type ballot struct {
	Approve []int64 `json:"approve"`
}

// decision is the body of POST /communities/{id}/decisions: either adopt
// or decline a list of proposals, with a note.
type decision struct {
	Adopt   []int64 `json:"adopt"`
	Decline []int64 `json:"decline"`
	Note    string  `json:"note"`
}

// parse says which way the decision goes and on which proposals, each
// once; field is the name of the list used, for error messages.
func (d decision) parse() (adopt bool, ids []int64, field string, err error) {
	f := apperr.Fields{}
	switch {
	case (d.Adopt == nil) == (d.Decline == nil):
		f.Add("adopt", "api.field.adopt_or_decline")
		return false, nil, "", f.Err()
	case d.Adopt != nil:
		adopt, ids, field = true, d.Adopt, "adopt"
	default:
		ids, field = d.Decline, "decline"
	}
	if len(ids) > maxIDList {
		f.Add(field, "api.field.too_many", "max", maxIDList)
		return false, nil, "", f.Err()
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return adopt, slices.Compact(ids), field, nil
}

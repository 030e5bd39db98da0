package community

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// ProposalStatus is where a theme proposal stands.
type ProposalStatus string

// Proposal statuses. Adopted proposals are the community's current themes.
const (
	Proposed  ProposalStatus = "proposed"
	Adopted   ProposalStatus = "adopted"
	Declined  ProposalStatus = "declined"
	Withdrawn ProposalStatus = "withdrawn"
)

// Proposal is a theme a member proposes from their practice.
type Proposal struct {
	ID           int64
	SpaceID      int64
	AuthorID     int64
	AuthorName   string
	Title        string
	Problem      string // the problem from practice
	Rationale    string // why it matters
	Plan         string // what the community would do
	Status       ProposalStatus
	DecisionNote string
	DecidedBy    int64
	DecidedAt    *time.Time
	CommentCount int
	CreatedAt    time.Time
}

// ProposalInput is what a member submits.
type ProposalInput struct {
	Title, Problem, Rationale, Plan string
}

// Limits on proposals.
const (
	MaxProposalTitle = 100
	MaxProposalText  = 5000
)

// Validate checks a proposal.
func (in *ProposalInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Problem, in.Rationale, in.Plan = strings.TrimSpace(in.Problem), strings.TrimSpace(in.Rationale), strings.TrimSpace(in.Plan)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxProposalTitle:
		f.Add("title", "form.too_long", "max", MaxProposalTitle)
	}
	if in.Problem == "" {
		f.Add("problem", "form.required")
	}
	for field, v := range map[string]string{"problem": in.Problem, "rationale": in.Rationale, "plan": in.Plan} {
		if utf8.RuneCountInString(v) > MaxProposalText {
			f.Add(field, "form.too_long", "max", MaxProposalText)
		}
	}
	return f.Err()
}

// Round is a voting round over some proposals. Approval voting: each voter
// approves up to Budget proposals, once.
type Round struct {
	ID          int64
	SpaceID     int64
	CreatedBy   int64
	Title       string
	Budget      int
	ClosesAt    time.Time
	LiveResults bool // tallies visible while open; otherwise after ClosesAt
	Secret      bool // no link between voter and choice is stored anywhere
	VoterCount  int
	CreatedAt   time.Time
	Options     []Option
}

// Option is a proposal on a round's ballot with its tally.
type Option struct {
	ProposalID int64
	Title      string
	Tally      int
}

// Open reports whether the round accepts ballots at now.
func (r *Round) Open(now time.Time) bool { return now.Before(r.ClosesAt) }

// ResultsVisible reports whether tallies may be shown at now.
func (r *Round) ResultsVisible(now time.Time) bool { return r.LiveResults || !r.Open(now) }

// RoundInput is what a host sets up.
type RoundInput struct {
	Title       string
	ProposalIDs []int64
	Budget      int
	ClosesAt    time.Time
	LiveResults bool
	Secret      bool
}

// Validate checks a round against the clock.
func (in *RoundInput) Validate(now time.Time) error {
	in.Title = strings.TrimSpace(in.Title)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxProposalTitle:
		f.Add("title", "form.too_long", "max", MaxProposalTitle)
	}
	if len(in.ProposalIDs) < 2 {
		f.Add("proposals", "community.vote.need_two")
	}
	if in.Budget < 1 || in.Budget > max(1, len(in.ProposalIDs)) {
		f.Add("budget", "form.out_of_range", "min", 1, "max", max(1, len(in.ProposalIDs)))
	}
	if !in.ClosesAt.After(now) {
		f.Add("closes_at", "community.vote.deadline_past")
	}
	return f.Err()
}

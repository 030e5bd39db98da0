package api

import (
	"time"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Response DTOs of training communities, their memberships and their theme
// negotiation. Start and end dates are calendar dates ("2026-09-01"), since
// a community starts on a day, not at an instant; every other time is
// RFC 3339 in UTC.

// dateLayout is RFC 3339's full-date, the form of starts_on and ends_on.
const dateLayout = time.DateOnly

// namedRef names another object inside an answer.
type namedRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// communityDTO is a community as listings show it.
type communityDTO struct {
	ID          int64                `json:"id"`
	Name        string               `json:"name"`
	Purpose     string               `json:"purpose"`
	Subject     string               `json:"subject"`
	GradeBand   string               `json:"grade_band"`
	Institution namedRef             `json:"institution"`
	Visibility  space.Visibility     `json:"visibility"`
	JoinPolicy  community.JoinPolicy `json:"join_policy"`
	Status      community.Status     `json:"status"`
	MemberCap   int                  `json:"member_cap"`
	MemberCount int                  `json:"member_count"`
	StartsOn    *string              `json:"starts_on"`
	EndsOn      *string              `json:"ends_on"`
	CreatedBy   int64                `json:"created_by"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
}

func newCommunity(c *community.Community) communityDTO {
	return communityDTO{ID: c.Space.ID, Name: c.Space.Name, Purpose: c.Purpose, Subject: c.Subject, GradeBand: c.GradeBand,
		Institution: namedRef{ID: c.InstitutionID, Name: c.Institution}, Visibility: c.Space.Visibility,
		JoinPolicy: c.JoinPolicy, Status: c.Status, MemberCap: c.MemberCap, MemberCount: c.Space.MemberCount,
		StartsOn: optDate(c.StartsOn), EndsOn: optDate(c.EndsOn), CreatedBy: c.CreatedBy,
		CreatedAt: c.Space.CreatedAt.UTC(), UpdatedAt: c.Space.UpdatedAt.UTC()}
}

// viewerDTO is what the caller may do in a community, so that a client can
// offer only the actions that will succeed.
type viewerDTO struct {
	Role               *space.MemberRole `json:"role"`
	Read               bool              `json:"read"`
	Write              bool              `json:"write"`
	Lead               bool              `json:"lead"`
	Host               bool              `json:"host"`
	Archived           bool              `json:"archived"`
	JoinRequestPending bool              `json:"join_request_pending"`
}

// communityDetailDTO is one community with the caller's access and its
// current (adopted) themes.
type communityDetailDTO struct {
	communityDTO
	Viewer        viewerDTO  `json:"viewer"`
	CurrentThemes []namedRef `json:"current_themes"`
}

func newCommunityDetail(c *community.Community, a service.Access, pending bool, themes []*community.Proposal) communityDetailDTO {
	v := viewerDTO{Read: a.Read, Write: a.Write, Lead: a.Lead, Host: a.Host, Archived: a.Archived, JoinRequestPending: pending}
	if a.Role != "" {
		role := a.Role
		v.Role = &role
	}
	out := communityDetailDTO{communityDTO: newCommunity(c), Viewer: v, CurrentThemes: make([]namedRef, 0, len(themes))}
	for _, p := range themes {
		out.CurrentThemes = append(out.CurrentThemes, namedRef{ID: p.ID, Name: p.Title})
	}
	return out
}

// memberDTO is a person with their role in a community.
type memberDTO struct {
	User userDTO          `json:"user"`
	Role space.MemberRole `json:"role"`
}

func newMember(m store.Member) memberDTO { return memberDTO{User: newUser(m.User), Role: m.Role} }

// joinResultDTO answers a request to join: a member at once, or a request
// waiting for the leads.
type joinResultDTO struct {
	Status string            `json:"status"` // joined or pending
	Role   *space.MemberRole `json:"role"`
}

// joinRequestDTO is a pending request to join, as the leads review it.
type joinRequestDTO struct {
	ID          int64     `json:"id"`
	CommunityID int64     `json:"community_id"`
	User        authorDTO `json:"user"`
	Message     string    `json:"message"`
	CreatedAt   time.Time `json:"created_at"`
}

func newJoinRequest(r *store.JoinRequest) joinRequestDTO {
	return joinRequestDTO{ID: r.ID, CommunityID: r.SpaceID,
		User:    authorDTO{ID: r.UserID, Username: r.Username, DisplayName: r.UserName},
		Message: r.Message, CreatedAt: r.CreatedAt.UTC()}
}

// invitedDTO answers invitations by name.
type invitedDTO struct {
	Invited int `json:"invited"`
}

// inviteLinkDTO carries an invite link's token, shown this once: only its
// hash is kept.
type inviteLinkDTO struct {
	Token      string `json:"token"`
	AcceptPath string `json:"accept_path"`
	Days       int    `json:"days"`
	MaxUses    int    `json:"max_uses"`
}

// personRef names a person where only their ID and display name are known.
type personRef struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
}

// proposalDTO is a theme proposal. Its texts are plain text as written.
type proposalDTO struct {
	ID           int64                    `json:"id"`
	CommunityID  int64                    `json:"community_id"`
	Author       personRef                `json:"author"`
	Title        string                   `json:"title"`
	Problem      string                   `json:"problem"`
	Rationale    string                   `json:"rationale"`
	Plan         string                   `json:"plan"`
	Status       community.ProposalStatus `json:"status"`
	DecisionNote string                   `json:"decision_note"`
	DecidedBy    *int64                   `json:"decided_by"`
	DecidedAt    *time.Time               `json:"decided_at"`
	CommentCount int                      `json:"comment_count"`
	CreatedAt    time.Time                `json:"created_at"`
}

func newProposal(p *community.Proposal) proposalDTO {
	return proposalDTO{ID: p.ID, CommunityID: p.SpaceID, Author: personRef{ID: p.AuthorID, DisplayName: p.AuthorName},
		Title: p.Title, Problem: p.Problem, Rationale: p.Rationale, Plan: p.Plan, Status: p.Status,
		DecisionNote: p.DecisionNote, DecidedBy: optID(p.DecidedBy), DecidedAt: optTime(p.DecidedAt),
		CommentCount: p.CommentCount, CreatedAt: p.CreatedAt.UTC()}
}

// proposalCommentDTO is one contribution to a proposal's discussion.
type proposalCommentDTO struct {
	ID         int64     `json:"id"`
	ProposalID int64     `json:"proposal_id"`
	Author     authorDTO `json:"author"`
	Body       string    `json:"body"`
	BodyHTML   string    `json:"body_html"`
	CreatedAt  time.Time `json:"created_at"`
}

func newProposalComment(proposalID int64, c *journal.Comment) proposalCommentDTO {
	return proposalCommentDTO{ID: c.ID, ProposalID: proposalID,
		Author: authorDTO{ID: c.AuthorID, Username: c.AuthorUsername, DisplayName: c.AuthorName},
		Body:   c.Body, BodyHTML: c.BodyHTML, CreatedAt: c.CreatedAt.UTC()}
}

// proposalDetailDTO is a proposal with its whole discussion.
type proposalDetailDTO struct {
	proposalDTO
	Comments []proposalCommentDTO `json:"comments"`
}

func newProposalDetail(pg *service.ProposalPage) proposalDetailDTO {
	out := proposalDetailDTO{proposalDTO: newProposal(pg.Proposal), Comments: make([]proposalCommentDTO, 0, len(pg.Comments))}
	for _, c := range pg.Comments {
		out.Comments = append(out.Comments, newProposalComment(pg.Proposal.ID, c))
	}
	return out
}

// optionDTO is one proposal on a round's ballot. Tally is null while the
// results are hidden; voters is null for secret rounds and hidden results.
type optionDTO struct {
	ProposalID int64    `json:"proposal_id"`
	Title      string   `json:"title"`
	Tally      *int     `json:"tally"`
	Voters     []string `json:"voters"`
}

// roundDTO is a voting round as the caller may see it.
type roundDTO struct {
	ID             int64       `json:"id"`
	CommunityID    int64       `json:"community_id"`
	Title          string      `json:"title"`
	Budget         int         `json:"budget"`
	ClosesAt       time.Time   `json:"closes_at"`
	LiveResults    bool        `json:"live_results"`
	Secret         bool        `json:"secret"`
	VoterCount     int         `json:"voter_count"`
	CreatedAt      time.Time   `json:"created_at"`
	Open           bool        `json:"open"`
	ResultsVisible bool        `json:"results_visible"`
	HasVoted       bool        `json:"has_voted"`
	Options        []optionDTO `json:"options"`
}

func newRound(v service.RoundView) roundDTO {
	r := v.Round
	out := roundDTO{ID: r.ID, CommunityID: r.SpaceID, Title: r.Title, Budget: r.Budget, ClosesAt: r.ClosesAt.UTC(),
		LiveResults: r.LiveResults, Secret: r.Secret, VoterCount: r.VoterCount, CreatedAt: r.CreatedAt.UTC(),
		Open: v.Open, ResultsVisible: v.ResultsVisible, HasVoted: v.HasVoted, Options: make([]optionDTO, 0, len(r.Options))}
	for _, o := range r.Options {
		opt := optionDTO{ProposalID: o.ProposalID, Title: o.Title}
		if v.ResultsVisible {
			tally := o.Tally
			opt.Tally = &tally
			if !r.Secret {
				opt.Voters = v.Voters[o.ProposalID]
				if opt.Voters == nil {
					opt.Voters = []string{}
				}
			}
		}
		out.Options = append(out.Options, opt)
	}
	return out
}

// optDate formats a calendar date, null when unset.
func optDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(dateLayout)
	return &s
}

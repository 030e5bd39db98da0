package service

import (
	"context"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Theme negotiation: members propose themes drawn from practice and discuss
// them; the host opens approval-voting rounds and adopts one or more themes
// with a note. Adopted themes are the community's current themes; the whole
// history of proposals, rounds and decisions is kept.

func (s *Service) recordTheme(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, verb event.Verb, objType string, objID int64, details map[string]any) error {
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: objType, ObjectID: objID,
		SpaceID: c.Space.ID, InstitutionID: actor.InstitutionID}, details)
}

// Propose files a theme proposal (any member of a community that is not archived).
func (s *Service) Propose(ctx context.Context, actor *account.User, communityID int64, in community.ProposalInput) (*community.Proposal, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if err := requireWrite(a); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &community.Proposal{SpaceID: c.Space.ID, AuthorID: actor.ID, AuthorName: actor.Name(), Title: in.Title,
		Problem: in.Problem, Rationale: in.Rationale, Plan: in.Plan, Status: community.Proposed, CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateProposal(ctx, p); err != nil {
			return err
		}
		return s.recordTheme(ctx, q, actor, c, VerbProposed, ObjProposal, p.ID, map[string]any{"title": truncate(p.Title, 200)})
	})
	return p, err
}

// requireWrite explains why someone may not write: archived, or not a member.
func requireWrite(a Access) error {
	switch {
	case a.Archived:
		return errArchived
	case !a.Write:
		return apperr.New(apperr.Forbidden, "community.error.members_only")
	}
	return nil
}

// proposal loads a proposal with its community and the viewer's access.
func (s *Service) proposal(ctx context.Context, viewer *account.User, id int64) (*community.Proposal, *community.Community, Access, error) {
	p, err := s.db.R().ProposalByID(ctx, id)
	if err != nil {
		return nil, nil, Access{}, err
	}
	c, a, err := s.community(ctx, viewer, p.SpaceID)
	if err != nil {
		return nil, nil, a, err
	}
	return p, c, a, nil
}

// ProposalPage is a proposal with its discussion.
type ProposalPage struct {
	Proposal  *community.Proposal
	Community *community.Community
	Access    Access
	Comments  []*journal.Comment
}

// Proposal returns a proposal and its discussion to readers of the community.
func (s *Service) Proposal(ctx context.Context, viewer *account.User, id int64) (*ProposalPage, error) {
	p, c, a, err := s.proposal(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	cs, err := s.db.R().ProposalComments(ctx, id)
	if err != nil {
		return nil, err
	}
	return &ProposalPage{Proposal: p, Community: c, Access: a, Comments: cs}, nil
}

// Proposals lists a community's proposals for its readers.
func (s *Service) Proposals(ctx context.Context, viewer *account.User, communityID int64) ([]*community.Proposal, error) {
	if _, _, err := s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	return s.db.R().Proposals(ctx, communityID)
}

// CurrentThemes lists the adopted themes of a community.
func (s *Service) CurrentThemes(ctx context.Context, viewer *account.User, communityID int64) ([]*community.Proposal, error) {
	if _, _, err := s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	return s.db.R().Proposals(ctx, communityID, community.Adopted)
}

// CommentOnProposal adds to a proposal's discussion.
func (s *Service) CommentOnProposal(ctx context.Context, actor *account.User, id int64, body string) (*journal.Comment, error) {
	p, c, a, err := s.proposal(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := requireWrite(a); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if err := journal.ValidateComment(body); err != nil {
		return nil, err
	}
	html, err := render("body", body)
	if err != nil {
		return nil, err
	}
	cm := &journal.Comment{AuthorID: actor.ID, Body: body, BodyHTML: html, CreatedAt: s.Now(), AuthorName: actor.Name(), AuthorUsername: actor.Username}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.AddProposalComment(ctx, p.ID, cm); err != nil {
			return err
		}
		return s.recordTheme(ctx, q, actor, c, event.Commented, ObjProposal, p.ID, nil)
	})
	return cm, err
}

// OpenRound starts a voting round over proposals still under discussion (host only).
func (s *Service) OpenRound(ctx context.Context, actor *account.User, communityID int64, in community.RoundInput) (*community.Round, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if a.Archived {
		return nil, errArchived
	}
	if !a.Host {
		return nil, errForbidden
	}
	now := s.Now()
	slices.Sort(in.ProposalIDs)
	in.ProposalIDs = slices.Compact(in.ProposalIDs)
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	open, err := s.db.R().Proposals(ctx, c.Space.ID, community.Proposed)
	if err != nil {
		return nil, err
	}
	for _, id := range in.ProposalIDs {
		if !slices.ContainsFunc(open, func(p *community.Proposal) bool { return p.ID == id }) {
			f := apperr.Fields{}
			f.Add("proposals", "community.vote.not_on_ballot")
			return nil, f.Err()
		}
	}
	r := &community.Round{SpaceID: c.Space.ID, CreatedBy: actor.ID, Title: in.Title, Budget: in.Budget, ClosesAt: in.ClosesAt,
		LiveResults: in.LiveResults, Secret: in.Secret, CreatedAt: now}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateRound(ctx, r, in.ProposalIDs); err != nil {
			return err
		}
		if err := s.announceRound(ctx, q, actor, c, r); err != nil {
			return err
		}
		return s.recordTheme(ctx, q, actor, c, VerbRoundOpened, ObjRound, r.ID, map[string]any{"title": truncate(r.Title, 200),
			"closes_at": r.ClosesAt.UnixMilli(), "secret": r.Secret})
	})
	return r, err
}

// RoundView is a round as one viewer may see it: tallies only when the
// results are visible, voters' names only for named rounds.
type RoundView struct {
	Round          *community.Round
	Open           bool
	ResultsVisible bool
	HasVoted       bool
	Voters         map[int64][]string
}

// Rounds lists a community's voting rounds as the viewer may see them.
func (s *Service) Rounds(ctx context.Context, viewer *account.User, communityID int64) ([]RoundView, error) {
	if _, _, err := s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	rs, err := s.db.R().Rounds(ctx, communityID, 50)
	if err != nil {
		return nil, err
	}
	out := make([]RoundView, 0, len(rs))
	for _, r := range rs {
		v, err := s.roundView(ctx, viewer, r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Service) roundView(ctx context.Context, viewer *account.User, r *community.Round) (RoundView, error) {
	now := s.Now()
	v := RoundView{Round: r, Open: r.Open(now), ResultsVisible: r.ResultsVisible(now)}
	if viewer != nil {
		var err error
		if v.HasVoted, err = s.db.R().HasVoted(ctx, r.ID, viewer.ID); err != nil {
			return v, err
		}
	}
	if !v.ResultsVisible {
		hidden := make([]community.Option, len(r.Options))
		for i, o := range r.Options {
			hidden[i] = community.Option{ProposalID: o.ProposalID, Title: o.Title}
		}
		r.Options = hidden
		return v, nil
	}
	if !r.Secret {
		var err error
		if v.Voters, err = s.db.R().Voters(ctx, r.ID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// Vote casts actor's ballot in a round: up to the budget of distinct
// proposals, once, before the deadline.
func (s *Service) Vote(ctx context.Context, actor *account.User, roundID int64, approve []int64) error {
	r, err := s.db.R().RoundByID(ctx, roundID)
	if err != nil {
		return err
	}
	c, a, err := s.community(ctx, actor, r.SpaceID)
	if err != nil {
		return err
	}
	if err := requireWrite(a); err != nil {
		return err
	}
	if !r.Open(s.Now()) {
		return apperr.New(apperr.Conflict, "community.vote.closed")
	}
	slices.Sort(approve)
	approve = slices.Compact(approve)
	f := apperr.Fields{}
	switch {
	case len(approve) == 0:
		f.Add("approve", "community.vote.choose_one")
	case len(approve) > r.Budget:
		f.Add("approve", "community.vote.over_budget", "budget", r.Budget)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CastBallot(ctx, r, actor.ID, approve); err != nil {
			return err
		}
		// The event says that someone voted, never for what: for a secret
		// round the log must not link a person to a choice either.
		return s.recordTheme(ctx, q, actor, c, VerbVoted, ObjRound, r.ID, nil)
	})
}

// MaxDecisionNote bounds the host's note on a decision.
const MaxDecisionNote = 2000

// Adopt makes proposals the community's current themes (host only), with a note.
func (s *Service) Adopt(ctx context.Context, actor *account.User, communityID int64, proposalIDs []int64, note string) error {
	return s.decide(ctx, actor, communityID, proposalIDs, note, community.Adopted)
}

// DeclineProposals closes proposals without adopting them (host only).
func (s *Service) DeclineProposals(ctx context.Context, actor *account.User, communityID int64, proposalIDs []int64, note string) error {
	return s.decide(ctx, actor, communityID, proposalIDs, note, community.Declined)
}

func (s *Service) decide(ctx context.Context, actor *account.User, communityID int64, proposalIDs []int64, note string, status community.ProposalStatus) error {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return err
	}
	if a.Archived {
		return errArchived
	}
	if !a.Host {
		return errForbidden
	}
	note = strings.TrimSpace(note)
	f := apperr.Fields{}
	if len(proposalIDs) == 0 {
		f.Add("proposals", "community.vote.choose_one")
	}
	if len([]rune(note)) > MaxDecisionNote {
		f.Add("note", "form.too_long", "max", MaxDecisionNote)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		for _, id := range proposalIDs {
			p, err := q.ProposalByID(ctx, id)
			if err != nil {
				return err
			}
			if p.SpaceID != c.Space.ID {
				return apperr.New(apperr.NotFound, "error.not_found")
			}
			if p.Status != community.Proposed {
				return apperr.New(apperr.Conflict, "community.theme.already_decided")
			}
			if err := q.DecideProposal(ctx, id, status, note, actor.ID, s.Now()); err != nil {
				return err
			}
			verb := VerbAdopted
			if status == community.Declined {
				verb = VerbDeclined
			}
			if err := s.recordTheme(ctx, q, actor, c, verb, ObjProposal, id, map[string]any{"title": truncate(p.Title, 200)}); err != nil {
				return err
			}
			if status == community.Adopted {
				if err := s.announceAdoption(ctx, q, actor, c, p); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WithdrawProposal lets an author take back a proposal not yet decided.
func (s *Service) WithdrawProposal(ctx context.Context, actor *account.User, id int64) error {
	p, c, a, err := s.proposal(ctx, actor, id)
	if err != nil {
		return err
	}
	if a.Archived {
		return errArchived
	}
	if actor == nil || p.AuthorID != actor.ID {
		return errForbidden
	}
	if p.Status != community.Proposed {
		return apperr.New(apperr.Conflict, "community.theme.already_decided")
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DecideProposal(ctx, id, community.Withdrawn, "", actor.ID, s.Now()); err != nil {
			return err
		}
		return s.recordTheme(ctx, q, actor, c, event.Deleted, ObjProposal, id, nil)
	})
}

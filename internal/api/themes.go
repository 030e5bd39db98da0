package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Theme negotiation: proposals and their discussion, approval-voting
// rounds and the host's decisions. Readers of a community see all of it;
// members propose, comment and vote; the host opens rounds and decides.

// proposalStatuses are the values of the status filter.
var proposalStatuses = []community.ProposalStatus{community.Proposed, community.Adopted, community.Declined, community.Withdrawn}

// listProposals answers GET /communities/{id}/proposals: adopted first,
// then open ones, then the rest, newest first within each; status keeps
// one kind.
func (a *API) listProposals(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	status := community.ProposalStatus(q.str("status", 16))
	if status != "" && !slices.Contains(proposalStatuses, status) {
		q.f.Add("status", "form.invalid_choice")
	}
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	ps, err := a.svc.Proposals(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if status != "" {
		ps = slices.DeleteFunc(ps, func(p *community.Proposal) bool { return p.Status != status })
	}
	page, total := pageOf(ps, limit, offset)
	a.writeJSON(w, http.StatusOK, newList(page, total, newProposal))
}

// createProposal answers POST /communities/{id}/proposals: a member
// proposes a theme from their practice.
func (a *API) createProposal(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body proposalCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.svc.Propose(r.Context(), me, id, body.input())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newProposal(p))
}

// showProposal answers GET /proposals/{id} with its discussion.
func (a *API) showProposal(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	pg, err := a.svc.Proposal(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newProposalDetail(pg))
}

// createProposalComment answers POST /proposals/{id}/comments: members
// discuss a proposal in Markdown.
func (a *API) createProposalComment(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body commentCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	c, err := a.svc.CommentOnProposal(r.Context(), me, id, body.Body)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newProposalComment(id, c))
}

// withdrawProposal answers POST /proposals/{id}/withdraw: the author takes
// back a proposal not yet decided; it stays in the history.
func (a *API) withdrawProposal(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body noBody
	if err := a.decodeOptionalBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.WithdrawProposal(r.Context(), me, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	pg, err := a.svc.Proposal(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newProposal(pg.Proposal))
}

// listRounds answers GET /communities/{id}/rounds: the latest voting rounds,
// newest first, as the caller may see them.
func (a *API) listRounds(w http.ResponseWriter, r *http.Request, me *account.User) {
	listUnder(a, w, r, me, func(ctx context.Context, me *account.User, id int64, limit, offset int) ([]service.RoundView, int, error) {
		vs, err := a.svc.Rounds(ctx, me, id)
		if err != nil {
			return nil, 0, err
		}
		page, total := pageOf(vs, limit, offset)
		return page, total, nil
	}, newRound)
}

// createRound answers POST /communities/{id}/rounds: the host opens an
// approval vote over open proposals.
func (a *API) createRound(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body roundCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rd, err := a.svc.OpenRound(r.Context(), me, id, in)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	v, err := a.svc.Round(r.Context(), me, rd.ID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, newRound(v))
}

// castVote answers POST /rounds/{id}/votes: a member approves up to the
// round's budget of proposals, once, before the deadline; the answer is
// the round as they now see it.
func (a *API) castVote(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body ballot
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if len(body.Approve) > maxIDList {
		a.writeError(w, r, fieldErr("approve", "api.field.too_many", "max", maxIDList))
		return
	}
	err = a.svc.Vote(r.Context(), me, id, body.Approve)
	if e, ok := apperr.As(err); ok && e.Key == "community.vote.not_on_ballot" && len(e.Fields) == 0 {
		err = fieldErr("approve", "community.vote.not_on_ballot")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	v, err := a.svc.Round(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newRound(v))
}

// decideProposals answers POST /communities/{id}/decisions: the host adopts
// proposals (they become the community's current themes) or declines them,
// with a note. The answer lists the decided proposals.
func (a *API) decideProposals(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body decision
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	adopt, ids, field, err := body.parse()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	// Read the community first, so that a missing proposal below is told
	// apart from a community the caller may not see.
	if _, _, err := a.svc.Community(r.Context(), me, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	decide := a.svc.DeclineProposals
	if adopt {
		decide = a.svc.Adopt
	}
	err = decide(r.Context(), me, id, ids, body.Note)
	if apperr.Is(err, apperr.NotFound) {
		err = fieldErr(field, "api.field.unknown_proposal")
	}
	if err != nil {
		a.writeError(w, r, renameField(err, "proposals", field))
		return
	}
	ps, err := a.svc.Proposals(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ps = slices.DeleteFunc(ps, func(p *community.Proposal) bool { _, found := slices.BinarySearch(ids, p.ID); return !found })
	a.writeJSON(w, http.StatusOK, newList(ps, len(ps), newProposal))
}

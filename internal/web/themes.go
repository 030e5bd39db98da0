package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Theme negotiation pages: a community's proposals and voting rounds, one
// proposal with its discussion, and the forms that propose, vote, open a
// round and decide. The service checks every rule (members only, hosts
// only, budget, deadline, archived); these handlers parse and render.

// proposalGroup is the proposals of one status.
type proposalGroup struct {
	Status    community.ProposalStatus
	Proposals []*community.Proposal
}

// groupOrder is the order in which the page lists the statuses.
var groupOrder = []community.ProposalStatus{community.Proposed, community.Adopted, community.Declined, community.Withdrawn}

func groupProposals(ps []*community.Proposal) []proposalGroup {
	out := make([]proposalGroup, 0, len(groupOrder))
	for _, st := range groupOrder {
		g := proposalGroup{Status: st}
		for _, p := range ps {
			if p.Status == st {
				g.Proposals = append(g.Proposals, p)
			}
		}
		if len(g.Proposals) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// roundView is a round as the viewer may see it.
type roundView struct{ service.RoundView }

// Max is the scale of the tally bars: every voter may approve each option once.
func (r roundView) Max() int { return max(1, r.Round.VoterCount) }

// roundForm is the host's "open a round" form as typed.
type roundForm struct {
	Title, Budget, ClosesAt string
	IDs                     []int64
	Live, Secret            bool
}

// Has reports whether a proposal is ticked.
func (f roundForm) Has(id int64) bool { return slices.Contains(f.IDs, id) }

// decideForm is the host's adopt/decline form as typed.
type decideForm struct {
	IDs  []int64
	Note string
}

// Has reports whether a proposal is ticked.
func (f decideForm) Has(id int64) bool { return slices.Contains(f.IDs, id) }

type themesView struct {
	*Page
	C        *community.Community
	A        service.Access
	Groups   []proposalGroup
	Proposed []*community.Proposal // on the ballot and decision forms
	Rounds   []roundView
	// Form names the form a refused POST came from.
	Form      string
	Proposal  community.ProposalInput
	Round     roundForm
	Decide    decideForm
	VoteRound int64
	VoteIDs   []int64
}

// Err is the error of one field of one form.
func (v *themesView) Err(form, field string) string {
	if v.Form != form {
		return ""
	}
	return v.Errors[field]
}

// VoteErr is the error of the ballot of one round.
func (v *themesView) VoteErr(roundID int64) string {
	if v.Form != "vote" || v.VoteRound != roundID {
		return ""
	}
	if e := v.Errors["approve"]; e != "" {
		return e
	}
	return v.Message
}

// Ticked reports whether a ballot box was ticked in a refused ballot.
func (v *themesView) Ticked(roundID, proposalID int64) bool {
	return v.VoteRound == roundID && slices.Contains(v.VoteIDs, proposalID)
}

// Paragraphs splits plain text into paragraphs for display.
func (v *themesView) Paragraphs(text string) []string { return paragraphs(text) }

// roundDeadlineLayout is what <input type="datetime-local"> sends.
const roundDeadlineLayout = "2006-01-02T15:04"

func (s *Server) themesPage(w http.ResponseWriter, r *http.Request, id int64) (*themesView, bool) {
	viewer := currentUser(r)
	ctx := r.Context()
	c, a, err := s.svc.Community(ctx, viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	ps, err := s.svc.Proposals(ctx, viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	rounds, err := s.svc.Rounds(ctx, viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v := &themesView{C: c, A: a, Groups: groupProposals(ps)}
	for _, p := range ps {
		if p.Status == community.Proposed {
			v.Proposed = append(v.Proposed, p)
		}
	}
	for _, rv := range rounds {
		v.Rounds = append(v.Rounds, roundView{rv})
	}
	v.Page = s.page(r, "community.themes.title_of", "name", c.Space.Name)
	v.Page.Path = communityPath(id) + "/themes"
	v.Round = roundForm{Budget: "2", ClosesAt: s.svc.Now().Add(7 * 24 * time.Hour).In(beijing).Format(roundDeadlineLayout)}
	return v, true
}

func (s *Server) showThemes(w http.ResponseWriter, r *http.Request) {
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	v, ok := s.themesPage(w, r, id)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "community_themes", v)
}

// afterThemeAction ends a POST made from the themes page, like
// afterCommunityAction does for the home page.
func (s *Server) afterThemeAction(w http.ResponseWriter, r *http.Request, id int64, err error, flashKey, form string, keep func(v *themesView)) {
	if err == nil {
		s.flash(w, flashKey)
		http.Redirect(w, r, communityPath(id)+"/themes", http.StatusSeeOther)
		return
	}
	if e, ok := apperr.As(err); !ok || statusOf(e.Code) != http.StatusUnprocessableEntity && e.Code != apperr.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.themesPage(w, r, id)
	if !ok {
		return
	}
	status, _ := formErrors(v.Page, err)
	v.Form = form
	if keep != nil {
		keep(v)
	}
	s.render(w, r, status, "community_themes", v)
}

func (s *Server) propose(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	in := community.ProposalInput{Title: r.PostFormValue("title"), Problem: r.PostFormValue("problem"),
		Rationale: r.PostFormValue("rationale"), Plan: r.PostFormValue("plan")}
	_, err := s.svc.Propose(r.Context(), u, id, in)
	s.afterThemeAction(w, r, id, err, "community.flash.proposed", "propose", func(v *themesView) { v.Proposal = in })
}

// formIDs reads a list of IDs from checkboxes; junk is a field error.
func formIDs(r *http.Request, name string, fe apperr.Fields) []int64 {
	var ids []int64
	for _, raw := range r.PostForm[name] {
		id, ok := pathID(raw)
		if !ok {
			fe.Add(name, "form.invalid_choice")
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

func (s *Server) openRound(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	fe := apperr.Fields{}
	f := roundForm{Title: r.PostFormValue("title"), Budget: strings.TrimSpace(r.PostFormValue("budget")),
		ClosesAt: strings.TrimSpace(r.PostFormValue("closes_at")), Live: r.PostFormValue("live_results") != "",
		Secret: r.PostFormValue("secret") != ""}
	f.IDs = formIDs(r, "proposals", fe)
	in := community.RoundInput{Title: f.Title, ProposalIDs: f.IDs, LiveResults: f.Live, Secret: f.Secret}
	var err error
	if in.Budget, err = strconv.Atoi(f.Budget); err != nil {
		fe.Add("budget", "form.invalid_number")
	}
	if in.ClosesAt, err = parseDeadline(f.ClosesAt); err != nil {
		fe.Add("closes_at", "form.invalid")
	}
	if err = fe.Err(); err == nil {
		_, err = s.svc.OpenRound(r.Context(), u, id, in)
	}
	s.afterThemeAction(w, r, id, err, "community.flash.round_opened", "round", func(v *themesView) { v.Round = f })
}

// parseDeadline reads a datetime-local value, which has no zone: people
// type China time.
func parseDeadline(s string) (time.Time, error) {
	t, err := time.ParseInLocation(roundDeadlineLayout, s, beijing)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05", s, beijing)
	}
	return t, err
}

func (s *Server) vote(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok1 := pathID(r.PathValue("id"))
	rid, ok2 := pathID(r.PathValue("rid"))
	if !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	fe := apperr.Fields{}
	ids := formIDs(r, "approve", fe)
	err := fe.Err()
	if err == nil {
		// The service finds the round's community itself; {id} only names
		// the page to come back to.
		err = s.svc.Vote(r.Context(), u, rid, ids)
	}
	s.afterThemeAction(w, r, id, err, "community.flash.voted", "vote", func(v *themesView) { v.VoteRound, v.VoteIDs = rid, ids })
}

func (s *Server) decideProposals(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.communityID(w, r)
	if !ok {
		return
	}
	fe := apperr.Fields{}
	f := decideForm{IDs: formIDs(r, "proposals", fe), Note: r.PostFormValue("note")}
	err := fe.Err()
	flash := "community.flash.adopted"
	if err == nil {
		switch r.PostFormValue("decision") {
		case "adopt":
			err = s.svc.Adopt(r.Context(), u, id, f.IDs, f.Note)
		case "decline":
			err, flash = s.svc.DeclineProposals(r.Context(), u, id, f.IDs, f.Note), "community.flash.declined"
		default:
			s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
			return
		}
	}
	s.afterThemeAction(w, r, id, err, flash, "decide", func(v *themesView) { v.Decide = f })
}

type proposalView struct {
	*Page
	P        *service.ProposalPage
	IsAuthor bool
	Body     string
}

// Paragraphs splits plain text into paragraphs for display.
func (v *proposalView) Paragraphs(text string) []string { return paragraphs(text) }

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request) (*proposalView, bool) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return nil, false
	}
	viewer := currentUser(r)
	pp, err := s.svc.Proposal(r.Context(), viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p := s.page(r, "")
	p.Title, p.Path = pp.Proposal.Title, "/proposals/"+itoa(id)
	return &proposalView{Page: p, P: pp, IsAuthor: viewer != nil && viewer.ID == pp.Proposal.AuthorID}, true
}

func (s *Server) showProposal(w http.ResponseWriter, r *http.Request) {
	v, ok := s.proposalPage(w, r)
	if !ok {
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "community_proposal", v)
}

func (s *Server) commentOnProposal(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	body := r.PostFormValue("body")
	if _, err := s.svc.CommentOnProposal(r.Context(), u, id, body); err != nil {
		if e, ok := apperr.As(err); !ok || statusOf(e.Code) != http.StatusUnprocessableEntity && e.Code != apperr.Conflict {
			s.fail(w, r, err)
			return
		}
		v, ok := s.proposalPage(w, r)
		if !ok {
			return
		}
		status, _ := formErrors(v.Page, err)
		v.Body = body
		s.render(w, r, status, "community_proposal", v)
		return
	}
	http.Redirect(w, r, "/proposals/"+itoa(id)+"#comments", http.StatusSeeOther)
}

func (s *Server) withdrawProposal(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if err := s.svc.WithdrawProposal(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "community.flash.withdrawn")
	http.Redirect(w, r, "/proposals/"+itoa(id), http.StatusSeeOther)
}

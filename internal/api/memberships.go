package api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Memberships of communities: members and their roles, joining and
// leaving, join requests, invitations by name and by link. Kept apart from
// communities.go, which would otherwise pass the length at which a file
// asks to be split.

// listMembers answers GET /communities/{id}/members for readers of the
// community, in name order, each with their role.
func (a *API) listMembers(w http.ResponseWriter, r *http.Request, me *account.User) {
	listUnder(a, w, r, me, func(ctx context.Context, me *account.User, id int64, limit, offset int) ([]store.Member, int, error) {
		c, _, err := a.svc.Community(ctx, me, id)
		if err != nil {
			return nil, 0, err
		}
		ms, err := a.svc.CommunityMembers(ctx, me, id, limit, offset)
		return ms, c.Space.MemberCount, err
	}, newMember)
}

// joinCommunity answers POST /communities/{id}/join: open communities admit
// at once, by-request ones file a request for the leads (with the
// message), and by-invitation ones admit the people invited by name.
func (a *API) joinCommunity(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body joinBody
	if err := a.decodeOptionalBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	joined, err := a.svc.Join(r.Context(), me, id, body.Message)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := joinResultDTO{Status: "pending"}
	if joined {
		_, acc, err := a.svc.Community(r.Context(), me, id)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		out.Status, out.Role = "joined", &acc.Role
	}
	a.writeJSON(w, http.StatusOK, out)
}

// leaveCommunity answers POST /communities/{id}/leave; leaving a community
// one does not belong to does nothing, and the last host must hand over
// first.
func (a *API) leaveCommunity(w http.ResponseWriter, r *http.Request, me *account.User) {
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
	if err := a.svc.Leave(r.Context(), me, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// listJoinRequests answers GET /communities/{id}/requests: the pending
// requests, oldest first, for the community's leads.
func (a *API) listJoinRequests(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	rs, err := a.svc.JoinRequests(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, total := pageOf(rs, limit, offset)
	a.writeJSON(w, http.StatusOK, newList(page, total, newJoinRequest))
}

// decideJoinRequest answers POST /communities/{id}/requests/{rid}: a lead
// approves a pending request (the person becomes a member) or declines it
// with a reason.
func (a *API) decideJoinRequest(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body requestDecision
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if body.Approve == nil {
		a.writeError(w, r, fieldErr("approve", "form.required"))
		return
	}
	if err := a.svc.DecideJoinRequest(r.Context(), me, id, rid, *body.Approve, body.Reason); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// setMemberRole answers PUT /communities/{id}/members/{user_id}: the host
// gives a member another role.
func (a *API) setMemberRole(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	userID, err := pathID(r, "user_id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body roleChange
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.SetMemberRole(r.Context(), me, id, userID, body.Role); err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// removeMember answers DELETE /communities/{id}/members/{user_id}: a lead
// takes someone out of the community; what they wrote stays, attributed.
func (a *API) removeMember(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	userID, err := pathID(r, "user_id")
	if err == nil {
		err = a.svc.RemoveMember(r.Context(), me, id, userID)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	noContent(w)
}

// inviteMembers answers POST /communities/{id}/invitations: a lead invites
// people by username, from any institution; each may then join even a
// by-invitation community.
func (a *API) inviteMembers(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body invitationCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if len(body.Usernames) > maxIDList {
		a.writeError(w, r, fieldErr("usernames", "api.field.too_many", "max", maxIDList))
		return
	}
	if body.Role == "" {
		body.Role = community.RoleMember
	}
	n, err := a.svc.InviteByName(r.Context(), me, id, body.Usernames, body.Role)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, invitedDTO{Invited: n})
}

// createInviteLink answers POST /communities/{id}/invite-links with the
// link's token, shown this once.
func (a *API) createInviteLink(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body inviteLinkCreate
	if err := a.decodeOptionalBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	tok, err := a.svc.CreateInviteLink(r.Context(), me, id, body.days(), body.MaxUses)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, inviteLinkDTO{Token: tok,
		AcceptPath: Prefix + "/invite-links/" + url.PathEscape(tok) + "/accept", Days: body.days(), MaxUses: body.MaxUses})
}

// acceptInviteLink answers POST /invite-links/{token}/accept: the caller
// joins the link's community (already being a member is fine) and gets
// the community back.
func (a *API) acceptInviteLink(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body noBody
	if err := a.decodeOptionalBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	id, err := a.svc.AcceptInviteLink(r.Context(), me, r.PathValue("token"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerCommunity(w, r, me, id, http.StatusOK)
}

// fieldErr is a validation error on one field.
func fieldErr(field, key string, args ...any) error {
	f := apperr.Fields{}
	f.Add(field, key, args...)
	return f.Err()
}

package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Training communities: listing, creating, reading, editing and moving
// them through their lifecycle. Memberships are in memberships.go, theme
// negotiation in themes.go. Every permission rule is the service's; a
// community the caller may not read is not found, whatever they try.

// listCommunities answers GET /communities: the communities the caller may
// see, optionally under an institution, the caller's own, of a status, or
// matching q; most members first.
func (a *API) listCommunities(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	f := store.CommunityFilter{Query: q.str("q", maxQuery), Status: community.Status(q.str("status", 16))}
	if f.Status != "" && !slices.Contains(community.Statuses, f.Status) {
		q.f.Add("status", "form.invalid_choice")
	}
	switch q.str("member", 8) {
	case "":
	case "me":
		f.MemberID = me.ID
	default:
		q.f.Add("member", "api.field.member_me")
	}
	inst := q.id("institution")
	f.Limit, f.Offset = q.page()
	if inst != 0 {
		s, err := a.svc.InstitutionByID(r.Context(), inst)
		switch {
		case apperr.Is(err, apperr.NotFound):
			q.f.Add("institution", "api.field.unknown_institution")
		case err != nil:
			a.writeError(w, r, err)
			return
		default:
			f.InstitutionPath = s.Path
		}
	}
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	cs, total, err := a.svc.Communities(r.Context(), me, f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newList(cs, total, newCommunity))
}

// createCommunity answers POST /communities: a facilitator, expert or
// administrator starts a community owned by an institution and becomes its
// host.
func (a *API) createCommunity(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body communityCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	c, err := a.svc.CreateCommunity(r.Context(), me, body.InstitutionID, in)
	if apperr.Is(err, apperr.NotFound) {
		// The one thing that can be missing is the institution named in the
		// body, which is a bad field rather than a missing page.
		f := apperr.Fields{}
		f.Add("institution_id", "api.field.unknown_institution")
		err = f.Err()
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerCommunity(w, r, me, c.Space.ID, http.StatusCreated)
}

// showCommunity answers GET /communities/{id} with the caller's role and
// what they may do there.
func (a *API) showCommunity(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerCommunity(w, r, me, id, http.StatusOK)
}

// updateCommunity answers PATCH /communities/{id}: the host changes the
// settings present in the body.
func (a *API) updateCommunity(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body communityUpdate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	cur, _, err := a.svc.Community(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := body.input(cur)
	if err == nil {
		_, err = a.svc.UpdateCommunity(r.Context(), me, id, in)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerCommunity(w, r, me, id, http.StatusOK)
}

// setCommunityStatus answers POST /communities/{id}/status: the host moves
// the community through planning → active → archived, or reopens it.
func (a *API) setCommunityStatus(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body statusChange
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.svc.SetCommunityStatus(r.Context(), me, id, body.Status); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.answerCommunity(w, r, me, id, http.StatusOK)
}

// answerCommunity answers with a community as the caller sees it after
// whatever the handler did.
func (a *API) answerCommunity(w http.ResponseWriter, r *http.Request, me *account.User, id int64, status int) {
	d, err := a.communityDetail(r.Context(), me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, status, d)
}

// communityDetail loads a community with the caller's access, their
// pending join request and the current themes.
func (a *API) communityDetail(ctx context.Context, me *account.User, id int64) (communityDetailDTO, error) {
	c, acc, err := a.svc.Community(ctx, me, id)
	if err != nil {
		return communityDetailDTO{}, err
	}
	pending := false
	if acc.Role == "" {
		req, err := a.svc.MyJoinRequest(ctx, me, id)
		if err != nil {
			return communityDetailDTO{}, err
		}
		pending = req != nil
	}
	themes, err := a.svc.CurrentThemes(ctx, me, id)
	if err != nil {
		return communityDetailDTO{}, err
	}
	return newCommunityDetail(c, acc, pending, themes), nil
}

// decodeOptionalBody is decodeBody for actions whose parameters are all
// optional: an absent or empty body counts as {}. Every other rule (type,
// size, unknown fields) still holds.
func (a *API) decodeOptionalBody(w http.ResponseWriter, r *http.Request, dst any) error {
	err := a.decodeBody(w, r, dst)
	if e, ok := apperr.As(err); ok && e.Key == "api.error.empty_body" {
		return nil
	}
	return err
}

// renameField reports a service's field error under the name the API
// gives the field (the service says "proposals" where a decision says
// "adopt"). The service's error is left untouched.
func renameField(err error, from, to string) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	fe, ok := e.Fields[from]
	if !ok {
		return err
	}
	out := *e
	out.Fields = make(apperr.Fields, len(e.Fields))
	for k, v := range e.Fields {
		if k != from {
			out.Fields[k] = v
		}
	}
	out.Fields[to] = fe
	return &out
}

// pageOf cuts one page from a short list that the service returns whole.
func pageOf[T any](items []T, limit, offset int) ([]T, int) {
	total := len(items)
	return items[min(offset, total):min(offset+limit, total)], total
}

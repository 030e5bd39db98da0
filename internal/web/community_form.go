package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Creating and editing a community: the form as typed, its parsing, and the
// institutions offered as owner.

// communityForm is the create/edit form as typed, so that a refused form
// comes back exactly as it was sent.
type communityForm struct {
	InstitutionID                                       int64
	Name, Purpose, Subject, GradeBand, StartsOn, EndsOn string
	MemberCap                                           string
	JoinPolicy                                          community.JoinPolicy
	Visibility                                          space.Visibility
}

func readCommunityForm(r *http.Request) communityForm {
	f := communityForm{Name: r.PostFormValue("name"), Purpose: r.PostFormValue("purpose"),
		Subject: r.PostFormValue("subject"), GradeBand: r.PostFormValue("grade_band"),
		StartsOn: strings.TrimSpace(r.PostFormValue("starts_on")), EndsOn: strings.TrimSpace(r.PostFormValue("ends_on")),
		MemberCap: strings.TrimSpace(r.PostFormValue("member_cap")), JoinPolicy: community.JoinPolicy(r.PostFormValue("join_policy")),
		Visibility: space.Visibility(r.PostFormValue("visibility"))}
	f.InstitutionID, _ = pathID(r.PostFormValue("institution"))
	return f
}

// input converts the typed form into the domain input; what cannot even be
// parsed (a date, a number) comes back as field errors.
func (f communityForm) input() (community.Input, apperr.Fields) {
	in := community.Input{Name: f.Name, Purpose: f.Purpose, Subject: f.Subject, GradeBand: f.GradeBand,
		JoinPolicy: f.JoinPolicy, Visibility: f.Visibility}
	fe := apperr.Fields{}
	var err error
	if in.StartsOn, err = parseDay(f.StartsOn); err != nil {
		fe.Add("starts_on", "form.invalid")
	}
	if in.EndsOn, err = parseDay(f.EndsOn); err != nil {
		fe.Add("ends_on", "form.invalid")
	}
	if f.MemberCap != "" {
		if in.MemberCap, err = strconv.Atoi(f.MemberCap); err != nil {
			fe.Add("member_cap", "form.invalid_number")
		}
	}
	if len(fe) > 0 {
		// The service will not be asked: show the other fields' problems now.
		mergeFields(fe, in.Validate())
	}
	return in, fe
}

// mergeFields adds err's field errors to fe where fe has none yet.
func mergeFields(fe apperr.Fields, err error) {
	if e, ok := apperr.As(err); ok {
		for k, v := range e.Fields {
			if _, dup := fe[k]; !dup {
				fe[k] = v
			}
		}
	}
}

// parseDay reads a date field (yyyy-mm-dd, China time); "" is no date.
func parseDay(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, beijing)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func formatDay(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(beijing).Format(time.DateOnly)
}

func formOf(c *community.Community) communityForm {
	f := communityForm{InstitutionID: c.InstitutionID, Name: c.Space.Name, Purpose: c.Purpose, Subject: c.Subject,
		GradeBand: c.GradeBand, StartsOn: formatDay(c.StartsOn), EndsOn: formatDay(c.EndsOn),
		JoinPolicy: c.JoinPolicy, Visibility: c.Space.Visibility}
	if c.MemberCap > 0 {
		f.MemberCap = strconv.Itoa(c.MemberCap)
	}
	return f
}

type communityFormView struct {
	*Page
	C            *community.Community // nil when new
	In           communityForm
	Institutions []*space.Space
	Subjects     []teacher.Term
	GradeBands   []teacher.Term
	Policies     []community.JoinPolicy
	Visibilities []space.Visibility
}

func (s *Server) communityFormView(p *Page, c *community.Community, in communityForm, insts []*space.Space) communityFormView {
	return communityFormView{Page: p, C: c, In: in, Institutions: insts, Subjects: teacher.Subjects(),
		GradeBands: teacher.GradeBands(), Policies: community.JoinPolicies, Visibilities: space.Visibilities}
}

// ownerChoices lists the institutions offered as a new community's owner:
// the person's home institution and its ancestors up to the district (a
// district-owned community is open to all its schools), plus one asked for
// in the URL. The service decides whether the person may really create there.
func (s *Server) ownerChoices(ctx context.Context, u *account.User, want int64) ([]*space.Space, error) {
	var ids []int64
	if want != 0 {
		ids = append(ids, want)
	}
	if u.InstitutionID != 0 {
		home, err := s.svc.InstitutionByID(ctx, u.InstitutionID)
		if err != nil {
			return nil, err
		}
		anc, err := space.AncestorIDs(home.Path)
		if err != nil {
			return nil, err
		}
		for _, id := range slices.Backward(anc) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	var out []*space.Space
	for _, id := range ids {
		inst, err := s.svc.InstitutionByID(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if inst.Level == space.Region {
			continue
		}
		out = append(out, inst)
	}
	return out, nil
}

func (s *Server) newCommunityForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	want, _ := pathID(r.URL.Query().Get("institution"))
	insts, err := s.ownerChoices(r.Context(), u, want)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := communityForm{JoinPolicy: community.ByRequest, Visibility: space.InstitutionOnly}
	if len(insts) > 0 {
		in.InstitutionID = insts[0].ID
	}
	s.render(w, r, http.StatusOK, "community_form", s.communityFormView(s.page(r, "community.new"), nil, in, insts))
}

func (s *Server) createCommunity(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := readCommunityForm(r)
	in, fe := f.input()
	var c *community.Community
	err := fe.Err()
	if err == nil {
		if f.InstitutionID == 0 {
			fe.Add("institution", "form.required")
			err = fe.Err()
		} else {
			c, err = s.svc.CreateCommunity(r.Context(), u, f.InstitutionID, in)
		}
	}
	if err != nil {
		p := s.page(r, "community.new")
		p.Path = "/c/new"
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		insts, lerr := s.ownerChoices(r.Context(), u, f.InstitutionID)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		s.render(w, r, status, "community_form", s.communityFormView(p, nil, f, insts))
		return
	}
	s.flash(w, "community.flash.created")
	http.Redirect(w, r, "/c/"+itoa(c.Space.ID), http.StatusSeeOther)
}

func (s *Server) editCommunityForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	c, a, err := s.svc.Community(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !a.Host {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	if a.Archived {
		s.renderError(w, r, http.StatusConflict, "community.error.archived")
		return
	}
	s.render(w, r, http.StatusOK, "community_form", s.communityFormView(s.page(r, "community.edit"), c, formOf(c), nil))
}

func (s *Server) updateCommunity(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	f := readCommunityForm(r)
	in, fe := f.input()
	err := fe.Err()
	if err == nil {
		_, err = s.svc.UpdateCommunity(r.Context(), u, id, in)
	}
	if err != nil {
		c, _, cerr := s.svc.Community(r.Context(), u, id)
		if cerr != nil {
			s.fail(w, r, cerr)
			return
		}
		p := s.page(r, "community.edit")
		p.Path = "/c/" + itoa(id) + "/edit"
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "community_form", s.communityFormView(p, c, f, nil))
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, "/c/"+itoa(id), http.StatusSeeOther)
}

package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

type profileView struct {
	*Page
	In                           service.Profile
	Years                        string
	Subjects, GradeBands, Titles []teacher.Term
	Genders                      []teacher.Term
}

func (s *Server) profileView(r *http.Request, in service.Profile) profileView {
	years := ""
	if in.YearsOfTeaching != nil {
		years = strconv.Itoa(*in.YearsOfTeaching)
	}
	return profileView{Page: s.page(r, "profile.edit"), In: in, Years: years, Subjects: teacher.Subjects(),
		GradeBands: teacher.GradeBands(), Titles: teacher.Titles(), Genders: teacher.Genders()}
}

func (s *Server) showProfileForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v := s.profileView(r, service.ProfileOf(u))
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "profile", v)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	in := service.Profile{DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email"),
		Gender: r.PostFormValue("gender"), Subjects: r.PostForm["subjects"], GradeBand: r.PostFormValue("grade_band"),
		Title: r.PostFormValue("title"), StaffNo: u.StaffNo, Bio: r.PostFormValue("bio")}
	fields := apperr.Fields{}
	if y := strings.TrimSpace(r.PostFormValue("years_of_teaching")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			fields.Add("years_of_teaching", "form.invalid_number")
		} else {
			in.YearsOfTeaching = &n
		}
	}
	err := fields.Err()
	if err == nil {
		_, err = s.svc.UpdateProfile(r.Context(), u, u.ID, in)
	}
	if err != nil {
		v := s.profileView(r, in)
		v.Years = r.PostFormValue("years_of_teaching")
		status, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "profile", v)
		return
	}
	s.flash(w, "flash.saved")
	http.Redirect(w, r, "/settings/profile", http.StatusSeeOther)
}

func (s *Server) uploadAvatar(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f, _, err := r.FormFile("avatar")
	if err == nil {
		defer f.Close()
		err = s.svc.SetAvatar(r.Context(), u, f)
	} else {
		fe := apperr.Fields{}
		fe.Add("avatar", "form.required")
		err = fe.Err()
	}
	if err != nil {
		v := s.profileView(r, service.ProfileOf(u))
		status, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "profile", v)
		return
	}
	s.flash(w, "profile.avatar_saved")
	http.Redirect(w, r, "/settings/profile", http.StatusSeeOther)
}

// Has reports whether a subject is among the chosen ones, for checkboxes.
func (v profileView) Has(subject string) bool { return slices.Contains(v.In.Subjects, subject) }

type securityView struct {
	*Page
	Tokens   []*account.Token
	NewToken string
}

func (s *Server) securityPage(r *http.Request, u *account.User) (securityView, error) {
	toks, err := s.svc.Tokens(r.Context(), u)
	return securityView{Page: s.page(r, "settings.security"), Tokens: toks}, err
}

func (s *Server) showSecurity(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v, err := s.securityPage(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "security", v)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	err := s.svc.ChangePassword(r.Context(), u, info(r).sess.ID, r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm"))
	s.afterSecurityAction(w, r, u, err, "settings.password_changed", "")
}

func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if _, err := s.svc.LogoutEverywhere(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearCookie(w, sessionCookie)
	s.flash(w, "settings.logged_out_everywhere")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	plain, _, err := s.svc.CreateToken(r.Context(), u, r.PostFormValue("name"))
	s.afterSecurityAction(w, r, u, err, "", plain)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	err := s.svc.RevokeToken(r.Context(), u, id)
	s.afterSecurityAction(w, r, u, err, "settings.token_revoked", "")
}

// afterSecurityAction re-renders the security page with errors, with a new
// token shown once, or redirects with a flash.
func (s *Server) afterSecurityAction(w http.ResponseWriter, r *http.Request, u *account.User, err error, flash, newToken string) {
	if err == nil && newToken == "" {
		s.flash(w, flash)
		http.Redirect(w, r, "/settings/security", http.StatusSeeOther)
		return
	}
	v, lerr := s.securityPage(r, u)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	status := http.StatusOK
	if err != nil {
		var ok bool
		if status, ok = formErrors(v.Page, err); !ok {
			s.fail(w, r, err)
			return
		}
	}
	v.NewToken = newToken
	s.render(w, r, status, "security", v)
}

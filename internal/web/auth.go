package web

import (
	"net"
	"net/http"
	"time"

	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/service"
)

type loginView struct {
	*Page
	Next, Username string
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := s.page(r, "auth.login.title")
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "login", loginView{Page: p, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	in := service.LoginInput{Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		IP: clientIP(r), UserAgent: r.UserAgent()}
	next := safeNext(r.PostFormValue("next"))
	tok, sess, u, err := s.svc.Login(r.Context(), in)
	if err != nil {
		p := s.page(r, "auth.login.title")
		status, ok := formErrors(p, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "login", loginView{Page: p, Next: next, Username: in.Username})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	if u.Lang != "" {
		s.setCookie(w, langCookie, u.Lang, 365*24*3600)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if ri := info(r); ri.sess != nil {
		if err := s.svc.Logout(r.Context(), ri.sess); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	s.flash(w, "auth.logged_out")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLanguage remembers the chosen language: on the account when signed
// in (so it follows the person to other devices), in a cookie always.
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	supported := false
	for _, l := range i18n.Languages() {
		supported = supported || l == lang
	}
	if !supported {
		s.renderError(w, r, http.StatusUnprocessableEntity, "form.invalid")
		return
	}
	if u := currentUser(r); u != nil {
		if err := s.svc.SetLanguage(r.Context(), u, lang); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.setCookie(w, langCookie, lang, int((365 * 24 * time.Hour).Seconds()))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// clientIP is the peer address; deployments behind a proxy should make the
// proxy set the peer (we do not trust X-Forwarded-For from anyone).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

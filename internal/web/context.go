package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/resource"
)

// Cookie names.
const (
	sessionCookie = "yx_session"
	csrfCookie    = "yx_csrf" // double-submit token for visitors without a session
	langCookie    = "yx_lang"
	flashCookie   = "yx_flash"
)

// reqInfo is what the middleware learns about a request.
type reqInfo struct {
	user *account.User
	sess *account.Session
	lang string
	csrf string
}

type ctxKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{lang: i18n.Default}
}

// currentUser is the signed-in user or nil.
func currentUser(r *http.Request) *account.User { return info(r).user }

// withRequestContext resolves the session, the language and the CSRF token
// once per request.
func (s *Server) withRequestContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		ri := &reqInfo{}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, u, err := s.svc.Authenticate(r.Context(), c.Value)
			if err == nil {
				ri.user, ri.sess, ri.csrf = u, sess, sess.CSRFToken
			} else {
				s.clearCookie(w, sessionCookie)
			}
		}
		if ri.csrf == "" {
			if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 64 {
				ri.csrf = c.Value
			} else {
				ri.csrf = newToken()
				http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: ri.csrf, Path: "/", HttpOnly: true,
					Secure: s.secure, SameSite: http.SameSiteLaxMode})
			}
		}
		preferred := ""
		if ri.user != nil {
			preferred = ri.user.Lang
		}
		if preferred == "" {
			if c, err := r.Cookie(langCookie); err == nil {
				preferred = c.Value
			}
		}
		ri.lang = i18n.Match(r.Header.Get("Accept-Language"), preferred)
		if ri.user != nil && ri.user.MustChangePassword && !passwordChangeAllows(r) {
			// An initial password was handed over by someone else: nothing
			// but choosing one's own, signing out or the language switch
			// until then.
			http.Redirect(w, r, "/settings/security", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)))
	})
}

// passwordChangeAllows reports whether a person who must change their
// initial password may make this request: the password form and what it
// needs (avatars in the header, the language switch, signing out).
func passwordChangeAllows(r *http.Request) bool {
	switch r.URL.Path {
	case "/settings/security", "/settings/password", "/logout", "/lang", "/login":
		return true
	}
	return strings.HasPrefix(r.URL.Path, "/avatars/")
}

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkCSRF rejects a state-changing request unless it carries the
// request's CSRF token (form field "csrf" or header X-CSRF-Token) and, when
// the browser says where it comes from, comes from this site. The JSON API
// authenticates with bearer tokens, never cookies, so it is exempt.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		// RFC 8058 one-click unsubscribe: mail clients POST to the link in
		// List-Unsubscribe without a session, a CSRF token or an Origin of
		// ours. The HMAC-signed token in the URL is the authorisation, and
		// all it can do is turn e-mail off for the person it names.
		if r.URL.Path == "/unsubscribe" {
			r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
			next.ServeHTTP(w, r)
			return
		}
		if err := cop.Check(r); err != nil {
			s.renderError(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		if isStreamedUpload(r) {
			// The body is a stream the handler reads part by part; it
			// checks the token, the form's first part (resources_upload.go).
			r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
			next.ServeHTTP(w, r)
			return
		}
		want := info(r).csrf
		got := r.Header.Get("X-CSRF-Token")
		r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
		if formToken := formValueNoParseError(r, "csrf"); got == "" {
			got = formToken
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.renderError(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bodyLimit is the body size a route accepts: uploads get more room.
func (s *Server) bodyLimit(r *http.Request) int64 {
	switch {
	case r.URL.Path == "/settings/avatar":
		return 9 << 20
	case strings.HasSuffix(r.URL.Path, "/roster"):
		return 11 << 20
	case isDiscussionUpload(r): // topics and replies with attachments
		return discussionUploadLimit
	case isStreamedUpload(r): // resource files, up to a lesson recording
		return resource.MaxUploadBytes + 1<<20
	case isInterviewUpload(r): // interview records with their recordings
		return interviewUploadLimit
	}
	return s.maxBody
}

// formValueNoParseError reads a form field, treating an unparsable body
// (too large, malformed multipart) as an empty value so the caller answers
// with a CSRF or validation error rather than a 500.
func formValueNoParseError(r *http.Request, name string) string {
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return ""
		}
	} else if err := r.ParseForm(); err != nil {
		return ""
	}
	return r.PostFormValue(name)
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) { s.setCookie(w, name, "", -1) }

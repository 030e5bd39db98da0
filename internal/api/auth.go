package api

import (
	"net/http"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
)

// authedHandler is a handler that runs for an authenticated caller.
type authedHandler func(w http.ResponseWriter, r *http.Request, me *account.User)

// bearerToken extracts the token of an "Authorization: Bearer ..." header;
// the scheme is case-insensitive (RFC 7235).
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// authenticate resolves the bearer token before h runs, answering 401 with
// a WWW-Authenticate challenge (RFC 6750) when it is missing or invalid.
// Only the header is consulted: the API has no cookie sessions.
func (a *API) authenticate(h authedHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="yanxiu"`)
			a.writeError(w, r, errUnauthorized)
			return
		}
		me, err := a.svc.AuthenticateToken(r.Context(), tok)
		if err != nil {
			if apperr.Is(err, apperr.Unauthorized) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="yanxiu", error="invalid_token"`)
				err = errBadToken
			}
			a.writeError(w, r, err)
			return
		}
		h(w, r, me)
	})
}

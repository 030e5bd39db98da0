package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/i18n"
)

// contentType is what every answer of the API carries.
const contentType = "application/json; charset=utf-8"

// Errors the API itself raises (the service raises the rest).
var (
	errInternal         = apperr.New(apperr.Internal, "error.internal")
	errNoRoute          = apperr.New(apperr.NotFound, "error.not_found")
	errUnauthorized     = apperr.New(apperr.Unauthorized, "api.error.token_required")
	errBadToken         = apperr.New(apperr.Unauthorized, "api.error.token_invalid")
	errMethodNotAllowed = &httpError{status: http.StatusMethodNotAllowed, err: apperr.New(apperr.Invalid, "error.method_not_allowed")}
	errMediaType        = &httpError{status: http.StatusUnsupportedMediaType, err: apperr.New(apperr.Invalid, "api.error.content_type")}
)

// httpError is an apperr.Error that needs a status its code alone does not
// say (405, 415); the service never produces these.
type httpError struct {
	status int
	err    *apperr.Error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// statusOf maps an error to its HTTP status: the one place apperr codes
// meet HTTP.
func statusOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// errorEnvelope is the body of every error answer.
type errorEnvelope struct {
	Error errorDTO `json:"error"`
}

type errorDTO struct {
	Code    apperr.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// lang picks the language of a request's messages. The API follows
// Accept-Language alone, so the same request always reads the same
// whether or not its token is valid.
func lang(r *http.Request) string {
	return i18n.Match(r.Header.Get("Accept-Language"), "")
}

// pairs turns placeholder values into the alternating list Catalog.T takes,
// in a stable order.
func pairs(m map[string]any) []any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k, m[k])
	}
	return out
}

// writeError answers with the error envelope, translating the message and
// field messages. Unclassified errors are logged with their cause and
// shown as a generic internal error.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	e, ok := apperr.As(err)
	if !ok || status == http.StatusInternalServerError {
		a.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errInternal
	}
	l := lang(r)
	key := e.Key
	if key == "form.invalid" && len(e.Fields) > 0 {
		key = "form.has_errors" // the fields say what is wrong; the summary says where to look
	}
	body := errorEnvelope{Error: errorDTO{Code: e.Code, Message: a.cat.T(l, key, pairs(e.Args)...),
		Fields: make(map[string]string, len(e.Fields))}}
	for name, fe := range e.Fields {
		body.Error.Fields[name] = a.cat.T(l, fe.Key, pairs(fe.Args)...)
	}
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yanxiu"`)
	}
	w.Header().Set("Content-Language", l)
	a.writeJSON(w, status, body)
}

// writeJSON answers with v as JSON. It encodes before writing the header so
// that an encoding failure can still become a 500.
func (a *API) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		a.log.Error("encode api response", "err", err)
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error","fields":{}}}`)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n')) //nolint:errcheck // the client went away; nothing to do
}

// noContent answers 204 for a successful deletion.
func noContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

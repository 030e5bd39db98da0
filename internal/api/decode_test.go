package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// decodeWith runs decodeBody on a body as a handler would, with a 64-byte limit.
func decodeWith(t *testing.T, contentType string, body io.Reader, dst any) error {
	t.Helper()
	a := newBareAPI(t)
	a.maxBody = 64
	req := httptest.NewRequest(http.MethodPost, "/api/v1/x", body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return a.decodeBody(httptest.NewRecorder(), req, dst)
}

func TestDecodeBody(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		status                  int    // 0 = accepted
		key                     string // the error's key, or the field's key when field is set
		field                   string
	}{
		{"object", "application/json", `{"name": "备课"}`, 0, "", ""},
		{"no content type", "", `{"name": "x"}`, 0, "", ""},
		{"json with charset", "application/json; charset=utf-8", `{"name": "x"}`, 0, "", ""},
		{"+json suffix", "application/merge-patch+json", `{"name": "x"}`, 0, "", ""},
		{"whitespace around", "application/json", " \n{\"name\": \"x\"}\n ", 0, "", ""},
		{"form", "application/x-www-form-urlencoded", `name=x`, 415, "api.error.content_type", ""},
		{"unparsable content type", `application/json; charset="x`, `{}`, 415, "api.error.content_type", ""},
		{"empty", "application/json", ``, 400, "api.error.empty_body", ""},
		{"blank", "application/json", "  \n", 400, "api.error.empty_body", ""},
		{"syntax", "application/json", `{"name" "x"}`, 400, "api.error.malformed_json", ""},
		{"truncated", "application/json", `{"name": "x`, 400, "api.error.truncated_json", ""},
		{"trailing", "application/json", `{"name": "x"} {}`, 400, "api.error.trailing_data", ""},
		{"trailing junk", "application/json", `{"name": "x"} x`, 400, "api.error.malformed_json", ""},
		{"array", "application/json", `[]`, 400, "api.error.body_not_object", ""},
		{"null", "application/json", `null`, 400, "api.error.body_not_object", ""},
		{"wrong type", "application/json", `{"name": 5}`, 400, "api.field.want_string", "name"},
		{"unknown", "application/json", `{"name": "x", "admin": true}`, 400, "api.field.unknown", "admin"},
		{"NUL", "application/json", `{"name": "a\u0000"}`, 400, "api.field.nul", "name"},
		{"too large", "application/json", `{"name": "` + strings.Repeat("x", 100) + `"}`, 413, "api.error.body_too_large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dst tokenCreate
			err := decodeWith(t, tt.contentType, strings.NewReader(tt.body), &dst)
			if tt.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if dst.Name == "" {
					t.Errorf("name not decoded")
				}
				return
			}
			if got := statusOf(err); got != tt.status {
				t.Fatalf("status %d (%v), want %d", got, err, tt.status)
			}
			e, _ := apperr.As(err)
			key := e.Key
			if tt.field != "" {
				key = e.Fields[tt.field].Key
			}
			if key != tt.key {
				t.Errorf("key %q (%v), want %q", key, err, tt.key)
			}
		})
	}
}

// An over-long body sent without Content-Length is cut off while reading.
func TestDecodeBodyLimitWhileStreaming(t *testing.T) {
	body := io.MultiReader(strings.NewReader(`{"name": "`), strings.NewReader(strings.Repeat("x", 1000)), strings.NewReader(`"}`))
	err := decodeWith(t, "application/json", body, &tokenCreate{})
	if statusOf(err) != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %v, want 413", err)
	}
}

func TestOptionalInt(t *testing.T) {
	tests := []struct {
		body     string
		set      bool
		value    int
		null     bool
		wantType string
	}{
		{`{}`, false, 0, false, ""},
		{`{"years_of_teaching": null}`, true, 0, true, ""},
		{`{"years_of_teaching": 7}`, true, 7, false, ""},
		{`{"years_of_teaching": "7"}`, false, 0, false, "api.field.want_integer"},
		{`{"years_of_teaching": 7.5}`, false, 0, false, "api.field.want_integer"},
	}
	for _, tt := range tests {
		var p profileUpdate
		err := decodeWith(t, "", strings.NewReader(tt.body), &p)
		if tt.wantType != "" {
			e, ok := apperr.As(err)
			if !ok || e.Fields["years_of_teaching"].Key != tt.wantType {
				t.Errorf("%s: %v, want %s on years_of_teaching", tt.body, err, tt.wantType)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		y := p.YearsOfTeaching
		if y.Set != tt.set || (y.Value == nil) != (tt.null || !tt.set) || (y.Value != nil && *y.Value != tt.value) {
			t.Errorf("%s: %+v", tt.body, y)
		}
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{apperr.New(apperr.Invalid, "k"), 400},
		{apperr.New(apperr.Unauthorized, "k"), 401},
		{apperr.New(apperr.Forbidden, "k"), 403},
		{apperr.New(apperr.NotFound, "k"), 404},
		{apperr.New(apperr.Conflict, "k"), 409},
		{apperr.New(apperr.TooLarge, "k"), 413},
		{apperr.New(apperr.RateLimited, "k"), 429},
		{apperr.New(apperr.Internal, "k"), 500},
		{errors.New("database gone"), 500},
		{errMethodNotAllowed, 405},
		{errMediaType, 415},
	}
	for _, tt := range tests {
		if got := statusOf(tt.err); got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// A panicking handler still answers in the envelope, without its details.
func TestPanicBecomesInternalError(t *testing.T) {
	a := newBareAPI(t)
	a.mux.HandleFunc("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/boom", nil)
	req.Header.Set("Accept-Language", "en")
	a.ServeHTTP(rec, req)
	if rec.Code != 500 || rec.Header().Get("Content-Type") != contentType {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	if !strings.Contains(body, `"code":"internal"`) || !strings.Contains(body, "Something went wrong on the server") || strings.Contains(body, "secret") {
		t.Errorf("body = %s", body)
	}
}

// FuzzDecodeBody feeds arbitrary bodies to the decoder: it must never panic
// and must accept or refuse with a client error, never a server error.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{`{}`, `{"display_name": "张"}`, `{"years_of_teaching": null}`, `{"subjects": ["math"]}`,
		`[`, `{"a":`, "\xef\xbb\xbf{}", `{"bio": "\u0000"}`, `{"years_of_teaching": 1e99}`, `{} {}`} {
		f.Add([]byte(seed))
	}
	a := &API{maxBody: 1 << 12}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPatch, "/api/v1/me", bytes.NewReader(body))
		var p profileUpdate
		err := a.decodeBody(httptest.NewRecorder(), req, &p)
		if err == nil {
			return
		}
		if s := statusOf(err); s < 400 || s >= 500 {
			t.Fatalf("body %q: status %d (%v)", body, s, err)
		}
	})
}

package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestNoInputProducesAServerError sends malformed JSON, wrong types, odd
// encodings, huge bodies, junk IDs and junk parameters to every registered
// route and requires a 4xx (or a success) in the JSON envelope every time:
// no user input may produce a 500.
func TestNoInputProducesAServerError(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		entry := f.publicEntry(t)
		_, spare, err := f.svc.CreateToken(context.Background(), f.colleague, "spare")
		if err != nil {
			t.Fatal(err)
		}
		huge := `{"body": "` + strings.Repeat("长", 1<<20) + `"}`
		bodies := []struct {
			name, contentType, body string
		}{
			{"empty", "application/json", ""},
			{"malformed", "application/json", `{"title": `},
			{"truncated string", "application/json", `{"title": "abc`},
			{"syntax error", "application/json", `{"title" "x"}`},
			{"array", "application/json", `[1, 2, 3]`},
			{"string", "application/json", `"hello"`},
			{"number", "application/json", `42`},
			{"null", "application/json", `null`},
			{"trailing data", "application/json", `{} {}`},
			{"trailing garbage", "application/json", `{}]`},
			{"byte order mark", "application/json", "\xef\xbb\xbf{}"},
			{"invalid UTF-8", "application/json", "{\"title\": \"\xff\xfe\", \"name\": \"\xc3\"}"},
			{"NUL characters", "application/json", `{"title": "a\u0000b", "name": "\u0000", "body": "x\u0000", "display_name": "\u0000"}`},
			{"NUL in list", "application/json", `{"subjects": ["math\u0000"]}`},
			{"wrong types", "application/json", `{"title": 1, "name": 2, "body": 3, "visibility": 4, "publish": "x", "parent_id": "y",
				"display_name": [], "years_of_teaching": "z", "subjects": {}, "level": true, "email": 5}`},
			{"huge numbers", "application/json", `{"parent_id": 1e400, "years_of_teaching": 99999999999999999999999}`},
			{"negative IDs", "application/json", `{"parent_id": -9223372036854775808, "name": "x", "level": "school"}`},
			{"deep nesting", "application/json", `{"title": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`},
			{"unknown fields", "application/json", `{"password_hash": "x", "role": "admin", "id": 1}`},
			{"empty object", "application/json", `{}`},
			{"url-encoded form", "application/x-www-form-urlencoded", "title=x&body=y&visibility=public&name=z"},
			{"multipart form", "multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--xx--\r\n"},
			{"unparsable content type", `application/json; charset="unterminated`, `{}`},
			{"text content type", "text/plain", `{}`},
			{"json+suffix", "application/merge-patch+json", `{"title": 7}`},
			{"huge body", "application/json", huge},
		}
		ids := map[string]string{"journal": fmt.Sprint(entry), "institutions": fmt.Sprint(f.school.ID), "tokens": fmt.Sprint(spare.ID)}
		junkIDs := []string{"abc", "0", "-1", "1.5", "1e3", "99999999999999999999", "%00", "%FF", "9223372036854775807", strings.Repeat("9", 500)}
		junkNames := []string{"%00", "%FF%FE", "..%2F..%2Fetc", strings.Repeat("a", 2000), "%E5%BC%A0%E4%BC%9F", "a%20b"}
		junkQueries := []string{"limit=-1", "limit=%00", "offset=x", "offset=-5", "before=-1", "before=%FF", "parent=abc",
			"under=1e9", "level=%00", "level=" + strings.Repeat("z", 300), "q=%00", "q=%FF%FE", "q=" + strings.Repeat("%25", 3000),
			"status=%00", "limit=1&limit=x", "q=%25_%5C"}

		for _, pattern := range f.api.patterns {
			method, tmpl, _ := strings.Cut(pattern, " ")
			resource := strings.Split(strings.TrimPrefix(tmpl, Prefix+"/"), "/")[0]
			if resource == "me" {
				resource = "tokens"
			}
			fill := func(id, name string) string {
				return strings.NewReplacer("{id}", id, "{username}", name).Replace(tmpl)
			}
			valid := fill(ids[resource], "zhangwei")
			t.Run(pattern, func(t *testing.T) {
				for _, b := range bodies {
					if b.name == "huge body" && method != http.MethodPost && method != http.MethodPatch {
						continue // a handler that reads no body answers before the client finishes sending it
					}
					f.expectNo5xx(t, b.name, method, valid, b.contentType, b.body, nil)
				}
				if method == http.MethodPost || method == http.MethodPatch {
					// Without Content-Length, the limit applies while reading.
					f.expectNo5xx(t, "huge chunked body", method, valid, "application/json", "", strings.NewReader(huge))
					r := f.expectNo5xx(t, "huge body status", method, valid, "application/json", huge, nil)
					if r.status != http.StatusRequestEntityTooLarge || apiErr(t, r).Code != "too_large" {
						t.Errorf("huge body: %d %s", r.status, r.body)
					}
				}
				if strings.Contains(tmpl, "{id}") {
					for _, id := range junkIDs {
						f.expectNo5xx(t, "junk id "+id, method, fill(id, ""), "application/json", `{}`, nil)
					}
				}
				if strings.Contains(tmpl, "{username}") {
					for _, name := range junkNames {
						f.expectNo5xx(t, "junk username "+name, method, fill("", name), "", "", nil)
					}
				}
				for _, q := range junkQueries {
					f.expectNo5xx(t, "junk query "+q, method, valid+"?"+q, "application/json", `{}`, nil)
				}
			})
		}
	})
}

// expectNo5xx sends one raw request as lina (who can read, but not change,
// zhangwei's entry) and fails on a server error.
func (f *fixture) expectNo5xx(t *testing.T, name, method, path, contentType, body string, stream io.Reader) response {
	t.Helper()
	var rd io.Reader = strings.NewReader(body)
	if stream != nil {
		rd = io.NopCloser(stream) // hides the length, so the request is chunked
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+f.token["lina"])
	res, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s (%s): %v", method, path, name, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, body: out}
	if r.status >= 500 {
		t.Errorf("%s %.100s (%s): %d %s", method, path, name, r.status, out)
	}
	if ct := res.Header.Get("Content-Type"); r.status != http.StatusNoContent && ct != "application/json; charset=utf-8" {
		t.Errorf("%s %.100s (%s): Content-Type %q; every answer is JSON, errors included", method, path, name, ct)
	}
	if r.status >= 400 {
		f.checkTranslated(request{method: method, path: path}, out)
	}
	return r
}

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
		// Community fields, one per body: the decoder stops at the first
		// unknown field, so a body naming many would reach few handlers.
		for i, b := range []string{`{"institution_id": "x"}`, `{"institution_id": -9223372036854775808}`, `{"member_cap": 1e20}`,
			`{"starts_on": 20260901}`, `{"starts_on": "0000-01-01"}`, `{"ends_on": "9999-12-31"}`, `{"starts_on": "2026-02-30"}`,
			`{"ends_on": {}}`, `{"join_policy": 1}`, `{"visibility": "\u0000"}`, `{"status": "planning"}`, `{"status": []}`,
			`{"message": "\u0000"}`, `{"message": 5}`, `{"approve": "yes"}`, `{"approve": false, "reason": "\u0000"}`,
			`{"approve": [1e400]}`, `{"approve": [9223372036854775807, -1, 0]}`, `{"role": "\u0000"}`, `{"role": "host"}`,
			`{"usernames": [1]}`, `{"usernames": ["\u0000"]}`, `{"usernames": ["%FF", "..", ""]}`, `{"days": 1e400}`,
			`{"days": -1}`, `{"max_uses": 99999999999}`, `{"proposals": [9223372036854775807, -9223372036854775808]}`,
			`{"budget": -1}`, `{"closes_at": 5}`, `{"closes_at": "0001-01-01T00:00:00Z"}`, `{"closes_at": "9999-12-31T23:59:59Z"}`,
			`{"closes_at": "2026-01-01T00:00:00+25:00"}`, `{"adopt": [1], "decline": [2]}`, `{"adopt": [9223372036854775807]}`,
			`{"decline": null}`, `{"note": "\ud800"}`, `{"problem": "\u0000"}`, `{"plan": 7}`} {
			bodies = append(bodies, struct{ name, contentType, body string }{fmt.Sprintf("community field %d", i), "application/json", b})
		}
		for i, b := range discussionJunk {
			bodies = append(bodies, struct{ name, contentType, body string }{fmt.Sprintf("discussion field %d", i), "application/json", b})
		}
		ids := map[string]string{"journal": fmt.Sprint(entry), "institutions": fmt.Sprint(f.school.ID), "tokens": fmt.Sprint(spare.ID)}
		// Path parameters other than {id}, and {id} for the community
		// resources: lina hosts a community, so her junk reaches deep.
		params := map[string]string{"{username}": "zhangwei"}
		for k, v := range f.junkCommunity(t) {
			if strings.HasPrefix(k, "{") {
				params[k] = v
			} else {
				ids[k] = v
			}
		}
		for k, v := range f.junkDiscussion(t, ids["communities"]) {
			if strings.HasPrefix(k, "{") {
				params[k] = v
			} else {
				ids[k] = v
			}
		}
		for k, v := range f.junkInterviews(t) {
			ids[k] = v
		}
		for k, v := range f.junkSurveys(t) {
			ids[k] = v
		}
		for k, v := range f.junkResources(t) {
			ids[k] = v
		}
		junkIDs := []string{"abc", "0", "-1", "1.5", "1e3", "99999999999999999999", "%00", "%FF", "9223372036854775807", strings.Repeat("9", 500)}
		junkNames := []string{"%00", "%FF%FE", "..%2F..%2Fetc", strings.Repeat("a", 2000), "%E5%BC%A0%E4%BC%9F", "a%20b"}
		junkTokens := append([]string{"x", "yx_abc", "%2F", strings.Repeat("A", 64), strings.Repeat("A", 65)}, junkNames...)
		junkQueries := []string{"limit=-1", "limit=%00", "offset=x", "offset=-5", "before=-1", "before=%FF", "parent=abc",
			"under=1e9", "level=%00", "level=" + strings.Repeat("z", 300), "q=%00", "q=%FF%FE", "q=" + strings.Repeat("%25", 3000),
			"status=%00", "limit=1&limit=x", "q=%25_%5C", "institution=-1", "institution=99999999999999999999",
			"institution=" + fmt.Sprint(f.school.ID), "member=you", "member=%00", "status=archived", "status=" + strings.Repeat("s", 300)}

		for _, pattern := range f.api.patterns {
			method, tmpl, _ := strings.Cut(pattern, " ")
			resource := strings.Split(strings.TrimPrefix(tmpl, Prefix+"/"), "/")[0]
			if resource == "me" {
				resource = "tokens"
			}
			// fill puts valid values into the path parameters, except those
			// given in junk.
			fill := func(junk map[string]string) string {
				var pairs []string
				for _, name := range []string{"{id}", "{username}", "{user_id}", "{rid}", "{token}", "{type}"} {
					v, ok := junk[name]
					switch {
					case ok:
					case name == "{id}":
						v = ids[resource]
					default:
						v = params[name]
					}
					pairs = append(pairs, name, v)
				}
				return strings.NewReplacer(pairs...).Replace(tmpl)
			}
			valid := fill(nil)
			t.Run(pattern, func(t *testing.T) {
				for _, b := range bodies {
					if b.name == "huge body" && method != http.MethodPost && method != http.MethodPatch && method != http.MethodPut {
						continue // a handler that reads no body answers before the client finishes sending it
					}
					f.expectNo5xx(t, b.name, method, valid, b.contentType, b.body, nil)
				}
				if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
					// Without Content-Length, the limit applies while reading.
					f.expectNo5xx(t, "huge chunked body", method, valid, "application/json", "", strings.NewReader(huge))
					r := f.expectNo5xx(t, "huge body status", method, valid, "application/json", huge, nil)
					if r.status != http.StatusRequestEntityTooLarge || apiErr(t, r).Code != "too_large" {
						t.Errorf("huge body: %d %s", r.status, r.body)
					}
				}
				for _, param := range []string{"{id}", "{user_id}", "{rid}"} {
					if strings.Contains(tmpl, param) {
						for _, id := range junkIDs {
							f.expectNo5xx(t, "junk "+param+" "+id, method, fill(map[string]string{param: id}), "application/json", `{}`, nil)
						}
					}
				}
				if strings.Contains(tmpl, "{username}") {
					for _, name := range junkNames {
						f.expectNo5xx(t, "junk username "+name, method, fill(map[string]string{"{username}": name}), "", "", nil)
					}
				}
				if strings.Contains(tmpl, "{type}") {
					for _, typ := range append([]string{"comment", "TOPIC", "topic%00", "reply%2F1"}, junkNames...) {
						f.expectNo5xx(t, "junk type "+typ, method, fill(map[string]string{"{type}": typ}), "application/json", `{}`, nil)
					}
				}
				if strings.Contains(tmpl, "{token}") {
					for _, tok := range junkTokens {
						f.expectNo5xx(t, "junk token "+tok, method, fill(map[string]string{"{token}": tok}), "application/json", `{}`, nil)
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
// zhangwei's entry, and who hosts the community of junkCommunity) and fails
// on a server error.
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

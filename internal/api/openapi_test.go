package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func newBareAPI(t *testing.T) *API {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return New(Options{Catalog: cat})
}

// TestOpenAPIMatchesRoutes checks the document against the mux both ways:
// every registered route is documented, and every documented operation is
// routed to exactly the pattern of its path and method.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := newBareAPI(t)
	doc := loadDocument(t)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			pattern := method + " " + Prefix + path
			documented = append(documented, pattern)
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", pattern)
			}
			// Fill path parameters the way a client would, and ask the mux.
			concrete := strings.NewReplacer("{id}", "7", "{username}", "someone", "{user_id}", "8", "{rid}", "9",
				"{token}", "tok", "{type}", "reply").Replace(Prefix + path)
			if strings.Contains(concrete, "{") {
				t.Errorf("%s has a path parameter this test does not know", pattern)
			}
			req := httptest.NewRequest(method, concrete, nil)
			if _, got := a.mux.Handler(req); got != pattern {
				t.Errorf("documented %s is routed to %q", pattern, got)
			}
			for _, p := range op.Parameters {
				if p.Value.In == openapi3.ParameterInPath && !strings.Contains(path, "{"+p.Value.Name+"}") {
					t.Errorf("%s declares path parameter %s that its path lacks", pattern, p.Value.Name)
				}
			}
			if _, ok := op.Responses.Map()["500"]; !ok && path != "/openapi.json" {
				t.Errorf("%s does not document the 500 answer", pattern)
			}
			if _, ok := op.Responses.Map()["401"]; !ok && path != "/openapi.json" {
				t.Errorf("%s does not document the 401 answer", pattern)
			}
		}
	}
	for _, pattern := range a.patterns {
		if !slices.Contains(documented, pattern) {
			t.Errorf("route %s is not in openapi.json", pattern)
		}
	}
	sort.Strings(documented)
	if len(documented) != len(a.patterns) {
		t.Errorf("%d documented operations, %d routes:\n%s", len(documented), len(a.patterns), strings.Join(documented, "\n"))
	}
}

func TestServeOpenAPIWithoutToken(t *testing.T) {
	a := newBareAPI(t)
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != contentType {
		t.Fatalf("GET openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.Servers[0].URL != Prefix {
		t.Errorf("server URL %q, want %q", doc.Servers[0].URL, Prefix)
	}
}

// TestEveryOperationAnswersAsDocumented calls every operation once with a
// request that succeeds and once with one that fails, and requires each
// answer to have been checked against the document (fixture.call does the
// checking).
func TestEveryOperationAnswersAsDocumented(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		entry := f.publicEntry(t)
		e := fmt.Sprintf("/api/v1/journal/%d", entry)
		f.get("", "/api/v1/openapi.json").want(t, 200)
		f.get("zhangwei", "/api/v1/me").want(t, 200)
		f.patch("zhangwei", "/api/v1/me", map[string]any{"bio": "b", "years_of_teaching": nil}).want(t, 200)
		f.get("zhangwei", "/api/v1/me/events").want(t, 200)
		f.get("zhangwei", "/api/v1/me/tokens").want(t, 200)
		tok := decode[createdTokenDTO](t, f.post("zhangwei", "/api/v1/me/tokens", map[string]any{"name": "n"}).want(t, 201))
		f.del("zhangwei", fmt.Sprintf("/api/v1/me/tokens/%d", tok.ID)).want(t, 204)
		f.get("zhangwei", "/api/v1/users").want(t, 200)
		f.get("zhangwei", "/api/v1/users/lina").want(t, 200)
		f.get("lina", "/api/v1/users/zhangwei/journal").want(t, 200)
		f.get("zhangwei", "/api/v1/institutions").want(t, 200)
		f.post("xiaozhang", "/api/v1/institutions", map[string]any{"parent_id": f.school.ID, "name": "英语组", "level": "group"}).want(t, 201)
		f.get("zhangwei", fmt.Sprintf("/api/v1/institutions/%d", f.school.ID)).want(t, 200)
		created := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal", map[string]any{"title": "t", "visibility": "private"}).want(t, 201))
		f.get("lina", e).want(t, 200)
		f.patch("zhangwei", e, map[string]any{"title": "新标题", "visibility": "institution"}).want(t, 200)
		f.post("lina", e+"/comments", map[string]any{"body": "好"}).want(t, 201)
		f.get("lina", e+"/comments").want(t, 200)
		f.del("zhangwei", fmt.Sprintf("/api/v1/journal/%d", created.ID)).want(t, 204)
		f.exerciseCommunities(t) // one successful call of every community route
		f.exerciseDiscussion(t)  // and of every discussion route
		f.exerciseInterviews(t)  // and of every interview route
		f.exerciseSurveys(t)     // and of every questionnaire route
		f.exerciseResources(t)   // and of every resource route

		// Failures, each in the envelope the document promises.
		for _, pattern := range f.api.patterns {
			method, path, _ := strings.Cut(pattern, " ")
			if path == "/api/v1/openapi.json" {
				continue
			}
			path = strings.NewReplacer("{id}", "1", "{username}", "zhangwei", "{user_id}", "1", "{rid}", "1", "{token}", "t",
				"{type}", "topic").Replace(path)
			f.call(request{method: method, path: path}).want(t, 401)
		}
		f.post("zhangwei", "/api/v1/institutions", map[string]any{"parent_id": f.school.ID, "name": "x"}).want(t, 403)
		f.get("zhangwei", "/api/v1/institutions/999").want(t, 404)
		f.post("zhangwei", "/api/v1/journal", `{"title": 1}`).want(t, 400)
		f.call(request{method: "POST", path: "/api/v1/journal", as: "zhangwei", body: `{}`, header: map[string]string{"Content-Type": "text/plain"}}).want(t, 415)
		f.post("zhangwei", "/api/v1/journal", `{"body": "`+strings.Repeat("x", 2<<20)+`"}`).want(t, 413)
		f.patch("lina", e, map[string]any{"title": "x"}).want(t, 403)
		draft := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal", map[string]any{"title": "d", "visibility": "public"}))
		f.post("zhangwei", fmt.Sprintf("/api/v1/journal/%d/comments", draft.ID), map[string]any{"body": "x"}).want(t, 409)

		for _, pattern := range f.api.patterns {
			method, path, _ := strings.Cut(pattern, " ")
			op := f.doc.Paths.Value(strings.TrimPrefix(path, Prefix)).GetOperation(method)
			if !slices.ContainsFunc([]int{200, 201, 204}, func(s int) bool { return f.answered[op.OperationID][s] }) {
				t.Errorf("%s (%s): no successful answer was checked against the document", pattern, op.OperationID)
			}
		}
		for op, statuses := range map[string][]int{"createInstitution": {403}, "getInstitution": {404}, "createEntry": {400, 413, 415},
			"updateEntry": {403}, "createComment": {409}, "getMe": {401}} {
			for _, s := range statuses {
				if !f.answered[op][s] {
					t.Errorf("%s: the %d answer was not checked", op, s)
				}
			}
		}
	})
}

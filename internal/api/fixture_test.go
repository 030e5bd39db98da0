package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// fixture is a small district made through the service, an API server in
// front of it and a token for each person:
//
//	海淀区 (district)                朝阳区 (district)
//	  └ 第一中学 (school)              └ 第二中学 (school)
//	      └ 数学教研组 (group)
//
// admin is a platform admin; quadmin administers 海淀区; xiaozhang
// administers 第一中学, where zhangwei and lina teach; chenjing teaches at
// 第二中学.
type fixture struct {
	t   *testing.T
	svc *service.Service
	api *API
	srv *httptest.Server
	doc *openapi3.T
	// answered records operationId → statuses whose answers were checked
	// against the document.
	answered map[string]map[int]bool
	// skew moves the service's clock ahead of the real one (nanoseconds),
	// for deadlines; see advance.
	skew atomic.Int64

	district, school, group, otherDistrict, otherSchool *space.Space

	admin, districtAdmin, schoolAdmin, teacher, colleague, outsider *account.User
	token                                                           map[string]string // username → bearer token
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, token: map[string]string{}, answered: map[string]map[int]bool{}}
	files, err := blob.NewLocal(t.TempDir()) // resource uploads and downloads
	if err != nil {
		t.Fatal(err)
	}
	f.svc = service.New(service.Options{DB: db, Argon2: account.FastArgon2,
		Now: func() time.Time { return time.Now().Add(time.Duration(f.skew.Load())) }, Files: files})
	f.api = New(Options{Service: f.svc, Catalog: cat})
	f.srv = httptest.NewServer(f.api)
	t.Cleanup(f.srv.Close)
	f.doc = loadDocument(t)

	inst := func(parent *space.Space, name string, level space.Level) *space.Space {
		var pid int64
		if parent != nil {
			pid = parent.ID
		}
		s, err := f.svc.CreateInstitution(ctx, nil, pid, service.InstitutionInput{Name: name, Level: level, Location: "urban"})
		if err != nil {
			t.Fatalf("create institution %s: %v", name, err)
		}
		return s
	}
	f.district = inst(nil, "海淀区", space.District)
	f.school = inst(f.district, "第一中学", "")
	f.group = inst(f.school, "数学教研组", "")
	f.otherDistrict = inst(nil, "朝阳区", space.District)
	f.otherSchool = inst(f.otherDistrict, "第二中学", "")

	user := func(username, name string, role account.Role, at *space.Space) *account.User {
		var iid int64
		if at != nil {
			iid = at.ID
		}
		years := 5
		u, err := f.svc.CreateUser(ctx, nil, service.NewUser{Username: username, Password: "correct horse", Role: role,
			InstitutionID: iid, Profile: service.Profile{DisplayName: name, Email: username + "@example.cn",
				Subjects: []string{"math"}, YearsOfTeaching: &years}})
		if err != nil {
			t.Fatalf("create user %s: %v", username, err)
		}
		tok, _, err := f.svc.CreateToken(ctx, u, "test")
		if err != nil {
			t.Fatalf("create token for %s: %v", username, err)
		}
		f.token[username] = tok
		return u
	}
	f.admin = user("admin", "管理员", account.Admin, nil)
	f.districtAdmin = user("quadmin", "区管理员", account.DistrictAdmin, f.district)
	f.schoolAdmin = user("xiaozhang", "校长", account.SchoolAdmin, f.school)
	f.teacher = user("zhangwei", "张伟", account.Teacher, f.school)
	f.colleague = user("lina", "李娜", account.Teacher, f.group)
	f.outsider = user("chenjing", "陈静", account.Teacher, f.otherSchool)
	return f
}

// advance moves the service's clock forward by d, as if time had passed.
func (f *fixture) advance(d time.Duration) { f.skew.Add(int64(d)) }

func loadDocument(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDocument)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

// request describes one call; body is a string sent as is, or any other
// value sent as JSON.
type request struct {
	method, path string
	as           string // username whose token to send; "" sends none
	body         any
	header       map[string]string
}

// response is what came back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call performs a request and checks what every answer must satisfy: JSON
// with the right Content-Type (unless 204), and, for a documented
// operation, a status and body that the OpenAPI document allows. A request
// the server accepted (2xx) must also conform to the document.
func (f *fixture) call(rq request) response {
	f.t.Helper()
	var raw []byte
	switch b := rq.body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			f.t.Fatal(err)
		}
	}
	req := f.newRequest(rq, raw)
	res, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatalf("%s %s: read body: %v", rq.method, rq.path, err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: body}
	if out.status != http.StatusNoContent {
		if ct := res.Header.Get("Content-Type"); ct != contentType {
			f.t.Errorf("%s %s: Content-Type %q, want %q", rq.method, rq.path, ct, contentType)
		}
		if !json.Valid(body) {
			f.t.Errorf("%s %s: answer is not JSON: %.200s", rq.method, rq.path, body)
		}
	}
	if out.status >= 400 {
		f.checkTranslated(rq, body)
	}
	f.checkContract(rq, raw, out)
	return out
}

// bareKey matches a catalogue key shown instead of its translation.
var bareKey = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)+$`)

// checkTranslated fails when an error answer shows a message key instead of
// text, which happens when a key is missing from the catalogue.
func (f *fixture) checkTranslated(rq request, body []byte) {
	f.t.Helper()
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil || env.Error.Code == "" {
		f.t.Errorf("%s %s: error answer without the envelope: %.200s", rq.method, rq.path, body)
		return
	}
	if bareKey.MatchString(env.Error.Message) {
		f.t.Errorf("%s %s: untranslated message %q", rq.method, rq.path, env.Error.Message)
	}
	for name, text := range env.Error.Fields {
		if bareKey.MatchString(text) {
			f.t.Errorf("%s %s: field %s has untranslated message %q", rq.method, rq.path, name, text)
		}
	}
}

func (f *fixture) newRequest(rq request, raw []byte) *http.Request {
	f.t.Helper()
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(rq.method, f.srv.URL+rq.path, body)
	if err != nil {
		f.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.as != "" {
		tok, ok := f.token[rq.as]
		if !ok {
			f.t.Fatalf("no token for %q", rq.as)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	return req
}

// route finds the documented operation a request is routed to, nil for
// requests the API routes nowhere (404 and 405 answers).
func (f *fixture) route(req *http.Request) *routers.Route {
	_, pattern := f.api.mux.Handler(req)
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return nil
	}
	tmpl := strings.TrimPrefix(path, Prefix)
	item := f.doc.Paths.Value(tmpl)
	if item == nil || item.GetOperation(method) == nil {
		f.t.Errorf("route %q is not documented", pattern)
		return nil
	}
	return &routers.Route{Spec: f.doc, Server: f.doc.Servers[0], Path: tmpl, PathItem: item, Method: method,
		Operation: item.GetOperation(method)}
}

// checkContract validates an exchange against the OpenAPI document.
func (f *fixture) checkContract(rq request, raw []byte, res response) {
	f.t.Helper()
	req := f.newRequest(rq, raw)
	// ServeMux.Handler does not fill in path values; match them by hand.
	route := f.route(req)
	if route == nil {
		return
	}
	tmpl := strings.Split(route.Path, "/")
	got := strings.Split(strings.TrimPrefix(req.URL.Path, Prefix), "/")
	params := map[string]string{}
	for i, seg := range tmpl {
		if strings.HasPrefix(seg, "{") && i < len(got) {
			params[strings.Trim(seg, "{}")] = got[i]
		}
	}
	ctx := context.Background()
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if res.status >= 200 && res.status < 300 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			f.t.Errorf("%s %s was accepted (%d) but does not conform to the document: %v", rq.method, rq.path, res.status, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.status, Header: res.header, Options: opts}
	out.SetBodyBytes(res.body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		f.t.Errorf("%s %s answered %d not as documented: %v\n%.500s", rq.method, rq.path, res.status, err, res.body)
		return
	}
	op := route.Operation.OperationID
	if f.answered[op] == nil {
		f.answered[op] = map[int]bool{}
	}
	f.answered[op][res.status] = true
}

// get, post, patch and del are shorthands for call.
func (f *fixture) get(as, path string) response {
	f.t.Helper()
	return f.call(request{method: http.MethodGet, path: path, as: as})
}

func (f *fixture) post(as, path string, body any) response {
	f.t.Helper()
	return f.call(request{method: http.MethodPost, path: path, as: as, body: body})
}

func (f *fixture) patch(as, path string, body any) response {
	f.t.Helper()
	return f.call(request{method: http.MethodPatch, path: path, as: as, body: body})
}

func (f *fixture) del(as, path string) response {
	f.t.Helper()
	return f.call(request{method: http.MethodDelete, path: path, as: as})
}

// want fails the test unless the answer has the status.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.500s", r.status, status, r.body)
	}
	return r
}

// decode unmarshals the answer into a value of type T.
func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v: %.300s", v, err, r.body)
	}
	return v
}

// apiErr decodes an error answer.
func apiErr(t *testing.T, r response) errorDTO {
	t.Helper()
	return decode[errorEnvelope](t, r).Error
}

// wantField fails unless an error answer names the field with the text.
func wantField(t *testing.T, r response, status int, field, text string) {
	t.Helper()
	r.want(t, status)
	e := apiErr(t, r)
	got, ok := e.Fields[field]
	if !ok {
		t.Fatalf("no field error for %q in %+v", field, e)
	}
	if text != "" && got != text {
		t.Fatalf("field %q: %q, want %q", field, got, text)
	}
}

package api

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// multipartBody builds an upload form: fields first, the file last.
func multipartBody(t *testing.T, fields [][2]string, name string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

func (f *fixture) upload(t *testing.T, as string, fields [][2]string, name string, data []byte) response {
	t.Helper()
	body, ct := multipartBody(t, fields, name, data)
	return f.call(request{method: http.MethodPost, path: "/api/v1/resources/files", as: as, body: body,
		header: map[string]string{"Content-Type": ct}})
}

// download fetches a file's bytes; the answer is not JSON, so it is checked
// here rather than by call, and recorded as answered by hand.
func (f *fixture) download(t *testing.T, as string, id int64, rangeHeader string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/resources/%d/file", f.srv.URL, id), nil)
	req.Header.Set("Authorization", "Bearer "+f.token[as])
	if rangeHeader != "" {
		req.Header.Set("Range", rangeHeader)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode < 300 {
		if f.answered["downloadResource"] == nil {
			f.answered["downloadResource"] = map[int]bool{}
		}
		f.answered["downloadResource"][res.StatusCode] = true
	}
	return res.StatusCode, b
}

// exerciseResources calls every resource route once successfully.
func (f *fixture) exerciseResources(t *testing.T) {
	pdf := testkit.PDF("分数的初步认识 课例研修")
	up := decode[resourceDetailDTO](t, f.upload(t, "zhangwei", [][2]string{{"title", "分数 PPT 课件"}, {"visibility", "public"},
		{"subject", "math"}, {"grade", "g3"}, {"tags", "课例"}}, "课件.pdf", pdf).want(t, 201))
	if up.Format == nil || *up.Format != "pdf" || up.Owner.ID != f.teacher.ID {
		t.Fatalf("upload answered %+v", up)
	}
	link := decode[resourceDetailDTO](t, f.post("zhangwei", "/api/v1/resources", map[string]any{"kind": "link",
		"title": "教研网站", "url": "https://example.org/", "visibility": "institution"}).want(t, 201))
	doc := decode[resourceDetailDTO](t, f.post("lina", "/api/v1/resources", map[string]any{"kind": "document",
		"title": "数学教学设计", "doc_type": "lesson_plan", "visibility": "public",
		"sections": map[string]string{"objectives": "认识分数"}}).want(t, 201))
	if doc.Revision == nil || doc.Revision.Number != 1 || len(doc.Revision.Sections) != 5 {
		t.Fatalf("document answered %+v", doc)
	}
	l := decode[resourceListDTO](t, f.get("chenjing", "/api/v1/resources?q=%E6%95%B0%E5%AD%A6&facets=true").want(t, 200))
	var titles []string
	for _, it := range l.Items {
		titles = append(titles, it.Title)
	}
	if l.Total != 1 || !slices.Equal(titles, []string{"数学教学设计"}) || len(l.Facets["subject"]) != 0 {
		t.Errorf("数学 for an outsider: %+v", l)
	}
	l = decode[resourceListDTO](t, f.get("lina", "/api/v1/resources?q=PPT+%E8%AF%BE%E4%BB%B6&grade=g3").want(t, 200))
	if l.Total != 1 || l.Items[0].ID != up.ID || l.Items[0].Type != "other" {
		t.Errorf("PPT 课件: %+v", l)
	}
	f.get("zhangwei", fmt.Sprintf("/api/v1/resources/%d", link.ID)).want(t, 200)
	if code, b := f.download(t, "lina", up.ID, ""); code != 200 || !bytes.Equal(b, pdf) {
		t.Errorf("download: %d, %d bytes", code, len(b))
	}
	if code, b := f.download(t, "lina", up.ID, "bytes=0-3"); code != 206 || string(b) != "%PDF" {
		t.Errorf("range: %d %q", code, b)
	}
	f.get("zhangwei", fmt.Sprintf("/api/v1/resources/%d/revisions", doc.ID)).want(t, 200)
	rev := decode[revisionDTO](t, f.post("lina", fmt.Sprintf("/api/v1/resources/%d/revisions", doc.ID), map[string]any{
		"base_id": doc.Revision.ID, "title": "数学教学设计", "sections": map[string]string{"process": "导入"}}).want(t, 201))
	// A save from the old base is a conflict: someone saved meanwhile.
	f.post("lina", fmt.Sprintf("/api/v1/resources/%d/revisions", doc.ID), map[string]any{
		"base_id": doc.Revision.ID, "title": "x", "sections": map[string]string{}}).want(t, 409)
	if rev.Number != 2 || rev.BaseID == nil || *rev.BaseID != doc.Revision.ID {
		t.Errorf("revision %+v", rev)
	}
	cp := decode[resourceDetailDTO](t, f.post("chenjing", fmt.Sprintf("/api/v1/resources/%d/reuse", up.ID), map[string]any{}).want(t, 201))
	if cp.CopiedFrom == nil || *cp.CopiedFrom != up.ID || cp.Visibility != "private" {
		t.Errorf("reuse %+v", cp)
	}
	f.del("chenjing", fmt.Sprintf("/api/v1/resources/%d", cp.ID)).want(t, 204)
	f.exerciseThumbnail(t)
	f.exerciseResourceReviews(t)
}

// junkResources names a document of lina's for the malformed-input test:
// a document, so that GET .../file answers (404) in JSON like every error.
func (f *fixture) junkResources(t *testing.T) map[string]string {
	t.Helper()
	d := decode[resourceDetailDTO](t, f.post("lina", "/api/v1/resources", map[string]any{"kind": "document",
		"title": "教学反思", "doc_type": "reflection", "visibility": "public", "sections": map[string]string{"body": "x"}}).want(t, 201))
	rv := decode[reviewDTO](t, f.post("lina", fmt.Sprintf("/api/v1/resources/%d/recommend", d.ID),
		map[string]any{"institution_id": f.school.ID}).want(t, 201))
	return map[string]string{"resources": fmt.Sprint(d.ID), "reviews": fmt.Sprint(rv.ID)}
}

func TestResourceAPIRefusals(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		wantField(t, f.upload(t, "zhangwei", [][2]string{{"title", "x"}, {"visibility", "public"}}, "a.zip", testkit.Zip()),
			400, "file", "")
		wantField(t, f.upload(t, "zhangwei", [][2]string{{"title", "x"}, {"visibility", "public"}}, "../a.pdf", testkit.PDF("x")),
			400, "file", "")
		wantField(t, f.upload(t, "zhangwei", [][2]string{{"visibility", "public"}}, "a.pdf", testkit.PDF("x")), 400, "title", "")
		wantField(t, f.post("zhangwei", "/api/v1/resources", map[string]any{"kind": "file", "title": "x", "visibility": "public"}),
			400, "kind", "")
		wantField(t, f.get("zhangwei", "/api/v1/resources?type=poster"), 400, "type", "")
		private := decode[resourceDetailDTO](t, f.post("zhangwei", "/api/v1/resources", map[string]any{"kind": "link",
			"title": "私有", "url": "https://example.org/", "visibility": "private"}).want(t, 201))
		f.get("lina", fmt.Sprintf("/api/v1/resources/%d", private.ID)).want(t, 404)
		if code, _ := f.download(t, "lina", private.ID, ""); code != 404 {
			t.Errorf("download of a hidden resource: %d", code)
		}
		f.del("lina", fmt.Sprintf("/api/v1/resources/%d", private.ID)).want(t, 404)
	})
}

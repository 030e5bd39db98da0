package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// resWorld is the service world with file storage and small quotas.
type resWorld struct {
	*world
	files    *blob.Local
	filesDir string
}

func newResWorld(t *testing.T, db *store.DB) *resWorld {
	t.Helper()
	w := newWorld(t, db)
	dir := t.TempDir()
	files, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.svc = service.New(service.Options{DB: db, Argon2: account.FastArgon2, Now: func() time.Time { return *w.now },
		Files: files, Resources: service.ResourceOptions{Quotas: map[space.Kind]int64{space.Personal: 64 << 10}}})
	return &resWorld{world: w, files: files, filesDir: dir}
}

func pub(title string) resource.Input {
	return resource.Input{Title: title, Meta: resource.Meta{Subject: "math", Grade: "g3", Type: resource.TypeCourseware},
		Visibility: resource.VisPublic}
}

func (w *resWorld) upload(t *testing.T, u *account.User, spaceID int64, in resource.Input, name string, data []byte) (*resource.Resource, error) {
	t.Helper()
	return w.svc.UploadResource(context.Background(), u, spaceID, in, service.Upload{Name: name, Body: bytes.NewReader(data)})
}

// runTextJobs runs the queued text extraction jobs, as the runner would.
func (w *resWorld) runTextJobs(t *testing.T) {
	t.Helper()
	js, err := w.db.R().JobsOfKind(context.Background(), service.JobResourceText, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if err := w.svc.ExtractResourceText(context.Background(), jobs.Job{ID: j.ID, Kind: j.Kind, Payload: []byte(j.Payload)}); err != nil {
			t.Fatalf("extraction job: %v", err)
		}
	}
}

func (w *resWorld) search(t *testing.T, viewer *account.User, q string) []string {
	t.Helper()
	res, err := w.svc.SearchResources(context.Background(), viewer, service.ResourceQuery{Q: q, Limit: 50})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, r := range res.Items {
		out = append(out, r.Title)
	}
	return out
}

func storedFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestUploadChecksBytesNamesAndLimits(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		pdf := testkit.PDF("分数的初步认识 课例研修")
		r, err := w.upload(t, w.teacher, 0, pub("分数 课件"), "课件.docx", pdf) // the name lies; the bytes decide
		if err != nil {
			t.Fatal(err)
		}
		if r.Format != resource.PDF || r.ContentType != "application/pdf" || r.FileName != "课件.docx" || r.TextStatus != resource.TextPending {
			t.Fatalf("uploaded %+v", r)
		}
		// The same bytes again are stored once.
		if _, err := w.upload(t, w.teacher, 0, pub("again"), "again.pdf", pdf); err != nil {
			t.Fatal(err)
		}
		if n := storedFiles(t, w.filesDir); n != 1 {
			t.Errorf("%d files stored for two identical uploads", n)
		}
		docx, err := w.upload(t, w.teacher, 0, pub("教案"), "教案.docx", testkit.DOCX("教学目标"))
		if err != nil || docx.Format != resource.Word || docx.ContentType != resource.OOXMLTypes[resource.Word] {
			t.Fatalf("docx: %+v %v", docx, err)
		}
		bad := map[string]struct {
			name, field string
			data        []byte
		}{
			"zip archive":    {"课件.pptx", "file", testkit.Zip()},
			"executable":     {"setup.pdf", "file", append([]byte("MZ\x90\x00"), make([]byte, 600)...)},
			"html":           {"page.pdf", "file", []byte("<html><script>alert(1)</script></html>")},
			"empty":          {"empty.pdf", "file", nil},
			"path in name":   {"../../etc/passwd.pdf", "file", pdf},
			"control char":   {"a\x01.pdf", "file", pdf},
			"over the quota": {"big.png", "file", append(testkit.PNG(), make([]byte, 70<<10)...)},
		}
		for name, c := range bad {
			_, err := w.upload(t, w.teacher, 0, pub("x"), c.name, c.data)
			e, ok := apperr.As(err)
			if !ok || e.Fields[c.field].Key == "" {
				t.Errorf("%s: error %v, want a %s field error", name, err, c.field)
			}
		}
		if n := storedFiles(t, w.filesDir); n != 2 {
			t.Errorf("refused uploads left files: %d stored, want 2", n)
		}
		// Metadata is checked before the file is read.
		_, err = w.upload(t, w.teacher, 0, resource.Input{Title: "", Visibility: "x"}, "a.pdf", pdf)
		if e, _ := apperr.As(err); e == nil || e.Fields["title"].Key == "" || e.Fields["visibility"].Key == "" {
			t.Errorf("bad metadata: %v", err)
		}
		// Someone else's personal space is not theirs to fill.
		_, err = w.upload(t, w.colleague, w.teacher.PersonalSpaceID, pub("x"), "a.pdf", pdf)
		wantCode(t, err, apperr.Forbidden)
	})
}

// failingReader delivers some bytes, then the connection drops.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset by peer")
	}
	return n, err
}

func TestInterruptedUploadLeavesNothing(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		data := append(testkit.PNG(), make([]byte, 20<<10)...)
		_, err := w.svc.UploadResource(context.Background(), w.teacher, 0, pub("图片"),
			service.Upload{Name: "a.png", Body: failingReader{bytes.NewReader(data)}})
		if err == nil {
			t.Fatal("interrupted upload succeeded")
		}
		if n := storedFiles(t, w.filesDir); n != 0 {
			t.Errorf("%d files left by an interrupted upload", n)
		}
		if res, _ := w.svc.SearchResources(context.Background(), w.teacher, service.ResourceQuery{}); res.Total != 0 {
			t.Errorf("%d resources after an interrupted upload", res.Total)
		}
	})
}

func TestTextExtractionMakesContentSearchable(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		if _, err := w.upload(t, w.teacher, 0, pub("第三单元"), "a.pdf", testkit.PDF("课例研修：教研组如何观课议课")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.upload(t, w.teacher, 0, pub("幻灯片"), "b.pptx", testkit.PPTX("导入", "大单元教学设计")); err != nil {
			t.Fatal(err)
		}
		broken := testkit.PDF("永远读不到的文字")
		broken = broken[:len(broken)*2/3]
		bad, err := w.upload(t, w.teacher, 0, pub("损坏的讲义"), "c.pdf", broken)
		if err != nil {
			t.Fatalf("a broken PDF is still stored: %v", err)
		}
		if got := w.search(t, w.teacher, "教研"); len(got) != 0 {
			t.Errorf("content searchable before extraction: %q", got)
		}
		w.runTextJobs(t)
		if got := w.search(t, w.teacher, "教研"); !slices.Equal(got, []string{"第三单元"}) {
			t.Errorf("教研 = %q", got)
		}
		if got := w.search(t, w.stranger, "大单元"); !slices.Equal(got, []string{"幻灯片"}) {
			t.Errorf("大单元 = %q", got)
		}
		r, err := w.svc.ResourceByID(ctx, w.teacher, bad.ID)
		if err != nil || r.TextStatus != resource.TextFailed {
			t.Fatalf("broken file: %+v %v", r, err)
		}
		if got := w.search(t, w.teacher, "讲义"); !slices.Equal(got, []string{"损坏的讲义"}) {
			t.Errorf("a broken file is not searchable by title: %q", got)
		}
	})
}

func TestResourceVisibilityAndPermissions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		link := func(u *account.User, spaceID int64, title string, vis resource.Visibility) *resource.Resource {
			t.Helper()
			in := pub(title)
			in.Visibility, in.URL = vis, "https://example.org/"+title
			r, err := w.svc.CreateLink(ctx, u, spaceID, in)
			if err != nil {
				t.Fatalf("create %s: %v", title, err)
			}
			return r
		}
		private := link(w.teacher, 0, "私有链接", resource.VisPrivate)
		school := link(w.teacher, 0, "本校链接", resource.VisInstitution)
		public := link(w.teacher, 0, "公开链接", resource.VisPublic)
		c := newCommunity(t, w.world, w.schoolAdm, w.school.ID, community.Open, space.Public)
		if _, err := w.svc.Join(ctx, w.colleague, c.Space.ID, ""); err != nil {
			t.Fatal(err)
		}
		in := pub("坊内链接")
		in.Visibility, in.URL = resource.VisCommunity, "https://example.org/c"
		_, err := w.svc.CreateLink(ctx, w.stranger, c.Space.ID, in)
		wantCode(t, err, apperr.Forbidden) // not a member
		comm := link(w.colleague, c.Space.ID, "坊内链接", resource.VisCommunity)
		in = pub("x")
		in.Visibility, in.URL = resource.VisCommunity, "https://example.org/x"
		_, err = w.svc.CreateLink(ctx, w.teacher, 0, in)
		wantCode(t, err, apperr.Invalid) // community visibility outside a community

		sees := map[*account.User][]*resource.Resource{
			w.teacher:     {private, school, public},
			w.groupMember: {school, public},
			w.colleague:   {school, public, comm},
			w.stranger:    {public},
			w.schoolAdm:   {school, public, comm},
			nil:           {public},
		}
		for u, want := range sees {
			var wantTitles []string
			for _, r := range want {
				wantTitles = append(wantTitles, r.Title)
			}
			got := w.search(t, u, "链接")
			slices.Sort(got)
			slices.Sort(wantTitles)
			if !slices.Equal(got, wantTitles) {
				t.Errorf("%v sees %q, want %q", u, got, wantTitles)
			}
			for _, r := range []*resource.Resource{private, school, public, comm} {
				_, err := w.svc.Resource(ctx, u, r.ID)
				if slices.Contains(want, r) != (err == nil) {
					t.Errorf("%v opening %s: %v", u, r.Title, err)
				}
			}
		}
		// Editing is the owner's; deleting also the leads'.
		_, err = w.svc.UpdateResource(ctx, w.colleague, school.ID, pub("改"))
		wantCode(t, err, apperr.Forbidden)
		upd := pub("本校链接（修订）")
		upd.Visibility, upd.URL = resource.VisInstitution, "https://example.org/new"
		if _, err := w.svc.UpdateResource(ctx, w.teacher, school.ID, upd); err != nil {
			t.Fatal(err)
		}
		if got := w.search(t, w.colleague, "修订"); !slices.Equal(got, []string{"本校链接（修订）"}) {
			t.Errorf("index not updated: %q", got)
		}
		wantCode(t, w.svc.DeleteResource(ctx, w.teacher, comm.ID), apperr.NotFound)
		if err := w.svc.DeleteResource(ctx, w.schoolAdm, comm.ID); err != nil {
			t.Errorf("host deleting a community resource: %v", err)
		}
		wantCode(t, w.svc.DeleteResource(ctx, w.colleague, public.ID), apperr.Forbidden)
		if err := w.svc.DeleteResource(ctx, w.teacher, public.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.search(t, nil, "链接"); len(got) != 0 {
			t.Errorf("deleted resource found: %q", got)
		}
	})
}

func TestReuseSocialAndEvents(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		orig, err := w.upload(t, w.teacher, 0, pub("分数 课件"), "a.pdf", testkit.PDF("分数"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.ReuseResource(ctx, w.teacher, orig.ID, 0)
		wantCode(t, err, apperr.Conflict) // one's own
		cp, err := w.svc.ReuseResource(ctx, w.stranger, orig.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if cp.CopiedFrom != orig.ID || cp.OwnerID != w.stranger.ID || cp.Visibility != resource.VisPrivate || cp.BlobKey != orig.BlobKey {
			t.Fatalf("copy %+v", cp)
		}
		if n := storedFiles(t, w.filesDir); n != 1 {
			t.Errorf("reuse copied the file: %d stored", n)
		}
		noErr(t, w.svc.RateResource(ctx, w.stranger, orig.ID, 5))
		noErr(t, w.svc.RateResource(ctx, w.colleague, orig.ID, 3))
		wantCode(t, w.svc.RateResource(ctx, w.teacher, orig.ID, 5), apperr.Forbidden)
		wantCode(t, w.svc.RateResource(ctx, w.colleague, orig.ID, 6), apperr.Invalid)
		noErr(t, w.svc.SetFavourite(ctx, w.colleague, orig.ID, true))
		if _, err := w.svc.CommentOnResource(ctx, w.colleague, orig.ID, "**很实用**"); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.CommentOnResource(ctx, w.colleague, orig.ID, " ")
		wantCode(t, err, apperr.Invalid)
		wantCode(t, w.svc.SetFavourite(ctx, nil, orig.ID, true), apperr.Unauthorized)
		f, err := w.svc.OpenResourceFile(ctx, w.colleague, orig.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		f.Reader.Close()
		p, err := w.svc.Resource(ctx, w.colleague, orig.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := p.Resource
		if r.Reuses != 1 || r.RatingCount != 2 || r.Rating() != 4 || r.Favourites != 1 || r.Comments != 1 ||
			r.Downloads != 1 || r.Views != 1 || !p.Favourite || p.MyRating != 3 || len(p.Comments) != 1 ||
			!strings.Contains(p.Comments[0].BodyHTML, "<strong>很实用</strong>") {
			t.Fatalf("page %+v, resource %+v", p, r)
		}
		// The original lists its reusers only to those who may see the copy.
		if len(p.Reusers) != 0 {
			t.Errorf("a private copy is listed: %d", len(p.Reusers))
		}
		if p, _ := w.svc.Resource(ctx, w.stranger, orig.ID); len(p.Reusers) != 1 || p.Reusers[0].ID != cp.ID {
			t.Errorf("the reuser does not see their copy listed")
		}
		if p, _ := w.svc.Resource(ctx, w.stranger, cp.ID); p.CopiedFrom == nil || p.CopiedFrom.ID != orig.ID {
			t.Errorf("the copy does not link to its original")
		}
		// Every change wrote its event.
		var verbs []string
		rows := 0
		for _, v := range []string{"created", "reused", "rated", "favourited", "commented", "downloaded", "viewed"} {
			var n int
			if err := db.R().QueryRowForTest(ctx, `SELECT count(*) FROM events WHERE object_type = 'resource' AND verb = $1`, v).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				verbs = append(verbs, v)
			}
			rows += n
		}
		if len(verbs) > 0 {
			t.Errorf("no events for %v", verbs)
		}
	})
}

func TestDocumentRevisionsAndConflict(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		c := newCommunity(t, w.world, w.schoolAdm, w.school.ID, community.Open, space.Public)
		for _, u := range []*account.User{w.teacher, w.colleague} {
			if _, err := w.svc.Join(ctx, u, c.Space.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		in := resource.Input{Title: "分数的初步认识 教学设计", DocType: resource.LessonPlan, Visibility: resource.VisCommunity,
			Meta: resource.Meta{Subject: "math", Grade: "g3"}}
		doc, err := w.svc.CreateDocument(ctx, w.teacher, c.Space.ID, in, map[string]string{"objectives": "认识几分之一"})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Type != resource.TypeLessonPlan || doc.RevisionID == 0 {
			t.Fatalf("document %+v", doc)
		}
		_, err = w.svc.CreateDocument(ctx, w.teacher, c.Space.ID, in, map[string]string{"chorus": "x"})
		wantCode(t, err, apperr.Invalid) // not a section of the template
		base := doc.RevisionID
		// Two members save from the same base at once: one wins, the
		// other gets a conflict and nothing of theirs is lost silently.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []*account.User{w.teacher, w.colleague} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = w.svc.SaveRevision(ctx, u, doc.ID, base, doc.Title,
					map[string]string{"objectives": "认识几分之一", "process": fmt.Sprintf("版本 %d", i)}, "")
			}()
		}
		wg.Wait()
		conflicts := 0
		for _, err := range errs {
			if apperr.Is(err, apperr.Conflict) {
				conflicts++
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if conflicts != 1 {
			t.Fatalf("errors %v: want exactly one conflict", errs)
		}
		revs, total, err := w.svc.ResourceRevisions(ctx, w.colleague, doc.ID, 10, 0)
		if err != nil || len(revs) != 2 || total != 2 || revs[0].BaseID != base {
			t.Fatalf("revisions %+v %v", revs, err)
		}
		// The loser merges and saves on top of the winner.
		if _, err := w.svc.SaveRevision(ctx, w.colleague, doc.ID, revs[0].ID, doc.Title,
			map[string]string{"process": "版本 0 与 版本 1 合并", "board_design": "板书"}, "合并"); err != nil {
			t.Fatal(err)
		}
		if got := w.search(t, w.teacher, "板书"); !slices.Equal(got, []string{doc.Title}) {
			t.Errorf("the latest revision is not indexed: %q", got)
		}
		_, err = w.svc.SaveRevision(ctx, w.stranger, doc.ID, revs[0].ID, doc.Title, nil, "")
		wantCode(t, err, apperr.NotFound) // not a member: cannot even see it
		p, err := w.svc.Resource(ctx, w.colleague, doc.ID)
		if err != nil || p.Revision.Number != 3 || p.Revision.Body.Text("board_design") != "板书" || !p.Rights.CoEdit || p.Rights.Edit {
			t.Fatalf("page %+v %v", p, err)
		}
	})
}

func TestSearchFacetsAndChinese(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		mk := func(title, subject, grade string, tags ...string) {
			in := resource.Input{Title: title, Meta: resource.Meta{Subject: subject, Grade: grade, Tags: tags, Type: resource.TypeCourseware},
				Visibility: resource.VisPublic, URL: "https://example.org/r"}
			if _, err := w.svc.CreateLink(ctx, w.teacher, 0, in); err != nil {
				t.Fatal(err)
			}
		}
		mk("数学课例 PPT 课件", "math", "g3", "课例")
		mk("语文教研 课件", "chinese", "g3")
		mk("数学 作业", "math", "g5")
		res, err := w.svc.SearchResources(ctx, w.stranger, service.ResourceQuery{Q: "数学", Grade: "g3", Facets: true})
		if err != nil || res.Total != 1 || res.Items[0].Title != "数学课例 PPT 课件" {
			t.Fatalf("数学 in g3: %+v %v", res, err)
		}
		if !slices.Equal(res.Facets.Grade, []store.FacetCount{{Value: "g3", Count: 1}, {Value: "g5", Count: 1}}) {
			t.Errorf("grade facet %v", res.Facets.Grade)
		}
		if got := w.search(t, nil, "PPT 课件"); !slices.Equal(got, []string{"数学课例 PPT 课件"}) {
			t.Errorf("PPT 课件 = %q", got)
		}
		if got := w.search(t, nil, "教研"); !slices.Equal(got, []string{"语文教研 课件"}) {
			t.Errorf("教研 = %q", got)
		}
		_, err = w.svc.SearchResources(ctx, nil, service.ResourceQuery{Q: strings.Repeat("长", 101)})
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.SearchResources(ctx, nil, service.ResourceQuery{Kind: "poster"})
		wantCode(t, err, apperr.Invalid)
		if res, err := w.svc.SearchResources(ctx, nil, service.ResourceQuery{Q: "！！"}); err != nil || res.Total != 0 {
			t.Errorf("punctuation query: %+v %v", res, err)
		}
	})
}

func TestReviewWorkflow(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		in := pub("精品课件")
		in.URL = "https://example.org/x"
		r, err := w.svc.CreateLink(ctx, w.teacher, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.RecommendResource(ctx, w.colleague, r.ID, w.school.ID, "")
		wantCode(t, err, apperr.Forbidden) // not the owner
		_, err = w.svc.RecommendResource(ctx, w.teacher, r.ID, w.other.ID, "")
		wantCode(t, err, apperr.Invalid) // not an institution above it
		rev, err := w.svc.RecommendResource(ctx, w.teacher, r.ID, w.district.ID, "区级推荐")
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.RecommendResource(ctx, w.teacher, r.ID, w.district.ID, "again")
		wantCode(t, err, apperr.Conflict)
		wantCode(t, w.svc.DecideReview(ctx, w.schoolAdm, rev.ID, true, ""), apperr.Forbidden)  // manages the school, not the district
		wantCode(t, w.svc.DecideReview(ctx, w.districtAdm, rev.ID, false, ""), apperr.Invalid) // a return needs comments
		noErr(t, w.svc.DecideReview(ctx, w.districtAdm, rev.ID, true, ""))
		res, err := w.svc.SearchResources(ctx, nil, service.ResourceQuery{FeaturedIn: w.district.ID})
		if err != nil || res.Total != 1 || !res.Items[0].Featured {
			t.Fatalf("featured collection: %+v %v", res, err)
		}
		wantCode(t, w.svc.DecideReview(ctx, w.districtAdm, rev.ID, false, "再议"), apperr.Conflict)
	})
}

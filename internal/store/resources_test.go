package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// resWorld is a school with two teachers and a community, and a helper
// that stores and indexes a resource.
type resWorld struct {
	db             *store.DB
	school, comm   *space.Space
	alice, bob     *account.User
	stranger       *account.User
	strangerSchool *space.Space
}

func newResWorld(t *testing.T, db *store.DB) *resWorld {
	t.Helper()
	ctx := context.Background()
	w := &resWorld{db: db}
	err := db.Tx(ctx, func(q *store.Q) error {
		district := &space.Space{Kind: space.Institution, Level: space.District, Name: "青湖区", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, district, ""); err != nil {
			return err
		}
		w.school = &space.Space{Kind: space.Institution, Level: space.School, ParentID: district.ID, Name: "实验小学", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, w.school, district.Path); err != nil {
			return err
		}
		w.strangerSchool = &space.Space{Kind: space.Institution, Level: space.School, ParentID: district.ID, Name: "第二中学", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, w.strangerSchool, district.Path); err != nil {
			return err
		}
		w.comm = &space.Space{Kind: space.Community, ParentID: w.school.ID, Name: "数学工作坊", Visibility: space.Public, CreatedAt: t0}
		if err := q.CreateSpace(ctx, w.comm, w.school.Path); err != nil {
			return err
		}
		for _, p := range []struct {
			u    **account.User
			name string
			inst int64
		}{{&w.alice, "alice", w.school.ID}, {&w.bob, "bob", w.school.ID}, {&w.stranger, "stranger", w.strangerSchool.ID}} {
			u := &account.User{Username: p.name, Role: account.Teacher, InstitutionID: p.inst, CreatedAt: t0}
			if err := q.CreateUser(ctx, u, "hash"); err != nil {
				return err
			}
			*p.u = u
		}
		return q.AddMember(ctx, w.comm.ID, w.bob.ID, space.RoleMember, "", ms(t0))
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// add stores a resource owned by alice in her school (or the community)
// and indexes it with body as its text.
func (w *resWorld) add(t *testing.T, r resource.Resource, body string) *resource.Resource {
	t.Helper()
	ctx := context.Background()
	if r.SpaceID == 0 {
		r.SpaceID = w.school.ID
	}
	if r.OwnerID == 0 {
		r.OwnerID = w.alice.ID
	}
	r.Kind = cmpOr(r.Kind, resource.Link)
	r.Type = cmpOr(r.Type, resource.TypeOther)
	r.Licence = cmpOr(r.Licence, resource.CCBY)
	r.Visibility = cmpOr(r.Visibility, resource.VisPublic)
	r.InstPath = w.school.Path
	r.CreatedAt, r.UpdatedAt = t0, t0
	err := w.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateResource(ctx, &r); err != nil {
			return err
		}
		doc := resource.IndexDoc{Title: r.Title, Meta: resource.MetaText(&r), Body: body}
		return q.IndexResource(ctx, r.ID, doc.Fields(), ms(t0))
	})
	if err != nil {
		t.Fatal(err)
	}
	return &r
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func titles(rs []*resource.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Title)
	}
	return out
}

func search(t *testing.T, db *store.DB, f store.ResourceFilter, q string) ([]string, int) {
	t.Helper()
	f.Terms = resource.QueryTerms(q)
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Viewer.ID == 0 && f.Viewer.HomePath == "" && f.Viewer.ManagedPaths == nil {
		f.Viewer.All = true // the tests of ranking see everything
	}
	rs, total, err := db.R().SearchResources(context.Background(), f)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return titles(rs), total
}

// searchCorpus fills a database with the resources the search tests use
// and returns the results of every query, for comparing engines.
func searchCorpus(t *testing.T, db *store.DB) map[string][]string {
	w := newResWorld(t, db)
	w.add(t, resource.Resource{Title: "小学数学课例：分数的初步认识", Meta: resource.Meta{Subject: "math", Grade: "g3", Type: resource.TypeCase, Tags: []string{"课例"}}}, "教学过程：用PPT课件展示分数。")
	w.add(t, resource.Resource{Title: "教研组活动记录", Meta: resource.Meta{Subject: "chinese", Grade: "g4", Type: resource.TypeOther}}, "本周教研围绕数学课例展开。")
	w.add(t, resource.Resource{Title: "一元一次方程 PPT 课件", Meta: resource.Meta{Subject: "math", Grade: "g7", Type: resource.TypeCourseware, Tags: []string{"方程"}}}, "")
	w.add(t, resource.Resource{Title: "古诗朗读音频", Meta: resource.Meta{Subject: "chinese", Grade: "g3", Type: resource.TypeMaterial}}, "静夜思 床前明月光")
	w.add(t, resource.Resource{Title: "English phonics worksheet", Description: "Practice for grade 3", Meta: resource.Meta{Subject: "english", Grade: "g3", Type: resource.TypeExercise}}, "phonics sounds and letters")
	w.add(t, resource.Resource{Title: "大单元教学设计", Meta: resource.Meta{Subject: "math", Grade: "g5", Type: resource.TypeLessonPlan}}, "数学 大单元 教研 课件")
	out := map[string][]string{}
	for _, q := range []string{"数学", "教研", "课例", "PPT 课件", "ppt课件", "phonics", "Grade 3", "课件", "月", "不存在的词", "数学 English"} {
		got, total := search(t, db, store.ResourceFilter{}, q)
		if total != len(got) {
			t.Errorf("%q: total %d, %d results", q, total, len(got))
		}
		out[q] = got
	}
	return out
}

func TestResourceSearchChinese(t *testing.T) {
	results := map[string]map[string][]string{}
	var mu sync.Mutex
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		got := searchCorpus(t, db)
		want := map[string][]string{
			// Title hits first, then metadata, then body.
			"数学":         {"小学数学课例：分数的初步认识", "大单元教学设计", "教研组活动记录"},
			"教研":         {"教研组活动记录", "大单元教学设计"},
			"课例":         {"小学数学课例：分数的初步认识", "教研组活动记录"},
			"PPT 课件":     {"一元一次方程 PPT 课件", "小学数学课例：分数的初步认识"},
			"ppt课件":      {"一元一次方程 PPT 课件", "小学数学课例：分数的初步认识"},
			"phonics":    {"English phonics worksheet"},
			"Grade 3":    {"English phonics worksheet"},
			"课件":         {"一元一次方程 PPT 课件", "大单元教学设计", "小学数学课例：分数的初步认识"},
			"月":          {"古诗朗读音频"},
			"不存在的词":      nil,
			"数学 English": nil,
		}
		for q, w := range want {
			if !slices.Equal(got[q], w) {
				t.Errorf("search %q = %q, want %q", q, got[q], w)
			}
		}
		mu.Lock()
		results[t.Name()] = got
		mu.Unlock()
	})
	// With both engines, their answers must be identical, order included.
	var first map[string][]string
	for name, r := range results {
		if first == nil {
			first = r
			continue
		}
		for q := range first {
			if !slices.Equal(first[q], r[q]) {
				t.Errorf("%s answers %q with %q, the other engine with %q", name, q, r[q], first[q])
			}
		}
	}
}

func TestResourceFacets(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		searchCorpus(t, db)
		ctx := context.Background()
		got, _ := search(t, db, store.ResourceFilter{Subject: "math", Grade: "g3"}, "数学")
		if !slices.Equal(got, []string{"小学数学课例：分数的初步认识"}) {
			t.Errorf("数学 in math g3 = %q", got)
		}
		got, _ = search(t, db, store.ResourceFilter{Tags: []string{"方程"}}, "课件")
		if !slices.Equal(got, []string{"一元一次方程 PPT 课件"}) {
			t.Errorf("课件 tagged 方程 = %q", got)
		}
		f := store.ResourceFilter{Viewer: store.ResourceViewer{All: true}, Terms: resource.QueryTerms("数学"), Subject: "math"}
		fc, err := db.R().CountResourceFacets(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		// The subject facet ignores its own filter: it shows chinese too.
		if !slices.Equal(fc.Subject, []store.FacetCount{{"math", 2}, {"chinese", 1}}) {
			t.Errorf("subject facet %v", fc.Subject)
		}
		if !slices.Equal(fc.Grade, []store.FacetCount{{"g3", 1}, {"g5", 1}}) {
			t.Errorf("grade facet %v", fc.Grade)
		}
		if !slices.Equal(fc.Tag, []store.FacetCount{{"课例", 1}}) {
			t.Errorf("tag facet %v", fc.Tag)
		}
		// Without a query, a listing with facets, newest first.
		rs, total, err := db.R().ListResources(ctx, store.ResourceFilter{Viewer: store.ResourceViewer{All: true}, Grade: "g3", Limit: 2})
		if err != nil || total != 3 || len(rs) != 2 {
			t.Fatalf("list g3: %d of %d, %v", len(rs), total, err)
		}
	})
}

func TestResourceVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		w.add(t, resource.Resource{Title: "公开 课件", Visibility: resource.VisPublic}, "")
		w.add(t, resource.Resource{Title: "私有 课件", Visibility: resource.VisPrivate}, "")
		w.add(t, resource.Resource{Title: "本校 课件", Visibility: resource.VisInstitution}, "")
		w.add(t, resource.Resource{Title: "坊内 课件", Visibility: resource.VisCommunity, SpaceID: w.comm.ID}, "")
		schoolPath := w.school.Path
		cases := []struct {
			name string
			v    store.ResourceViewer
			want []string
		}{
			{"anonymous", store.ResourceViewer{}, []string{"公开 课件"}},
			{"owner", store.ResourceViewer{ID: w.alice.ID, HomePath: schoolPath}, []string{"坊内 课件", "本校 课件", "私有 课件", "公开 课件"}},
			{"colleague in the community", store.ResourceViewer{ID: w.bob.ID, HomePath: schoolPath}, []string{"坊内 课件", "本校 课件", "公开 课件"}},
			{"stranger", store.ResourceViewer{ID: w.stranger.ID, HomePath: w.strangerSchool.Path}, []string{"公开 课件"}},
			{"admin of the school", store.ResourceViewer{ID: w.stranger.ID, ManagedPaths: []string{schoolPath}}, []string{"坊内 课件", "本校 课件", "公开 课件"}},
			{"platform admin", store.ResourceViewer{All: true}, []string{"坊内 课件", "本校 课件", "私有 课件", "公开 课件"}},
		}
		for _, c := range cases {
			f := store.ResourceFilter{Viewer: c.v, Terms: resource.QueryTerms("课件"), Limit: 10}
			rs, _, err := db.R().SearchResources(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			got := titles(rs)
			slices.Sort(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s sees %q, want %q", c.name, got, want)
			}
		}
	})
}

func TestResourceIndexKeepsFiguresExact(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		a := w.add(t, resource.Resource{Title: "数学 课件"}, "正文 内容")
		w.add(t, resource.Resource{Title: "语文"}, "")
		s, _ := db.R().ResourceIndexStats(ctx)
		if s.Docs != 2 || s.TotalLen[resource.FieldTitle] != 3 || s.TotalLen[resource.FieldBody] != 2 {
			t.Fatalf("figures %+v", s)
		}
		// Re-indexing replaces, deleting subtracts.
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := q.IndexResource(ctx, a.ID, resource.IndexDoc{Title: "数学"}.Fields(), ms(t0)); err != nil {
				return err
			}
			if err := q.UnindexResource(ctx, a.ID); err != nil {
				return err
			}
			return q.DeleteResource(ctx, a.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		s, _ = db.R().ResourceIndexStats(ctx)
		if s.Docs != 1 || s.TotalLen[resource.FieldTitle] != 1 || s.TotalLen[resource.FieldBody] != 0 {
			t.Fatalf("figures after delete %+v", s)
		}
		if got, _ := search(t, db, store.ResourceFilter{}, "数学"); len(got) != 0 {
			t.Errorf("deleted resource still found: %q", got)
		}
	})
}

func TestRevisionConflict(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		doc := w.add(t, resource.Resource{Title: "教学设计", Kind: resource.Document, DocType: resource.LessonPlan}, "")
		body, _ := resource.NewBody(resource.LessonPlan, map[string]string{"objectives": "v1"})
		save := func(base int64, author *account.User, text string) (*resource.Revision, error) {
			b, _ := resource.NewBody(resource.LessonPlan, map[string]string{"objectives": text})
			rev := &resource.Revision{ResourceID: doc.ID, AuthorID: author.ID, BaseID: base, Title: "教学设计", Body: b, CreatedAt: t0}
			return rev, db.Tx(ctx, func(q *store.Q) error { return q.SaveRevision(ctx, rev) })
		}
		first, err := save(0, w.alice, "v1")
		if err != nil || first.Number != 1 {
			t.Fatalf("first revision: %+v %v", first, err)
		}
		if _, err := save(0, w.bob, "also v1"); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second first revision: %v", err)
		}
		// Two saves from the same base, at once: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = save(first.ID, w.bob, fmt.Sprintf("edit %d", i))
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrEditConflict):
				t.Errorf("unexpected error %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d saves from the same base won, want 1", wins)
		}
		revs, err := db.R().ResourceRevisions(ctx, doc.ID, 10, 0)
		if err != nil || len(revs) != 2 || revs[0].Number != 2 || revs[0].BaseID != first.ID || revs[1].Body.Text("objectives") != body.Text("objectives") {
			t.Fatalf("revisions %+v %v", revs, err)
		}
		cur, _ := db.R().ResourceByID(ctx, doc.ID)
		if cur.RevisionID != revs[0].ID {
			t.Errorf("current revision %d, want %d", cur.RevisionID, revs[0].ID)
		}
	})
}

func TestResourceSocial(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		r := w.add(t, resource.Resource{Title: "课件"}, "")
		err := db.Tx(ctx, func(q *store.Q) error {
			for _, step := range []func() error{
				func() error { return q.RateResource(ctx, r.ID, w.bob.ID, 4, t0) },
				func() error { return q.RateResource(ctx, r.ID, w.bob.ID, 2, t0) },
				func() error { return q.RateResource(ctx, r.ID, w.stranger.ID, 5, t0) },
				func() error { _, err := q.SetFavourite(ctx, r.ID, w.bob.ID, true, t0); return err },
				func() error { _, err := q.SetFavourite(ctx, r.ID, w.bob.ID, true, t0); return err },
				func() error { _, err := q.SetFavourite(ctx, r.ID, w.stranger.ID, true, t0); return err },
				func() error { _, err := q.SetFavourite(ctx, r.ID, w.stranger.ID, false, t0); return err },
				func() error {
					return q.AddResourceComment(ctx, &store.ResourceComment{ResourceID: r.ID, AuthorID: w.bob.ID, Body: "好", BodyHTML: "<p>好</p>", CreatedAt: t0})
				},
				func() error { return q.BumpResource(ctx, r.ID, store.CountViews) },
				func() error { return q.BumpResource(ctx, r.ID, store.CountDownloads) },
			} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := db.R().ResourceByID(ctx, r.ID)
		if got.RatingCount != 2 || got.RatingSum != 7 || got.Favourites != 1 || got.Comments != 1 || got.Views != 1 || got.Downloads != 1 {
			t.Fatalf("counters %+v", got)
		}
		if n, _ := db.R().MyRating(ctx, r.ID, w.bob.ID); n != 2 {
			t.Errorf("bob's rating %d", n)
		}
		// Reviews: one pending per institution, approval features it.
		rev := &store.ResourceReview{ResourceID: r.ID, InstitutionID: w.school.ID, RecommendedBy: w.alice.ID, CreatedAt: t0}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.CreateReview(ctx, rev) }); err != nil {
			t.Fatal(err)
		}
		dup := &store.ResourceReview{ResourceID: r.ID, InstitutionID: w.school.ID, RecommendedBy: w.alice.ID, CreatedAt: t0}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.CreateReview(ctx, dup) }); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second pending recommendation: %v", err)
		}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.DecideReview(ctx, rev, store.ReviewApproved, w.bob.ID, "", t0) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.DecideReview(ctx, rev, store.ReviewReturned, w.bob.ID, "x", t0) }); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("deciding twice: %v", err)
		}
		rs, total, err := db.R().ListResources(ctx, store.ResourceFilter{Viewer: store.ResourceViewer{All: true}, FeaturedIn: w.school.ID, Limit: 5})
		if err != nil || total != 1 || !rs[0].Featured {
			t.Fatalf("featured collection: %d %v", total, err)
		}
	})
}

package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// addWithText is resWorld.add that also keeps the body as the service
// does, so that a rebuild of the index finds it.
func (w *resWorld) addWithText(t *testing.T, r resource.Resource, body string) *resource.Resource {
	t.Helper()
	out := w.add(t, r, body)
	err := w.db.Tx(context.Background(), func(q *store.Q) error { return q.SetResourceText(context.Background(), out.ID, body, ms(t0)) })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reindexQueries are searches with and without the filters that lead the
// postings' key, and with one that needs the resource's row.
var reindexQueries = []struct {
	q string
	f store.ResourceFilter
}{
	{"数学", store.ResourceFilter{}},
	{"数学", store.ResourceFilter{Subject: "math"}},
	{"数学", store.ResourceFilter{Subject: "math", Grade: "g3"}},
	{"数学", store.ResourceFilter{Grade: "g4"}},
	{"课例 教研", store.ResourceFilter{}},
	{"教学设计", store.ResourceFilter{Subject: "math"}},
	{"课件", store.ResourceFilter{Type: resource.TypeCourseware}},
	{"phonics worksheet", store.ResourceFilter{Grade: "g3"}},
	{"数学", store.ResourceFilter{Subject: "math", Limit: 2, Offset: 1}},
}

func runReindexQueries(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	for _, c := range reindexQueries {
		got, total := search(t, db, c.f, c.q)
		out = append(out, fmt.Sprintf("%s %+v: %d %q", c.q, c.f, total, got))
	}
	return out
}

func TestReindexMatchesIncrementalIndex(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newResWorld(t, db)
		w.addWithText(t, resource.Resource{Title: "小学数学课例：分数的初步认识", Meta: resource.Meta{Subject: "math", Grade: "g3", Type: resource.TypeCase, Tags: []string{"课例"}}}, "教学过程：用PPT课件展示分数。数学课例研究。")
		w.addWithText(t, resource.Resource{Title: "教研组活动记录", Meta: resource.Meta{Subject: "chinese", Grade: "g4", Type: resource.TypeOther}}, "本周教研围绕数学课例展开。")
		w.addWithText(t, resource.Resource{Title: "一元一次方程 PPT 课件", Meta: resource.Meta{Subject: "math", Grade: "g7", Type: resource.TypeCourseware}}, "")
		w.addWithText(t, resource.Resource{Title: "数学大单元教学设计", Meta: resource.Meta{Subject: "math", Grade: "g3", Type: resource.TypeLessonPlan}}, "数学 大单元 教研 课件 教学设计")
		w.addWithText(t, resource.Resource{Title: "分数的意义 教学设计", Meta: resource.Meta{Subject: "math", Grade: "g3", Type: resource.TypeLessonPlan}}, "数学")
		w.addWithText(t, resource.Resource{Title: "English phonics worksheet", Description: "Practice for grade 3", Meta: resource.Meta{Subject: "english", Grade: "g3", Type: resource.TypeExercise}}, "phonics sounds")
		want := runReindexQueries(t, db)
		wantStats, _ := db.R().ResourceIndexStats(ctx)
		var n int
		err := db.Tx(ctx, func(q *store.Q) error {
			var err error
			n, err = q.ReindexAllResources(ctx, ms(t0), nil)
			return err
		})
		if err != nil || n != 6 {
			t.Fatalf("reindex: %d, %v", n, err)
		}
		if got := runReindexQueries(t, db); !slices.Equal(got, want) {
			t.Errorf("after the rebuild:\n%q\nincremental:\n%q", got, want)
		}
		if got, _ := db.R().ResourceIndexStats(ctx); got != wantStats {
			t.Errorf("figures %+v after the rebuild, %+v before", got, wantStats)
		}
		// A second rebuild replaces the first, it does not add to it.
		err = db.Tx(ctx, func(q *store.Q) error { _, err := q.ReindexAllResources(ctx, ms(t0), nil); return err })
		if err != nil {
			t.Fatal(err)
		}
		if got := runReindexQueries(t, db); !slices.Equal(got, want) {
			t.Errorf("after a second rebuild:\n%q", got)
		}
	})
}

// Postings are filed under the subject and grade; a resource that moves to
// another subject must leave nothing behind under the old one.
func TestIndexFollowsSubjectChange(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newResWorld(t, db)
		r := w.addWithText(t, resource.Resource{Title: "分数课例", Meta: resource.Meta{Subject: "math", Grade: "g3"}}, "分数")
		w.addWithText(t, resource.Resource{Title: "分数的意义", Meta: resource.Meta{Subject: "math", Grade: "g5"}}, "")
		r.Subject, r.Grade = "science", "g4"
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := q.UpdateResource(ctx, r); err != nil {
				return err
			}
			doc := resource.IndexDoc{Title: r.Title, Meta: resource.MetaText(r), Body: "分数"}
			return q.IndexResource(ctx, r.ID, doc.Fields(), ms(t0))
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, n := search(t, db, store.ResourceFilter{Subject: "math"}, "分数"); n != 1 || got[0] != "分数的意义" {
			t.Errorf("math: %d %q", n, got)
		}
		if got, n := search(t, db, store.ResourceFilter{Subject: "science", Grade: "g4"}, "分数"); n != 1 || got[0] != "分数课例" {
			t.Errorf("science: %d %q", n, got)
		}
		if _, n := search(t, db, store.ResourceFilter{}, "分数"); n != 2 {
			t.Errorf("all: %d", n)
		}
		// 课例 was only in the moved resource: its frequency went with it
		// and came back, it did not double.
		if _, n := search(t, db, store.ResourceFilter{}, "课例"); n != 1 {
			t.Errorf("课例: %d", n)
		}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.UnindexResource(ctx, r.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, n := search(t, db, store.ResourceFilter{}, "课例"); n != 0 {
			t.Errorf("课例 after unindexing: %d", n)
		}
		if s, _ := db.R().ResourceIndexStats(ctx); s.Docs != 1 {
			t.Errorf("docs %d", s.Docs)
		}
	})
}

// A resource the index lacks (as every one does after migration 0014) is
// listed for IndexMissingResources, and no longer once indexed.
func TestUnindexedResources(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newResWorld(t, db)
		a := w.addWithText(t, resource.Resource{Title: "甲"}, "")
		b := w.addWithText(t, resource.Resource{Title: "乙"}, "")
		if err := db.Tx(ctx, func(q *store.Q) error { return q.UnindexResource(ctx, b.ID) }); err != nil {
			t.Fatal(err)
		}
		ids, err := db.R().UnindexedResources(ctx, 0, 10)
		if err != nil || !slices.Equal(ids, []int64{b.ID}) {
			t.Fatalf("unindexed %v %v (a=%d b=%d)", ids, err, a.ID, b.ID)
		}
		if ids, _ := db.R().UnindexedResources(ctx, b.ID, 10); len(ids) != 0 {
			t.Errorf("after b: %v", ids)
		}
	})
}

// Enough resources under one subject and grade to split blocks, added in
// a shuffled order, some deleted and some edited: the incrementally kept
// index answers exactly as a rebuild from scratch does.
func TestPostingBlocksSurviveChurn(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newResWorld(t, db)
		n := 3*resource.MaxBlock + 17
		var rs []*resource.Resource
		for i := range n {
			grade := "g3"
			if i%7 == 0 {
				grade = "g4"
			}
			rs = append(rs, w.addWithText(t, resource.Resource{Title: fmt.Sprintf("课例 %d", i),
				Meta: resource.Meta{Subject: "math", Grade: grade}}, ""))
		}
		// Re-index in a shuffled order with new text: every entry is
		// rewritten in place, some gain 数学 and some lose 课例.
		perm := rand.New(rand.NewPCG(3, 4)).Perm(n)
		err := db.Tx(ctx, func(q *store.Q) error {
			for _, i := range perm {
				r := rs[i]
				body := "数学 教研"
				if i%3 == 0 {
					r.Title = fmt.Sprintf("教学设计 %d", i)
				}
				if err := q.SetResourceText(ctx, r.ID, body, ms(t0)); err != nil {
					return err
				}
				if err := q.UpdateResource(ctx, r); err != nil {
					return err
				}
				doc := resource.IndexDoc{Title: r.Title, Meta: resource.MetaText(r), Body: body}
				if err := q.IndexResource(ctx, r.ID, doc.Fields(), ms(t0)); err != nil {
					return err
				}
			}
			for i := 0; i < n; i += 5 {
				if err := q.UnindexResource(ctx, rs[i].ID); err != nil {
					return err
				}
				if err := q.DeleteResource(ctx, rs[i].ID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		queries := []struct {
			q string
			f store.ResourceFilter
		}{
			{"课例", store.ResourceFilter{Limit: 1000}},
			{"课例", store.ResourceFilter{Subject: "math", Grade: "g3", Limit: 1000}},
			{"数学 教研", store.ResourceFilter{Grade: "g4", Limit: 1000}},
			{"教学设计", store.ResourceFilter{Limit: 7, Offset: 20}},
		}
		run := func() []string {
			var out []string
			for _, c := range queries {
				got, total := search(t, db, c.f, c.q)
				out = append(out, fmt.Sprintf("%s %d %q", c.q, total, got))
			}
			return out
		}
		incremental := run()
		// 课例 stays in the two thirds of titles not replaced, less the
		// deleted fifth.
		want := 0
		for i := range n {
			if i%3 != 0 && i%5 != 0 {
				want++
			}
		}
		if _, total := search(t, db, store.ResourceFilter{}, "课例"); total != want {
			t.Errorf("课例: %d matches, want %d", total, want)
		}
		err = db.Tx(ctx, func(q *store.Q) error { _, err := q.ReindexAllResources(ctx, ms(t0), nil); return err })
		if err != nil {
			t.Fatal(err)
		}
		if rebuilt := run(); !slices.Equal(rebuilt, incremental) {
			t.Errorf("incremental:\n%q\nrebuilt:\n%q", incremental, rebuilt)
		}
	})
}

// Who sees what is decided from the postings for most matches; the rebuilt
// index must carry the same visibility facts as the incremental one, and
// an owner sees their institution resource filed under another school.
func TestSearchVisibilityAfterRebuild(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newResWorld(t, db)
		w.addWithText(t, resource.Resource{Title: "公开 课件", Visibility: resource.VisPublic}, "")
		w.addWithText(t, resource.Resource{Title: "私有 课件", Visibility: resource.VisPrivate}, "")
		w.addWithText(t, resource.Resource{Title: "本校 课件", Visibility: resource.VisInstitution}, "")
		w.addWithText(t, resource.Resource{Title: "坊内 课件", Visibility: resource.VisCommunity, SpaceID: w.comm.ID}, "")
		other := w.addWithText(t, resource.Resource{Title: "外校 课件", Visibility: resource.VisInstitution}, "")
		// Filed under the stranger's school, yet alice's own.
		other.InstPath = w.strangerSchool.Path
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := q.SetResourceInstPath(ctx, other.ID, other.InstPath); err != nil {
				return err
			}
			doc := resource.IndexDoc{Title: other.Title, Meta: resource.MetaText(other)}
			return q.IndexResource(ctx, other.ID, doc.Fields(), ms(t0))
		})
		if err != nil {
			t.Fatal(err)
		}
		viewers := map[string]store.ResourceViewer{
			"anonymous": {},
			"owner":     {ID: w.alice.ID, HomePath: w.school.Path},
			"colleague": {ID: w.bob.ID, HomePath: w.school.Path},
			"stranger":  {ID: w.stranger.ID, HomePath: w.strangerSchool.Path},
			"admin":     {ID: w.stranger.ID, ManagedPaths: []string{w.school.Path}},
		}
		see := func() map[string][]string {
			out := map[string][]string{}
			for name, v := range viewers {
				rs, _, err := db.R().SearchResources(ctx, store.ResourceFilter{Viewer: v, Terms: resource.QueryTerms("课件"), Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				got := titles(rs)
				slices.Sort(got)
				out[name] = got
			}
			return out
		}
		before := see()
		want := map[string][]string{
			"anonymous": {"公开 课件"},
			"owner":     {"公开 课件", "坊内 课件", "外校 课件", "本校 课件", "私有 课件"},
			"colleague": {"公开 课件", "坊内 课件", "本校 课件"},
			"stranger":  {"公开 课件", "外校 课件"},
			"admin":     {"公开 课件", "坊内 课件", "本校 课件"},
		}
		for name, w := range want {
			slices.Sort(w)
			if !slices.Equal(before[name], w) {
				t.Errorf("%s sees %q, want %q", name, before[name], w)
			}
		}
		if err := db.Tx(ctx, func(q *store.Q) error { _, err := q.ReindexAllResources(ctx, ms(t0), nil); return err }); err != nil {
			t.Fatal(err)
		}
		after := see()
		for name := range viewers {
			if !slices.Equal(after[name], before[name]) {
				t.Errorf("after the rebuild %s sees %q, before %q", name, after[name], before[name])
			}
		}
	})
}

// Starting (Migrate) and Optimize must leave no STAT4 samples behind on SQLite:
// with them every statement comparing an indexed column with a parameter
// is prepared again on each execution.
func TestOptimizeDropsStat4(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		if db.Dialect != store.SQLite {
			return
		}
		ctx := context.Background()
		w := newResWorld(t, db)
		for i := range 30 {
			w.addWithText(t, resource.Resource{Title: fmt.Sprintf("课例 %d", i)}, "")
		}
		if err := db.AnalyzeFull(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Stat4Rows(ctx); err != nil || n <= 0 {
			t.Skipf("this SQLite writes no STAT4 samples (%d, %v)", n, err)
		}
		// The next start (Migrate) and a seed's Optimize both drop them.
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Stat4Rows(ctx); err != nil || n > 0 {
			t.Fatalf("%d STAT4 samples after Migrate (%v)", n, err)
		}
		if err := db.AnalyzeFull(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Stat4Rows(ctx); err != nil || n > 0 {
			t.Fatalf("%d STAT4 samples after Optimize (%v)", n, err)
		}
		if _, total := search(t, db, store.ResourceFilter{}, "课例"); total != 30 {
			t.Errorf("search after Optimize: %d", total)
		}
	})
}

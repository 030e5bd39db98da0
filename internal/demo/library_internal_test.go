package demo

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/resource"
)

// smallWorld plans the small district's people, as Seed does before it
// writes anything.
func smallWorld(seed int64) *world {
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	w := &world{opts: Options{Seed: seed, Now: now, Log: func(string, ...any) {}}, size: sizes[Small],
		cal: newCalendar(now), names: newNamer(), users: usernames{}, keys: map[string]string{}}
	w.buildTree()
	w.buildPeople()
	return w
}

// TestPlanLibrary plans a small library twice and checks that it is the
// same both times and that every resource would pass the service's checks:
// valid metadata in its author's subject and stage, documents whose
// sections fit the template, files whose bytes are what they claim to be
// and whose text the extraction reads.
func TestPlanLibrary(t *testing.T) {
	const n = 300
	a, b := smallWorld(7).planLibrary(n), smallWorld(7).planLibrary(n)
	if len(a) != n || !reflect.DeepEqual(a, b) {
		t.Fatalf("two plans of the same seed differ (%d and %d resources)", len(a), len(b))
	}
	w := smallWorld(7)
	kinds := map[resource.Kind]int{}
	grades, subjects, featured := map[string]bool{}, map[string]bool{}, 0
	for i, lp := range a {
		rs, p := lp.rs, w.people[lp.author]
		kinds[rs.Kind]++
		grades[rs.Grade], subjects[rs.Subject] = true, true
		if i > 0 && rs.CreatedAt.Before(a[i-1].rs.CreatedAt) {
			t.Fatalf("resource %d is older than the one before", i)
		}
		if rs.CreatedAt.Before(p.user.CreatedAt) || !rs.UpdatedAt.Before(w.cal.now) || rs.UpdatedAt.Before(rs.CreatedAt) {
			t.Errorf("%q: created %v, updated %v; its author joined %v", rs.Title, rs.CreatedAt, rs.UpdatedAt, p.user.CreatedAt)
		}
		if rs.Subject != p.subject() || !slices.Contains(gradesOf[w.schools[p.school].kind.stage], rs.Grade) {
			t.Errorf("%q (%s %s) by a %s teacher at a %s school", rs.Title, rs.Subject, rs.Grade, p.subject(),
				w.schools[p.school].kind.stage)
		}
		in := resource.Input{Title: rs.Title, Description: rs.Description, Meta: rs.Meta, Visibility: rs.Visibility,
			URL: rs.URL, DocType: rs.DocType}
		if err := in.Validate(rs.Kind, false); err != nil {
			t.Errorf("%q does not pass the service's checks: %v", rs.Title, err)
		}
		for k, texts := range lp.revs {
			if _, err := resource.NewBody(rs.DocType, texts); err != nil {
				t.Errorf("%q revision %d: %v", rs.Title, k+1, err)
			}
		}
		if (rs.Kind == resource.Document) != (len(lp.revs) > 0) || (rs.Kind == resource.File) != (lp.file != nil) {
			t.Errorf("%q: %s with %d revisions and file %v", rs.Title, rs.Kind, len(lp.revs), lp.file != nil)
		}
		if lp.feature != nil {
			featured++
			if lp.feature.decAt.Before(lp.feature.recAt) || !lp.feature.decAt.Before(w.cal.now) {
				t.Errorf("%q featured at %v, recommended at %v", rs.Title, lp.feature.decAt, lp.feature.recAt)
			}
		}
	}
	for _, k := range []resource.Kind{resource.Document, resource.Link, resource.File} {
		if kinds[k] < n/10 {
			t.Errorf("%d %s resources of %d", kinds[k], k, n)
		}
	}
	if len(grades) < 12 || len(subjects) < 10 || featured != featuredPerDistrict {
		t.Errorf("%d grades, %d subjects, %d featured", len(grades), len(subjects), featured)
	}

	// The files: stored on disk, they sniff as what they are named and the
	// Word documents' text is their handout's.
	ctx := context.Background()
	files, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := storeLibraryFiles(ctx, files, a); err != nil {
		t.Fatal(err)
	}
	words, pictures := 0, 0
	for _, lp := range a {
		rs := lp.rs
		if lp.file == nil {
			continue
		}
		switch {
		case rs.Format == resource.Word && rs.TextStatus == resource.TextDone && bytes.Contains([]byte(lp.file.text), []byte(lp.topic.topic)):
			words++
		case rs.Format == resource.Image && rs.ContentType == "image/png" && rs.TextStatus == resource.TextNone:
			pictures++
		default:
			t.Errorf("file %q: format %s, type %s, text %q", lp.file.name, rs.Format, rs.ContentType, lp.file.text)
		}
		if ok, err := files.Exists(ctx, rs.BlobKey); !ok || rs.Size != int64(len(lp.file.data)) || rs.Size > 64<<10 {
			t.Errorf("file %q stored as %q (%v, %v), %d bytes", lp.file.name, rs.BlobKey, ok, err, rs.Size)
		}
		if _, key := resource.CheckFileName(lp.file.name); key != "" {
			t.Errorf("file name %q refused: %s", lp.file.name, key)
		}
	}
	if words == 0 || pictures == 0 {
		t.Errorf("%d Word files, %d pictures", words, pictures)
	}
}

package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/demo"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestDemoLibrary seeds the small district with a generated library, as the
// district gets one, on both engines, and reads it back through the
// service: every resource is there and visible to whom it should be, the
// uploaded files are in the file store and open, the text of the Word
// files is searchable, the event log holds the library's events in time
// order, and each district has its featured resources.
func TestDemoLibrary(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		files, err := blob.NewLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		const n = 150
		res, err := demo.Seed(ctx, db, demo.Options{Scale: demo.Small, Seed: 3, Now: now, Files: files, Resources: n})
		if err != nil {
			t.Fatal(err)
		}
		if res.Resources != 40+n {
			t.Errorf("Result counts %d resources, want %d", res.Resources, 40+n)
		}
		if got, err := db.R().CountEvents(ctx, store.EventFilter{}); err != nil || got != res.Events {
			t.Errorf("events in the log = %d, %v; Result says %d", got, err, res.Events)
		}
		svc := service.New(service.Options{DB: db, Now: func() time.Time { return now }, Files: files})
		admin, err := svc.UserByUsername(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		var items []*resource.Resource
		for off := 0; ; off += 100 {
			page, err := svc.SearchResources(ctx, admin, service.ResourceQuery{Limit: 100, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, page.Items...)
			if len(page.Items) < 100 {
				break
			}
		}
		if len(items) != 40+n {
			t.Fatalf("admin sees %d resources, want %d", len(items), 40+n)
		}
		anon, err := svc.SearchResources(ctx, nil, service.ResourceQuery{})
		if err != nil || anon.Total >= len(items) || anon.Total < len(items)/3 {
			t.Errorf("the public sees %d of %d (%v)", anon.Total, len(items), err)
		}
		featured, words, pictures := 0, 0, 0
		for _, r := range items {
			if r.Featured {
				featured++
			}
			if r.Kind != resource.File {
				continue
			}
			f, err := svc.OpenResourceFile(ctx, admin, r.ID, false)
			if err != nil {
				t.Fatalf("open the file of %q: %v", r.Title, err)
			}
			f.Reader.Close()
			switch r.Format {
			case resource.Word:
				words++
				if r.TextStatus != resource.TextDone {
					t.Errorf("%q: text %q", r.Title, r.TextStatus)
				}
			case resource.Image:
				pictures++
			}
		}
		if featured != 1+3 || words == 0 || pictures == 0 {
			t.Errorf("%d featured (want the small demo's one and the library's three), %d Word files, %d pictures",
				featured, words, pictures)
		}
		// Text found only inside the generated Word files' handouts.
		for _, q := range []string{"基础巩固", "达标检测"} {
			r, err := svc.SearchResources(ctx, admin, service.ResourceQuery{Q: q})
			if err != nil || r.Total == 0 {
				t.Errorf("search %q finds nothing (%v)", q, err)
			}
		}
		// The log's IDs grow with time, library events included.
		evs, err := db.R().Events(ctx, store.EventFilter{Limit: 1_000_000})
		if err != nil {
			t.Fatal(err)
		}
		var lib []*event.Event // newest first
		for _, e := range evs {
			if e.ObjectType == "resource" {
				lib = append(lib, e)
			}
		}
		for i := 1; i < len(lib); i++ {
			if lib[i].At.After(lib[i-1].At) {
				t.Fatalf("resource event %d (%s) is newer than event %d (%s)", lib[i].ID, lib[i].At, lib[i-1].ID, lib[i-1].At)
			}
		}
		if len(lib) < n+40 {
			t.Errorf("%d resource events for %d resources", len(lib), n+40)
		}
	})
}

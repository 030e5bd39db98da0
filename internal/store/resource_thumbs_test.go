package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// A thumbnail is recorded once, counts as a use of its stored file, is
// copied with the row, and its key comes back when the row is deleted.
func TestResourceThumbnails(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		file, thumb := strings.Repeat("a", 64), strings.Repeat("b", 64)
		r := w.add(t, resource.Resource{Title: "照片", Kind: resource.File, BlobKey: file, ContentType: "image/png",
			Format: resource.Image, Size: 10}, "")
		used := func(key string) bool {
			t.Helper()
			ok, err := db.R().BlobReferenced(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if used(thumb) {
			t.Fatal("an unrecorded thumbnail counts as used")
		}
		if ok, err := db.W().SetResourceThumb(ctx, r.ID, thumb); err != nil || !ok {
			t.Fatalf("set: %v %v", ok, err)
		}
		// A second run of the job (another key, say after a change of
		// encoder) keeps the first.
		if ok, err := db.W().SetResourceThumb(ctx, r.ID, strings.Repeat("c", 64)); err != nil || ok {
			t.Fatalf("second set: %v %v", ok, err)
		}
		got, err := db.R().ResourceByID(ctx, r.ID)
		if err != nil || got.ThumbKey != thumb {
			t.Fatalf("thumb key %q, %v", got.ThumbKey, err)
		}
		if !used(thumb) || !used(file) || used("") {
			t.Errorf("used: thumbnail %v, file %v, empty key %v", used(thumb), used(file), used(""))
		}
		// A copy carries the key.
		c := w.add(t, resource.Resource{Title: "照片 副本", Kind: resource.File, BlobKey: file, ThumbKey: thumb,
			ContentType: "image/png", Format: resource.Image, Size: 10, CopiedFrom: r.ID}, "")
		if got, _ := db.R().ResourceByID(ctx, c.ID); got.ThumbKey != thumb {
			t.Errorf("copy's thumb key %q", got.ThumbKey)
		}
		for i, id := range []int64{r.ID, c.ID} {
			var key string
			err := db.Tx(ctx, func(q *store.Q) error {
				if err := q.UnindexResource(ctx, id); err != nil {
					return err
				}
				var err error
				key, err = q.DeleteResourceThumb(ctx, id)
				return err
			})
			if err != nil || key != thumb {
				t.Fatalf("delete %d: key %q, %v", id, key, err)
			}
			if want := i == 0; used(thumb) != want {
				t.Errorf("after deleting %d of 2: thumbnail used %v, want %v", i+1, used(thumb), want)
			}
		}
		// Deleting a row that is gone answers no key and no error.
		if key, err := db.W().DeleteResourceThumb(ctx, r.ID); err != nil || key != "" {
			t.Errorf("deleting again: %q %v", key, err)
		}
	})
}

// Migration 0013 queues a thumbnail job for every picture and PDF stored
// before it, and for nothing else. The test runs its INSERT again on a
// database holding such resources, on each engine.
func TestThumbnailBackfillMigration(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var backfill string
	for _, m := range ms {
		if m.Version == 13 {
			_, backfill, _ = strings.Cut(m.SQL, "INSERT INTO jobs")
		}
	}
	if backfill == "" {
		t.Fatal("migration 0013 has no INSERT INTO jobs")
	}
	backfill = "INSERT INTO jobs" + strings.TrimRight(strings.TrimSpace(backfill), ";")
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		pic := w.add(t, resource.Resource{Title: "照片", Kind: resource.File, BlobKey: strings.Repeat("a", 64),
			ContentType: "image/jpeg", Format: resource.Image, Size: 10}, "")
		pdf := w.add(t, resource.Resource{Title: "课件", Kind: resource.File, BlobKey: strings.Repeat("b", 64),
			ContentType: "application/pdf", Format: resource.PDF, Size: 10}, "")
		w.add(t, resource.Resource{Title: "录音", Kind: resource.File, BlobKey: strings.Repeat("c", 64),
			ContentType: "audio/mpeg", Format: resource.Audio, Size: 10}, "")
		w.add(t, resource.Resource{Title: "链接"}, "")
		var id int64
		if err := db.W().QueryRowForTest(ctx, backfill+" RETURNING id").Scan(&id); err != nil {
			t.Fatalf("backfill: %v", err)
		}
		js, err := db.R().JobsOfKind(ctx, "resource.thumbnail", 10)
		if err != nil {
			t.Fatal(err)
		}
		var payloads []string
		for _, j := range js {
			payloads = append(payloads, j.Payload)
		}
		want := []string{fmt.Sprintf(`{"resource_id":%d}`, pic.ID), fmt.Sprintf(`{"resource_id":%d}`, pdf.ID)}
		if !slices.Equal(payloads, want) {
			t.Errorf("queued %q, want %q", payloads, want)
		}
	})
}

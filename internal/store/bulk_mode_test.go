package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestBulkLoadMode loads in bulk-load mode with a reader already open: on
// SQLite the load runs without the write-ahead log, a failed load still
// rolls back, a committed one stays with its indexes built again in sort
// runs, and afterwards the database is in WAL mode again and readable.
func TestBulkLoadMode(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.R().CountUsers(ctx); err != nil { // leaves an idle reader
			t.Fatal(err)
		}
		restore, err := db.BulkLoadMode(ctx, 16)
		if err != nil {
			t.Fatal(err)
		}
		journal := func(q *store.Q) string {
			var mode string
			if err := q.QueryRowForTest(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
				t.Fatal(err)
			}
			return mode
		}
		sqlite := db.Kind() == "sqlite"
		if sqlite {
			if m := journal(db.W()); m != "memory" {
				t.Errorf("journal mode during the load = %q, want memory", m)
			}
		}
		evs := make([]event.Event, 700)
		for i := range evs {
			evs[i] = event.Event{At: t0, Verb: event.LoggedIn, ObjectType: event.ObjUser, ObjectID: int64(i + 1)}
		}
		boom := errors.New("boom")
		err = db.Tx(ctx, func(q *store.Q) error {
			if err := q.BulkAppendEvents(ctx, evs); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failed load: %v", err)
		}
		err = db.Tx(ctx, func(q *store.Q) error {
			recreate, err := q.DropIndexes(ctx, "events")
			if err != nil {
				return err
			}
			if err := q.BulkAppendEvents(ctx, evs[:300]); err != nil {
				return err
			}
			if err := q.SortInRuns(ctx, 1); err != nil {
				return err
			}
			return recreate(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := restore(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.R().CountEvents(ctx, store.EventFilter{}); err != nil || n != 300 {
			t.Errorf("events after the load = %d, %v; want the committed 300", n, err)
		}
		if sqlite {
			if m := journal(db.W()); m != "wal" {
				t.Errorf("journal mode after the load = %q, want wal", m)
			}
		}
	})
}

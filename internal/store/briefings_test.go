package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// The day boundaries of a briefing are midnights in China time, and a
// stream page boundary may fall between events of the same millisecond.
func TestActivityDaysAndStreamKeyset(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		midnight := time.Date(2026, 10, 1, 0, 0, 0, 0, briefing.Zone)
		at := []time.Time{
			midnight.Add(-time.Millisecond),          // 30 Sep, 23:59:59.999: before the period
			midnight,                                 // 1 Oct, first instant
			midnight.Add(23*time.Hour + time.Minute), // 1 Oct, 23:01 (15:01 UTC)
			midnight.Add(24 * time.Hour),             // 2 Oct
			midnight.Add(24 * time.Hour),             // 2 Oct, same millisecond
			midnight.Add(24 * time.Hour),             // 2 Oct, same millisecond
			midnight.Add(48 * time.Hour),             // 3 Oct: the period's end, excluded
		}
		err := db.Tx(ctx, func(q *store.Q) error {
			for i, a := range at {
				verb := event.Verb("acted")
				if i == 3 {
					verb = event.Viewed
				}
				if err := q.AppendEvent(ctx, &event.Event{At: a, ActorID: int64(100 + i%2), Verb: verb, ObjectType: "x",
					ObjectID: int64(i), SpaceID: 42}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f := store.ActivityFilter{SpaceID: 42, From: midnight, To: midnight.Add(48 * time.Hour), Exclude: []event.Verb{event.Viewed}}
		days, err := db.R().DayCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(days) != "map[2026-10-01:2 2026-10-02:2]" {
			t.Errorf("day counts = %v", days)
		}
		c, err := db.R().CountActivity(ctx, f)
		if err != nil || c.Actions != 4 || c.Actors != 2 || c.ByKind["acted/x"] != 4 {
			t.Errorf("counts = %+v, %v", c, err)
		}

		// Pages of two, newest first, cover every event once.
		var seen []int64
		before := int64(0)
		for range 10 {
			page, err := db.R().StreamEvents(ctx, store.StreamFilter{SpaceID: 42, Before: before, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for i, e := range page {
				if len(seen) > 0 && i == 0 && e.ObjectID >= seen[len(seen)-1] {
					t.Errorf("page starts at %d after %d", e.ObjectID, seen[len(seen)-1])
				}
				seen = append(seen, e.ObjectID)
			}
			before = page[len(page)-1].ID
		}
		if fmt.Sprint(seen) != "[6 5 4 3 2 1 0]" {
			t.Errorf("paged objects = %v", seen)
		}
	})
}

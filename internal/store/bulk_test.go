package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestBulkInserts loads more rows than one statement carries and reads them
// back through the ordinary queries.
func TestBulkInserts(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const nSchools, nEvents = 1234, 1100
		var school *space.Space
		var author *account.User
		err := db.Tx(ctx, func(q *store.Q) error {
			first, err := q.ReserveIDs(ctx, "spaces", nSchools+1)
			if err != nil {
				return err
			}
			district := &space.Space{ID: first, Kind: space.Institution, Level: space.District, Name: "青湖区教育局",
				Path: space.ChildPath("", first), Visibility: space.Public, CreatedAt: t0}
			spaces := []*space.Space{district}
			for i := range nSchools {
				id := first + 1 + int64(i)
				spaces = append(spaces, &space.Space{ID: id, Kind: space.Institution, Level: space.School, ParentID: district.ID,
					Path: space.ChildPath(district.Path, id), Name: fmt.Sprintf("第%d小学", i+1), Visibility: space.Public, CreatedAt: t0})
			}
			if err := q.BulkInsertSpaces(ctx, spaces); err != nil {
				return err
			}
			school = spaces[1]
			author = &account.User{Username: "zhangxiaomei", DisplayName: "张晓梅", Role: account.Teacher,
				InstitutionID: school.ID, CreatedAt: t0}
			if err := q.BulkInsertUsers(ctx, []*account.User{author}, "hash"); err != nil {
				return err
			}
			evs := make([]event.Event, nEvents)
			for i := range evs {
				evs[i] = event.Event{At: t0.Add(time.Duration(i) * time.Minute), ActorID: author.ID, Verb: event.Viewed,
					ObjectType: event.ObjSpace, ObjectID: school.ID, SpaceID: school.ID, InstitutionID: school.ID}
			}
			return q.BulkAppendEvents(ctx, evs)
		})
		if err != nil {
			t.Fatal(err)
		}
		r := db.R()
		_, total, err := r.ListInstitutions(ctx, store.InstitutionFilter{Level: space.School, Limit: 1})
		if err != nil || total != nSchools {
			t.Fatalf("schools = %d, %v", total, err)
		}
		got, err := r.SpaceByID(ctx, school.ID)
		if err != nil || got.Path != school.Path || got.MemberCount != 1 || got.Name != "第1小学" {
			t.Errorf("school = %+v, %v", got, err)
		}
		evs, err := r.Events(ctx, store.EventFilter{InstitutionID: school.ID, Limit: nEvents})
		if err != nil || len(evs) != nEvents {
			t.Fatalf("events = %d, %v", len(evs), err)
		}
		for i := 1; i < len(evs); i++ {
			if evs[i].ID >= evs[i-1].ID || evs[i].At.After(evs[i-1].At) {
				t.Fatalf("event IDs do not follow time: %d at %s after %d at %s", evs[i].ID, evs[i].At, evs[i-1].ID, evs[i-1].At)
			}
		}
		// Ordinary inserts after a bulk load must not reuse a bulk ID.
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.CreateSpace(ctx, &space.Space{Kind: space.Institution, Level: space.School, ParentID: got.ParentID,
				Name: "新学校", Visibility: space.Public, CreatedAt: t0}, "")
		})
		if err != nil {
			t.Errorf("create after bulk load: %v", err)
		}
	})
}

// TestBulkJournal writes entries with their comments and follows.
func TestBulkJournal(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		users := []*account.User{
			{Username: "writer", DisplayName: "王芳", Role: account.Teacher, CreatedAt: t0},
			{Username: "reader", DisplayName: "李强", Role: account.Teacher, CreatedAt: t0},
		}
		var entry *journal.Entry
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := q.BulkInsertUsers(ctx, users, "hash"); err != nil {
				return err
			}
			id, err := q.ReserveIDs(ctx, "journal_entries", 1)
			if err != nil {
				return err
			}
			pub := t0.Add(time.Hour)
			entry = &journal.Entry{ID: id, AuthorID: users[0].ID, SpaceID: users[0].PersonalSpaceID, Title: "教学反思",
				Body: "正文", BodyHTML: "<p>正文</p>", Visibility: space.Public, Status: journal.Published,
				CommentCount: 2, PublishedAt: &pub, CreatedAt: t0, UpdatedAt: pub}
			if err := q.BulkInsertEntries(ctx, []*journal.Entry{entry}); err != nil {
				return err
			}
			cid, err := q.ReserveIDs(ctx, "journal_comments", 2)
			if err != nil {
				return err
			}
			comments := []*journal.Comment{
				{ID: cid, EntryID: id, AuthorID: users[1].ID, Body: "学习了", BodyHTML: "<p>学习了</p>", CreatedAt: pub.Add(time.Hour)},
				{ID: cid + 1, EntryID: id, AuthorID: users[1].ID, Body: "再读", BodyHTML: "<p>再读</p>", CreatedAt: pub.Add(2 * time.Hour)},
			}
			if err := q.BulkInsertComments(ctx, comments); err != nil {
				return err
			}
			return q.BulkInsertFollows(ctx, []store.FollowRow{{FollowerID: users[1].ID, FolloweeID: users[0].ID, At: pub}})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.R().EntryByID(ctx, entry.ID)
		if err != nil || got.CommentCount != 2 || got.AuthorName != "王芳" || got.PublishedAt == nil {
			t.Fatalf("entry = %+v, %v", got, err)
		}
		cs, err := db.R().Comments(ctx, entry.ID, 10, 0)
		if err != nil || len(cs) != 2 || cs[0].Body != "学习了" {
			t.Errorf("comments = %v, %v", cs, err)
		}
		fs, err := db.R().FollowStats(ctx, users[0].ID, users[1].ID)
		if err != nil || fs.Followers != 1 || !fs.ViewerFollows {
			t.Errorf("follow stats = %+v, %v", fs, err)
		}
	})
}

// TestDropIndexes drops and recreates every secondary index of the tables.
func TestDropIndexes(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, url := e.Open(t)
			ctx := context.Background()
			raw := openRawForBulk(t, url)
			count := `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`
			if db.Dialect == store.Postgres {
				count = `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()`
			}
			indexes := func() int {
				var n int
				if err := raw.QueryRow(count).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := indexes()
			err := db.Tx(ctx, func(q *store.Q) error {
				recreate, err := q.DropIndexes(ctx, "events", "users", "spaces")
				if err != nil {
					return err
				}
				return recreate(ctx)
			})
			if err != nil || indexes() != before {
				t.Fatalf("indexes after recreate: %d, before %d (%v)", indexes(), before, err)
			}
			// Dropped and not recreated: a rolled-back transaction keeps them.
			err = db.Tx(ctx, func(q *store.Q) error {
				if _, err := q.DropIndexes(ctx, "events"); err != nil {
					return err
				}
				return fmt.Errorf("give up")
			})
			if err == nil || indexes() != before {
				t.Fatalf("indexes after a rollback: %d, before %d", indexes(), before)
			}
			err = db.Tx(ctx, func(q *store.Q) error {
				if _, err := q.DropIndexes(ctx, "events"); err != nil {
					return err
				}
				return nil
			})
			if err != nil || indexes() != before-3 {
				t.Fatalf("dropping the event log's three indexes left %d of %d", indexes(), before)
			}
		})
	}
}

func TestReserveIDsRejectsUnknownTables(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		err := db.Tx(context.Background(), func(q *store.Q) error {
			_, err := q.ReserveIDs(context.Background(), "users; DROP TABLE users", 1)
			return err
		})
		if err == nil {
			t.Fatal("ReserveIDs accepted an unknown table")
		}
	})
}

func openRawForBulk(t *testing.T, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

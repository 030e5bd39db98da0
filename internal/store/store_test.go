package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

var t0 = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)

func TestMigrateIsIdempotent(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		n, err := db.Migrate(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
		}
		v, err := db.SchemaVersion(context.Background())
		if err != nil || v < 1 {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
	})
}

func TestUsersSpacesAndMembers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var school *space.Space
		err := db.Tx(ctx, func(q *store.Q) error {
			district := &space.Space{Kind: space.Institution, Level: space.District, Name: "海淀区", Visibility: space.Public, CreatedAt: t0}
			if err := q.CreateSpace(ctx, district, ""); err != nil {
				return err
			}
			school = &space.Space{Kind: space.Institution, Level: space.School, ParentID: district.ID, Name: "第一中学", Visibility: space.Public, CreatedAt: t0}
			if err := q.CreateSpace(ctx, school, district.Path); err != nil {
				return err
			}
			for i, name := range []string{"张伟", "李娜", "陈静"} {
				u := &account.User{Username: "user" + string(rune('a'+i)) + "x", DisplayName: name, Role: account.Teacher,
					InstitutionID: school.ID, StaffNo: "S" + string(rune('0'+i)), CreatedAt: t0}
				if err := q.CreateUser(ctx, u, "hash"); err != nil {
					return err
				}
				if err := q.AddMember(ctx, school.ID, u.ID, space.RoleMember, store.SortKey(u.Name()), ms(t0)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if school.Path == "" || school.ParentID == 0 {
			t.Fatalf("school path %q", school.Path)
		}
		got, err := db.R().SpaceByID(ctx, school.ID)
		if err != nil || got.MemberCount != 3 || got.Name != "第一中学" {
			t.Fatalf("SpaceByID = %+v, %v", got, err)
		}
		ms, err := db.R().Members(ctx, school.ID, 10, 0)
		if err != nil || len(ms) != 3 {
			t.Fatalf("Members = %d, %v", len(ms), err)
		}
		if names := []string{ms[0].User.DisplayName, ms[1].User.DisplayName, ms[2].User.DisplayName}; names[0] != "陈静" || names[2] != "张伟" {
			t.Fatalf("members not in pinyin order: %v", names)
		}
		// Duplicate username and staff number are conflicts on the right field.
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.CreateUser(ctx, &account.User{Username: "userax", Role: account.Teacher, CreatedAt: t0}, "h")
		})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Conflict || e.Fields["username"].Key == "" {
			t.Fatalf("duplicate username: %v", err)
		}
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.CreateUser(ctx, &account.User{Username: "other", Role: account.Teacher, InstitutionID: school.ID, StaffNo: "S0", CreatedAt: t0}, "h")
		})
		if e, ok := apperr.As(err); !ok || e.Fields["staff_no"].Key == "" {
			t.Fatalf("duplicate staff number: %v", err)
		}
		users, total, err := db.R().ListUsers(ctx, store.UserFilter{Query: "李", Limit: 10})
		if err != nil || total != 1 || users[0].DisplayName != "李娜" {
			t.Fatalf("ListUsers(李) = %v %d %v", users, total, err)
		}
		users, total, err = db.R().ListUsers(ctx, store.UserFilter{Query: "100%", Limit: 10})
		if err != nil || total != 0 || len(users) != 0 {
			t.Fatalf("wildcards must be escaped: %d %v", total, err)
		}
	})
}

func TestFailedTransactionWritesNothing(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := q.CreateUser(ctx, &account.User{Username: "first", Role: account.Teacher, CreatedAt: t0}, "h"); err != nil {
				return err
			}
			return q.CreateUser(ctx, &account.User{Username: "first", Role: account.Teacher, CreatedAt: t0}, "h")
		})
		if err == nil {
			t.Fatal("duplicate insert succeeded")
		}
		if _, err := db.R().UserByUsername(ctx, "first"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("rolled-back user is visible: %v", err)
		}
	})
}

func TestEventsAndBackup(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Tx(ctx, func(q *store.Q) error {
			for i := range 30 {
				e := &event.Event{At: t0.Add(time.Duration(i) * time.Hour), ActorID: int64(1 + i%2), Verb: event.Created,
					ObjectType: event.ObjJournalEntry, ObjectID: int64(i), SpaceID: 9, InstitutionID: 4}
				if err := q.AppendEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		evs, err := db.R().Events(ctx, store.EventFilter{ActorID: 1, Limit: 5})
		if err != nil || len(evs) != 5 || evs[0].ObjectID != 28 {
			t.Fatalf("Events = %d, %v", len(evs), err)
		}
		n, err := db.R().CountEvents(ctx, store.EventFilter{InstitutionID: 4, Since: t0.Add(10 * time.Hour)})
		if err != nil || n != 20 {
			t.Fatalf("CountEvents = %d, %v", n, err)
		}
		out := filepath.Join(t.TempDir(), "backup.db")
		err = db.Backup(ctx, out)
		if db.Dialect == store.Postgres {
			if err != store.ErrBackupUnsupported {
				t.Fatalf("postgres backup: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		restored, err := store.Open(ctx, "sqlite:"+out, "")
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		n, err = restored.R().CountEvents(ctx, store.EventFilter{})
		if err != nil || n != 30 {
			t.Fatalf("restored events = %d, %v", n, err)
		}
	})
}

func ms(t time.Time) int64 { return t.UnixMilli() }

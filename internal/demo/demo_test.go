package demo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/demo"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// now is "today" of the tests: mid-June, so the year spans both terms,
// the winter and the summer holidays.
var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func seedSmall(t *testing.T, db *store.DB, seed int64) *demo.Result {
	t.Helper()
	res, err := demo.Seed(context.Background(), db, demo.Options{Scale: demo.Small, Seed: seed, Now: now})
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return res
}

func newService(db *store.DB) *service.Service {
	return service.New(service.Options{DB: db, Now: func() time.Time { return now }, Argon2: account.FastArgon2})
}

func TestSeedSmall(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res := seedSmall(t, db, 1)
		if res.Users != 300 || res.Entries < 700 || res.Entries > 1300 || res.Events < 29_000 || res.Events > 38_000 {
			t.Errorf("counts: %d users, %d entries, %d events", res.Users, res.Entries, res.Events)
		}
		r := db.R()
		n, err := r.CountEvents(ctx, store.EventFilter{})
		if err != nil || n != res.Events {
			t.Errorf("events in the log = %d, %v; Result says %d", n, err, res.Events)
		}

		// The tree: one region, one district, 12 schools, groups inside them.
		roots, err := r.Roots(ctx)
		if err != nil || len(roots) != 1 || roots[0].Level != space.Region {
			t.Fatalf("roots = %v, %v", roots, err)
		}
		districts, _, err := r.Children(ctx, roots[0].ID, 10, 0)
		if err != nil || len(districts) != 1 || districts[0].Name != "青湖区教育局" {
			t.Fatalf("districts = %v, %v", districts, err)
		}
		schools, _, err := r.Children(ctx, districts[0].ID, 50, 0)
		if err != nil || len(schools) != 12 {
			t.Fatalf("schools = %d, %v", len(schools), err)
		}
		groups := 0
		for _, s := range schools {
			if s.Level != space.School || !slices.Contains(space.Locations, s.Location) {
				t.Errorf("school %q: level %q location %q", s.Name, s.Level, s.Location)
			}
			gs, _, err := r.Children(ctx, s.ID, 50, 0)
			if err != nil || len(gs) == 0 {
				t.Errorf("school %q has no groups (%v)", s.Name, err)
			}
			for _, g := range gs {
				if g.Level != space.Group || []rune(g.Name)[len([]rune(g.Name))-1] != '组' || g.MemberCount == 0 {
					t.Errorf("group %q of %q: level %q, %d members", g.Name, s.Name, g.Level, g.MemberCount)
				}
			}
			groups += len(gs)
			members, err := r.Members(ctx, s.ID, 1000, 0)
			if err != nil || len(members) != s.MemberCount || s.MemberCount < 6 {
				t.Errorf("school %q: %d members listed, count %d (%v)", s.Name, len(members), s.MemberCount, err)
			}
		}
		if res.Institutions != 2+len(schools)+groups {
			t.Errorf("Result.Institutions = %d, tree has %d", res.Institutions, 2+len(schools)+groups)
		}
		first := slices.IndexFunc(schools, func(s *space.Space) bool { return s.Name == "青湖区实验小学" })
		if first < 0 {
			t.Fatal("no 青湖区实验小学")
		}
		checkYear(t, db) // before logging in, which writes events of today
		checkPeople(t, db)
		checkComments(t, db)
		checkLogins(t, db, res, schools[first])
	})
}

// checkLogins logs every fixed login in through the service.
func checkLogins(t *testing.T, db *store.DB, res *demo.Result, firstSchool *space.Space) {
	t.Helper()
	ctx := context.Background()
	svc := newService(db)
	var names []string
	users := map[string]*account.User{}
	for _, l := range res.Logins {
		names = append(names, l.Username)
		if l.Password != demo.Password || l.Note == "" {
			t.Errorf("login %+v", l)
		}
		_, _, u, err := svc.Login(ctx, service.LoginInput{Username: l.Username, Password: l.Password, IP: "127.0.0.1"})
		if err != nil {
			t.Errorf("log in as %s: %v", l.Username, err)
			continue
		}
		if string(u.Role) != l.Role {
			t.Errorf("%s has role %s, Login says %s", l.Username, u.Role, l.Role)
		}
		users[l.Username] = u
	}
	want := []string{"admin", "district", "school", "teacher", "teacher2", "expert", "facilitator"}
	if !slices.Equal(names, want) {
		t.Fatalf("logins = %v, want %v", names, want)
	}
	for _, name := range []string{"school", "teacher", "teacher2", "facilitator"} {
		if users[name].InstitutionID != firstSchool.ID {
			t.Errorf("%s belongs to institution %d, want the first school %d", name, users[name].InstitutionID, firstSchool.ID)
		}
	}
	if users["admin"].InstitutionID != 0 || users["district"].InstitutionID != firstSchool.ParentID ||
		users["expert"].InstitutionID != firstSchool.ParentID {
		t.Errorf("admin/district/expert institutions: %d %d %d", users["admin"].InstitutionID,
			users["district"].InstitutionID, users["expert"].InstitutionID)
	}
	// The demo teacher has four published entries (public, public,
	// institution, private) and a draft.
	teacher, teacher2 := users["teacher"], users["teacher2"]
	own, total, err := svc.Entries(ctx, teacher, teacher, false, 50, 0)
	if err != nil || total != 4 {
		t.Errorf("teacher's published entries = %d, %v", total, err)
	}
	for _, e := range own {
		if e.Status != journal.Published || e.BodyHTML == "" || e.PublishedAt == nil {
			t.Errorf("entry %q: status %s, html %d bytes", e.Title, e.Status, len(e.BodyHTML))
		}
	}
	if _, drafts, err := svc.Entries(ctx, teacher, teacher, true, 50, 0); err != nil || drafts != 1 {
		t.Errorf("teacher's drafts = %d, %v", drafts, err)
	}
	if _, n, err := svc.Entries(ctx, teacher2, teacher, false, 50, 0); err != nil || n != 3 {
		t.Errorf("a colleague sees %d of the teacher's entries (%v), want 3", n, err)
	}
	if _, n, err := svc.Entries(ctx, nil, teacher, false, 50, 0); err != nil || n != 2 {
		t.Errorf("a visitor sees %d of the teacher's entries (%v), want 2", n, err)
	}
	page, err := svc.PersonalSpace(ctx, teacher2, "teacher", 10, 0)
	if err != nil || page.Space.Kind != space.Personal || page.Follow.Followers == 0 || !page.Follow.ViewerFollows {
		t.Errorf("teacher's space seen by teacher2: %+v, %v", page, err)
	}
}

// checkComments checks that people comment only on entries they may read,
// and that entries count their comments.
func checkComments(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	svc := newService(db)
	entries, _, err := db.R().Entries(ctx, store.EntryFilter{Limit: 300})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		cs, err := db.R().Comments(ctx, e.ID, 100, 0)
		if err != nil || len(cs) != e.CommentCount {
			t.Fatalf("entry %d: %d comments, count %d (%v)", e.ID, len(cs), e.CommentCount, err)
		}
		for _, c := range cs {
			seen++
			reader, err := db.R().UserByID(ctx, c.AuthorID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Entry(ctx, reader, e.ID); err != nil || c.CreatedAt.Before(*e.PublishedAt) {
				t.Errorf("%s commented on entry %d (%s) at %s: %v", reader.Username, e.ID, e.Visibility, c.CreatedAt, err)
			}
		}
	}
	if seen < 100 {
		t.Errorf("only %d comments on the newest 300 entries", seen)
	}
}

// checkPeople checks names, profiles and how unevenly people use the platform.
func checkPeople(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	users, total, err := db.R().ListUsers(ctx, store.UserFilter{Limit: 1000})
	if err != nil || total != 300 {
		t.Fatalf("ListUsers = %d, %v", total, err)
	}
	surnames := map[string]int{}
	idle, busy := 0, 0
	for _, u := range users {
		rs := []rune(u.DisplayName)
		if len(rs) < 2 || len(rs) > 5 {
			t.Errorf("name %q of %s", u.DisplayName, u.Username)
		}
		for _, r := range rs {
			if !unicode.Is(unicode.Han, r) {
				t.Errorf("name %q of %s is not Chinese", u.DisplayName, u.Username)
				break
			}
		}
		if !account.ValidUsername(u.Username) || u.PersonalSpaceID == 0 {
			t.Errorf("user %q: personal space %d", u.Username, u.PersonalSpaceID)
		}
		if u.Role == account.Teacher {
			surnames[string(rs[0])]++
			y := u.YearsOfTeaching
			if y == nil || len(u.Subjects) == 0 || u.GradeBand == "" || u.Title == "" || u.Gender == "" || u.StaffNo == "" {
				t.Errorf("teacher %s has an incomplete profile: %+v", u.Username, u)
			} else if (*y == 0 && u.Title != "unrated") || (*y < 8 && (u.Title == "senior" || u.Title == "full_senior")) {
				t.Errorf("teacher %s: title %s after %d years", u.Username, u.Title, *y)
			}
		}
		n, err := db.R().CountEvents(ctx, store.EventFilter{ActorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case n <= 1: // registered and nothing since
			idle++
		case n >= 150:
			busy++
		}
	}
	top := 0
	for _, s := range []string{"王", "李", "张", "刘", "陈"} {
		top += surnames[s]
	}
	if top < 40 {
		t.Errorf("only %d of the teachers are called 王, 李, 张, 刘 or 陈: %v", top, surnames)
	}
	if idle < 15 || idle > 120 || busy < 5 {
		t.Errorf("%d people never used the platform, %d used it a lot", idle, busy)
	}
}

// checkYear checks that events fill the school year with its rhythm.
func checkYear(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	count := func(from, to time.Time) int {
		n, err := db.R().CountEvents(ctx, store.EventFilter{Since: from, Until: to})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	start := now.AddDate(-1, 0, 0)
	if n := count(time.Time{}, start.Add(-24*time.Hour)); n != 0 {
		t.Errorf("%d events before the school year", n)
	}
	if n := count(now, time.Time{}); n != 0 {
		t.Errorf("%d events after today", n)
	}
	for m := range 12 {
		from := start.AddDate(0, m, 0)
		if n := count(from, from.AddDate(0, 1, 0)); n < 300 {
			t.Errorf("only %d events in the month from %s", n, from.Format(time.DateOnly))
		}
	}
	summer := count(time.Date(2025, 7, 20, 0, 0, 0, 0, time.UTC), time.Date(2025, 8, 20, 0, 0, 0, 0, time.UTC))
	autumn := count(time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC), time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
	if summer*3 > autumn {
		t.Errorf("summer holiday has %d events, a month of term %d", summer, autumn)
	}
	// A week of term: Monday 2025-11-10 to Sunday 2025-11-16, China time.
	day := func(d int) int {
		from := time.Date(2025, 11, 10+d, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		return count(from, from.AddDate(0, 0, 1))
	}
	if weekdays, weekend := day(0)+day(1)+day(2)+day(3)+day(4), day(5)+day(6); weekend*5 > weekdays {
		t.Errorf("a weekend has %d events, five weekdays %d", weekend, weekdays)
	}
}

func TestSeedRefusesNonEmptyDatabase(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := newService(db).CreateUser(ctx, nil, service.NewUser{Username: "someone", Password: "long enough",
			Role: account.Admin})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Seed(ctx, db, demo.Options{Now: now}); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("Seed on a database with a user = %v, want ErrNotEmpty", err)
		}
		if n, _ := db.R().CountEvents(ctx, store.EventFilter{}); n != 1 {
			t.Errorf("refused seed left %d events", n)
		}
	})
}

func TestSeedRejectsUnknownScale(t *testing.T) {
	db, _ := testkit.Engines()[0].Open(t)
	if _, err := demo.Seed(context.Background(), db, demo.Options{Scale: "city", Now: now}); err == nil {
		t.Fatal("unknown scale accepted")
	}
}

// TestSeedIsDeterministic seeds twice with one seed and once with another.
func TestSeedIsDeterministic(t *testing.T) {
	ctx := context.Background()
	open := testkit.Engines()[0].Open
	digest := func(seed int64) []string {
		db, _ := open(t)
		seedSmall(t, db, seed)
		users, _, err := db.R().ListUsers(ctx, store.UserFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range users {
			out = append(out, u.Username+" "+u.DisplayName+" "+u.Title+" "+u.CreatedAt.String())
		}
		entries, _, err := db.R().Entries(ctx, store.EntryFilter{Limit: 5000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			out = append(out, e.Title+" "+e.Body+" "+e.CreatedAt.String())
		}
		evs, err := db.R().Events(ctx, store.EventFilter{Limit: 100_000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			out = append(out, string(e.Verb)+" "+e.At.String()+" "+e.Context)
		}
		// The communities' texts and threads, summed up.
		for _, q := range []string{
			`SELECT count(*) || ' ' || sum(length(body)) || ' ' || sum(like_count) || ' ' || sum(depth) || ' ' || max(created_at) FROM replies`,
			`SELECT count(*) || ' ' || sum(length(title)) || ' ' || sum(length(body)) || ' ' || sum(reply_count) FROM topics`,
			`SELECT count(*) || ' ' || sum(length(title)) || ' ' || sum(comment_count) || ' ' || sum(length(decision_note)) FROM theme_proposals`,
			`SELECT count(*) || ' ' || sum(tally) FROM vote_options`,
			`SELECT count(*) || ' ' || sum(length(title)) || ' ' || sum(created_at % 1000003) FROM notifications`,
		} {
			var v string
			if err := db.R().QueryRowForTest(ctx, q).Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	a, b, c := digest(7), digest(7), digest(8)
	if !slices.Equal(a, b) {
		t.Error("the same seed made different districts")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds made the same district")
	}
}

// TestSeedDistrict seeds the benchmark district on every engine and
// reports how long it took and, on SQLite, how big the database is. It
// takes a minute or two, so it runs only when asked.
func TestSeedDistrict(t *testing.T) {
	if os.Getenv("YANXIU_DEMO_DISTRICT") == "" {
		t.Skip("set YANXIU_DEMO_DISTRICT=1 to seed the 100,000-teacher district")
	}
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, url := e.Open(t)
			files, err := blob.NewLocal(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			res, err := demo.Seed(ctx, db, demo.Options{Scale: demo.District, Seed: 1, Now: now, Log: t.Logf, Files: files})
			if err != nil {
				t.Fatal(err)
			}
			size := "n/a"
			if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				size = fmt.Sprintf("%d MB", fi.Size()>>20)
			}
			t.Logf("%s: district seeded in %s: %d institutions, %d users, %d entries, %d events; database %s",
				e.Name, res.Elapsed.Round(time.Millisecond), res.Institutions, res.Users, res.Entries, res.Events, size)
			t.Logf("%s: %d communities, %d memberships, %d proposals, %d ballots, %d topics, %d replies, %d likes, %d notifications",
				e.Name, res.Communities, res.Memberships, res.Proposals, res.Ballots, res.Topics, res.Replies, res.Likes, res.Notifications)
			// A million events of the foundation's year, and those of the communities.
			if res.Users != 100_000 || res.Events < 2_500_000 || res.Events > 3_500_000 {
				t.Errorf("district: %d users, %d events", res.Users, res.Events)
			}
			if res.Communities != 10_000 || res.Replies != 1_000_000 || res.Resources != 3000 {
				t.Errorf("district: %d communities, %d replies, %d resources", res.Communities, res.Replies, res.Resources)
			}
			var longest int
			if err := db.R().QueryRowForTest(ctx, `SELECT max(reply_count) FROM topics`).Scan(&longest); err != nil || longest != 5000 {
				t.Errorf("the longest topic has %d replies (%v), want 5000", longest, err)
			}
			if _, n, err := db.R().ListInstitutions(ctx, store.InstitutionFilter{Level: space.School, Limit: 1}); err != nil || n != 2000 {
				t.Errorf("%d schools (%v), want 2000", n, err)
			}
		})
	}
}

package demo_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestBulkUserMatchesServiceUser creates the same person once through the
// service and once through the store's bulk path, and compares every row
// they leave behind: the user, the personal space and the memberships.
func TestBulkUserMatchesServiceUser(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, url := e.Open(t)
			raw := openRaw(t, url)
			ctx := context.Background()
			svc := newService(db)
			region, err := svc.CreateInstitution(ctx, nil, 0, service.InstitutionInput{Name: "江州市教育局", Level: space.Region})
			if err != nil {
				t.Fatal(err)
			}
			district, err := svc.CreateInstitution(ctx, nil, region.ID, service.InstitutionInput{Name: "青湖区教育局"})
			if err != nil {
				t.Fatal(err)
			}
			school, err := svc.CreateInstitution(ctx, nil, district.ID, service.InstitutionInput{Name: "青湖区实验小学", Location: "urban"})
			if err != nil {
				t.Fatal(err)
			}
			hash, err := account.HashPassword("demo12345", account.FastArgon2)
			if err != nil {
				t.Fatal(err)
			}
			for i, role := range []account.Role{account.Teacher, account.SchoolAdmin, account.Admin} {
				inst := school.ID
				if role == account.Admin {
					inst = 0
				}
				years := 12
				p := service.Profile{DisplayName: "张晓梅", Email: "zxm@example.edu.cn", Gender: "female",
					Subjects: []string{"chinese", "morality_law"}, GradeBand: "primary", Title: "first",
					YearsOfTeaching: &years, Bio: "语文教师，三年级班主任。"}
				made, err := svc.CreateUser(ctx, nil, service.NewUser{Username: fmt.Sprintf("made%d", i), Password: "demo12345",
					Role: role, InstitutionID: inst, Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				bulk := &account.User{Username: fmt.Sprintf("bulk%d", i), Role: role, InstitutionID: inst, CreatedAt: now,
					DisplayName: p.DisplayName, Email: p.Email, Gender: p.Gender, Subjects: p.Subjects, GradeBand: p.GradeBand,
					Title: p.Title, YearsOfTeaching: p.YearsOfTeaching, Bio: p.Bio}
				if err := db.Tx(ctx, func(q *store.Q) error { return q.BulkInsertUsers(ctx, []*account.User{bulk}, hash) }); err != nil {
					t.Fatal(err)
				}
				if bulk.ID == 0 || bulk.PersonalSpaceID == 0 {
					t.Fatalf("bulk user IDs not set: %+v", bulk)
				}
				got, want := rows(t, raw, bulk), rows(t, raw, made)
				if !slices.Equal(got, want) {
					t.Errorf("%s: bulk rows differ from the service's:\nbulk    %q\nservice %q", role, got, want)
				}
				if _, _, _, err := svc.Login(ctx, service.LoginInput{Username: bulk.Username, Password: "demo12345", IP: "::1"}); err != nil {
					t.Errorf("bulk %s cannot log in: %v", role, err)
				}
			}
			sp, err := db.R().SpaceByID(ctx, school.ID)
			if err != nil || sp.MemberCount != 4 {
				t.Errorf("school member count = %d, %v; want 4", sp.MemberCount, err)
			}
			// An ordinary insert after the bulk one must not collide with the
			// IDs the bulk insert chose (PostgreSQL's sequence moved on).
			if _, err := svc.CreateUser(ctx, nil, service.NewUser{Username: "after", Password: "demo12345",
				Role: account.Teacher, InstitutionID: school.ID}); err != nil {
				t.Errorf("create a user after a bulk insert: %v", err)
			}
		})
	}
}

// rows renders everything stored about a user, with IDs that differ by
// nature (the user's, the personal space's) replaced by placeholders.
func rows(t *testing.T, raw *sql.DB, u *account.User) []string {
	t.Helper()
	var out []string
	out = append(out, "user: "+one(t, raw, `SELECT role, institution_id, display_name, sort_name, email, gender, subjects,
		grade_band, title, years_of_teaching, staff_no, bio, avatar_key, lang, disabled, created_at, updated_at,
		personal_space_id FROM users WHERE id = $1`, u.ID))
	out = append(out, "space: "+one(t, raw, `SELECT kind, level, parent_id, path, name, sort_name, code, description,
		location, visibility, modules, owner_id, member_count, created_at, updated_at FROM spaces WHERE id = $1`, u.PersonalSpaceID))
	rs, err := raw.Query(`SELECT space_id, role, sort_name, joined_at FROM space_members WHERE user_id = $1 ORDER BY space_id`, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		out = append(out, "member: "+scanRow(t, rs))
	}
	// Whole values only: an ID's digits may well occur inside a timestamp.
	ids := map[string]map[string]string{
		"personal_space_id": {fmt.Sprint(u.PersonalSpaceID): "PERSONAL"},
		"space_id":          {fmt.Sprint(u.PersonalSpaceID): "PERSONAL"},
		"path":              {fmt.Sprintf("/%d/", u.PersonalSpaceID): "/PERSONAL/"},
		"owner_id":          {fmt.Sprint(u.ID): "USER"},
	}
	for i, line := range out {
		fields := strings.Fields(line)
		for j, f := range fields {
			k, v, _ := strings.Cut(f, "=")
			if p, ok := ids[k][v]; ok {
				fields[j] = k + "=" + p
			}
		}
		out[i] = strings.Join(fields, " ")
	}
	return out
}

func one(t *testing.T, raw *sql.DB, query string, id int64) string {
	t.Helper()
	rs, err := raw.Query(query, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if !rs.Next() {
		t.Fatalf("no row for %d: %s", id, query)
	}
	return scanRow(t, rs)
}

func scanRow(t *testing.T, rs *sql.Rows) string {
	t.Helper()
	cols, _ := rs.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rs.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	parts := make([]string, len(cols))
	for i, v := range vals {
		parts[i] = cols[i] + "=" + v.String
		if !v.Valid {
			parts[i] = cols[i] + "=NULL"
		}
	}
	return strings.Join(parts, " ")
}

// openRaw opens a plain connection to a test database, for reading rows
// the store's methods do not expose.
func openRaw(t *testing.T, url string) *sql.DB {
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

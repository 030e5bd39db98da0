package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/roster"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

const pw = "secret-pass-1"

type world struct {
	svc                              *service.Service
	db                               *store.DB
	district, school, group, other   *space.Space
	districtAdm, schoolAdm, teacher  *account.User
	colleague, groupMember, stranger *account.User
	now                              *time.Time
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	now := time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC)
	w := &world{db: db, now: &now}
	w.svc = service.New(service.Options{DB: db, Argon2: account.FastArgon2, Now: func() time.Time { return *w.now }})
	ctx := context.Background()
	var err error
	inst := func(parent int64, name string, level space.Level) *space.Space {
		t.Helper()
		s, err := w.svc.CreateInstitution(ctx, nil, parent, service.InstitutionInput{Name: name, Level: level})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return s
	}
	w.district = inst(0, "青湖区", space.District)
	w.school = inst(w.district.ID, "实验小学", "")
	w.group = inst(w.school.ID, "数学组", "")
	w.other = inst(w.district.ID, "第二中学", "")
	user := func(name string, role account.Role, inst int64) *account.User {
		t.Helper()
		u, err := w.svc.CreateUser(ctx, nil, service.NewUser{Username: name, Password: pw, Role: role, InstitutionID: inst})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return u
	}
	w.districtAdm = user("district", account.DistrictAdmin, w.district.ID)
	w.schoolAdm = user("principal", account.SchoolAdmin, w.school.ID)
	w.teacher = user("teacher", account.Teacher, w.school.ID)
	w.colleague = user("colleague", account.Teacher, w.school.ID)
	w.groupMember = user("grouper", account.Teacher, w.group.ID)
	w.stranger = user("stranger", account.Teacher, w.other.ID)
	_ = err
	return w
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); err == nil || got != code {
		t.Fatalf("error = %v (code %s), want code %s", err, got, code)
	}
}

func TestInstitutionPermissions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		_, err := w.svc.CreateInstitution(ctx, w.teacher, w.school.ID, service.InstitutionInput{Name: "语文组"})
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateInstitution(ctx, w.schoolAdm, w.other.ID, service.InstitutionInput{Name: "语文组"})
		wantCode(t, err, apperr.Forbidden)
		g, err := w.svc.CreateInstitution(ctx, w.schoolAdm, w.school.ID, service.InstitutionInput{Name: "语文组"})
		if err != nil || g.Level != space.Group || !strings.HasPrefix(g.Path, w.school.Path) {
			t.Fatalf("school admin creating a group: %+v %v", g, err)
		}
		_, err = w.svc.CreateInstitution(ctx, w.districtAdm, w.district.ID, service.InstitutionInput{Name: "新学校", Level: space.District})
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.CreateInstitution(ctx, w.districtAdm, 0, service.InstitutionInput{Name: "另一个市", Level: space.Region})
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateInstitution(ctx, w.districtAdm, w.district.ID, service.InstitutionInput{Name: ""})
		wantCode(t, err, apperr.Invalid)
		_, err = w.svc.PostAnnouncement(ctx, w.teacher, w.school.ID, "通知", "内容")
		wantCode(t, err, apperr.Forbidden)
		if _, err := w.svc.PostAnnouncement(ctx, w.districtAdm, w.school.ID, "教研通知", "**周三**集体备课"); err != nil {
			t.Fatalf("district admin announcing in a school of the district: %v", err)
		}
		p, err := w.svc.Institution(ctx, w.stranger, w.school.ID, 50, 0)
		if err != nil || p.CanManage || len(p.Announcements) != 1 || p.Space.MemberCount != 3 || len(p.Ancestors) != 1 {
			t.Fatalf("school page for a stranger: %+v %v", p, err)
		}
		if !strings.Contains(p.Announcements[0].BodyHTML, "<strong>周三</strong>") {
			t.Fatalf("announcement not rendered: %q", p.Announcements[0].BodyHTML)
		}
		// Switching the announcements module off hides them and refuses new ones.
		_, err = w.svc.UpdateInstitution(ctx, w.schoolAdm, w.school.ID, service.InstitutionInput{Name: "实验小学",
			Modules: []space.Module{space.ModMembers}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.PostAnnouncement(ctx, w.schoolAdm, w.school.ID, "通知", "内容")
		wantCode(t, err, apperr.Conflict)
		if p, _ := w.svc.Institution(ctx, w.teacher, w.school.ID, 50, 0); len(p.Announcements) != 0 || len(p.Members) == 0 {
			t.Fatalf("module switch: %d announcements, %d members", len(p.Announcements), len(p.Members))
		}
		_, err = w.svc.UpdateInstitution(ctx, w.schoolAdm, w.school.ID, service.InstitutionInput{Name: "实验小学",
			Modules: []space.Module{"journal"}})
		wantCode(t, err, apperr.Invalid)
	})
}

func TestUserCreationRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		nu := func(name string, role account.Role, inst int64) service.NewUser {
			return service.NewUser{Username: name, Password: pw, Role: role, InstitutionID: inst}
		}
		_, err := w.svc.CreateUser(ctx, w.teacher, nu("newbie", account.Teacher, w.school.ID))
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateUser(ctx, w.schoolAdm, nu("newbie", account.Teacher, w.other.ID))
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateUser(ctx, w.schoolAdm, nu("newbie", account.DistrictAdmin, w.school.ID))
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.CreateUser(ctx, w.schoolAdm, service.NewUser{Username: "X", Password: "short", Role: "king", InstitutionID: w.school.ID})
		e, _ := apperr.As(err)
		if e == nil || e.Fields["username"].Key == "" || e.Fields["password"].Key == "" || e.Fields["role"].Key == "" {
			t.Fatalf("field errors = %v", err)
		}
		u, err := w.svc.CreateUser(ctx, w.schoolAdm, nu("Newbie", account.Teacher, w.group.ID))
		if err != nil || u.Username != "newbie" || u.PersonalSpaceID == 0 {
			t.Fatalf("create in own subtree: %+v %v", u, err)
		}
		_, err = w.svc.CreateUser(ctx, w.schoolAdm, nu("newbie", account.Teacher, w.group.ID))
		wantCode(t, err, apperr.Conflict)
		evs, _, err := w.svc.Events(ctx, w.schoolAdm, 0, 10)
		if err != nil || len(evs) == 0 || evs[0].Verb != "registered" || evs[0].ObjectID != u.ID {
			t.Fatalf("registration event missing: %v %v", evs, err)
		}
	})
}

func TestJournalVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		ids := map[space.Visibility]int64{}
		for _, v := range space.Visibilities {
			e, err := w.svc.CreateEntry(ctx, w.teacher, journal.Input{Title: "日志 " + string(v), Body: "正文", Visibility: v, Publish: true})
			if err != nil {
				t.Fatal(err)
			}
			ids[v] = e.ID
		}
		draft, err := w.svc.CreateEntry(ctx, w.teacher, journal.Input{Title: "草稿", Body: "", Visibility: space.Public})
		if err != nil || draft.Status != journal.Draft {
			t.Fatalf("draft: %+v %v", draft, err)
		}
		cases := []struct {
			viewer *account.User
			vis    space.Visibility
			ok     bool
		}{
			{nil, space.Public, true}, {nil, space.InstitutionOnly, false}, {nil, space.Private, false},
			{w.colleague, space.InstitutionOnly, true}, {w.colleague, space.Private, false},
			{w.groupMember, space.InstitutionOnly, true}, // a group is part of the school
			{w.stranger, space.InstitutionOnly, false}, {w.stranger, space.Public, true},
			{w.schoolAdm, space.InstitutionOnly, true}, {w.districtAdm, space.InstitutionOnly, true},
			{w.districtAdm, space.Private, false}, {w.teacher, space.Private, true},
		}
		for _, c := range cases {
			_, err := w.svc.Entry(ctx, c.viewer, ids[c.vis])
			if (err == nil) != c.ok {
				name := "anonymous"
				if c.viewer != nil {
					name = c.viewer.Username
				}
				t.Errorf("%s reading a %s entry: err = %v, want ok=%v", name, c.vis, err, c.ok)
			}
		}
		if _, err := w.svc.Entry(ctx, w.colleague, draft.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("colleague reads a draft: %v", err)
		}
		_, err = w.svc.UpdateEntry(ctx, w.colleague, ids[space.Public], journal.Input{Title: "改", Visibility: space.Public})
		wantCode(t, err, apperr.Forbidden)
		err = w.svc.DeleteEntry(ctx, w.stranger, ids[space.Public])
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.AddComment(ctx, w.stranger, ids[space.InstitutionOnly], "看看")
		wantCode(t, err, apperr.NotFound)
		if _, err := w.svc.AddComment(ctx, w.colleague, ids[space.InstitutionOnly], "写得好 <img src=x onerror=alert(1)>"); err != nil {
			t.Fatal(err)
		}
		cs, err := w.svc.Comments(ctx, w.colleague, ids[space.InstitutionOnly], 10, 0)
		if err != nil || len(cs) != 1 || strings.Contains(cs[0].BodyHTML, "onerror") {
			t.Fatalf("comments = %+v %v", cs, err)
		}
		list, total, err := w.svc.Entries(ctx, w.stranger, w.teacher, false, 10, 0)
		if err != nil || total != 1 || list[0].Visibility != space.Public {
			t.Fatalf("stranger's listing: %d %v", total, err)
		}
		// Publishing a draft later.
		if _, err := w.svc.UpdateEntry(ctx, w.teacher, draft.ID, journal.Input{Title: "草稿", Body: "完成了", Visibility: space.Public, Publish: true}); err != nil {
			t.Fatal(err)
		}
		if pub, _ := w.svc.PublicEntries(ctx, w.teacher, 10); len(pub) != 2 {
			t.Fatalf("public entries = %d, want 2", len(pub))
		}
		// Timeline: strangers never see events about non-public entries.
		evs, err := w.svc.Timeline(ctx, w.stranger, w.teacher, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if strings.Contains(e.Context, "private") || strings.Contains(e.Context, `"institution"`) || e.Verb == "logged_in" {
				t.Errorf("stranger sees %s %s", e.Verb, e.Context)
			}
		}
	})
}

func TestLoginThrottleSessionsAndTokens(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		in := service.LoginInput{Username: "teacher", Password: "wrong-one", IP: "10.0.0.9"}
		for range 10 {
			_, _, _, err := w.svc.Login(ctx, in)
			wantCode(t, err, apperr.Unauthorized)
		}
		in.Password = pw
		_, _, _, err := w.svc.Login(ctx, in)
		wantCode(t, err, apperr.RateLimited)
		*w.now = w.now.Add(16 * time.Minute)
		tok, sess, u, err := w.svc.Login(ctx, in)
		if err != nil || u.ID != w.teacher.ID {
			t.Fatalf("login after the window: %v", err)
		}
		if _, got, err := w.svc.Authenticate(ctx, tok); err != nil || got.ID != u.ID {
			t.Fatalf("Authenticate: %v", err)
		}
		tok2, sess2, _, err := w.svc.Login(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// Changing the password ends the other session but keeps this one.
		err = w.svc.ChangePassword(ctx, u, sess.ID, pw, "new-secret-2", "new-secret-2")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.Authenticate(ctx, tok2); err == nil {
			t.Fatal("other session survived a password change")
		}
		if _, _, err := w.svc.Authenticate(ctx, tok); err != nil {
			t.Fatalf("current session ended by a password change: %v", err)
		}
		_ = sess2
		err = w.svc.ChangePassword(ctx, u, sess.ID, "not-it", "x", "y")
		e, _ := apperr.As(err)
		if e == nil || e.Fields["new"].Key == "" || e.Fields["confirm"].Key == "" {
			t.Fatalf("password change field errors = %v", err)
		}
		// Tokens.
		plain, _, err := w.svc.CreateToken(ctx, u, "脚本")
		if err != nil || !strings.HasPrefix(plain, "yx_") {
			t.Fatalf("CreateToken: %q %v", plain, err)
		}
		if got, err := w.svc.AuthenticateToken(ctx, plain); err != nil || got.ID != u.ID {
			t.Fatalf("AuthenticateToken: %v", err)
		}
		toks, _ := w.svc.Tokens(ctx, u)
		if err := w.svc.RevokeToken(ctx, w.colleague, toks[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("revoking someone else's token: %v", err)
		}
		if err := w.svc.RevokeToken(ctx, u, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AuthenticateToken(ctx, plain); err == nil {
			t.Fatal("revoked token still works")
		}
		if n, err := w.svc.LogoutEverywhere(ctx, u); err != nil || n != 1 {
			t.Fatalf("LogoutEverywhere = %d, %v", n, err)
		}
	})
}

func TestRosterImport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		parse := func(csv string) *roster.Sheet {
			t.Helper()
			s, err := roster.Parse(strings.NewReader(csv), "r.csv", roster.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		bad := parse("工号,姓名,学科,教龄\nA01,赵敏,数学,5\nA02,钱进,火星语,3\n")
		_, err := w.svc.ImportRoster(ctx, w.schoolAdm, w.school.ID, bad, "r.csv", false)
		if err != service.ErrRosterHasErrors {
			t.Fatalf("import with a bad row: %v", err)
		}
		if _, err := w.svc.UserByUsername(ctx, "ta01"); !apperr.Is(err, apperr.NotFound) {
			t.Fatal("a file with a bad row wrote something")
		}
		_, err = w.svc.ImportRoster(ctx, w.stranger, w.school.ID, bad, "r.csv", true)
		wantCode(t, err, apperr.Forbidden)
		_, err = w.svc.ImportRoster(ctx, w.schoolAdm, w.other.ID, bad, "r.csv", true)
		wantCode(t, err, apperr.Forbidden)
		res, err := w.svc.ImportRoster(ctx, w.schoolAdm, w.school.ID, bad, "r.csv", true)
		if err != nil || res.Created != 1 || res.Invalid != 1 || res.Lines[0].Password == "" {
			t.Fatalf("only valid rows: %+v %v", res, err)
		}
		u, err := w.svc.UserByUsername(ctx, "ta01")
		if err != nil || u.DisplayName != "赵敏" || u.InstitutionID != w.school.ID || *u.YearsOfTeaching != 5 {
			t.Fatalf("imported user: %+v %v", u, err)
		}
		if _, _, _, err := w.svc.Login(ctx, service.LoginInput{Username: "ta01", Password: res.Lines[0].Password}); err != nil {
			t.Fatalf("login with the initial password: %v", err)
		}
		// The initial password must be replaced; changing it clears that.
		if !u.MustChangePassword {
			t.Fatal("an imported account may keep its initial password")
		}
		if err := w.svc.ChangePassword(ctx, u, "", res.Lines[0].Password, "my-own-pass-1", "my-own-pass-1"); err != nil {
			t.Fatalf("change the initial password: %v", err)
		}
		if u, _ := w.svc.UserByUsername(ctx, "ta01"); u.MustChangePassword {
			t.Fatal("still asked to change the password after changing it")
		}
		// Re-import: idempotent, then an update.
		good := parse("工号,姓名,学科,教龄\nA01,赵敏,数学,5\n")
		res, err = w.svc.ImportRoster(ctx, w.schoolAdm, w.school.ID, good, "r.csv", false)
		if err != nil || res.Unchanged != 1 || res.Created != 0 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		res, err = w.svc.ImportRoster(ctx, w.schoolAdm, w.school.ID, parse("工号,姓名,教龄\nA01,赵敏,6\n"), "r.csv", false)
		if err != nil || res.Updated != 1 {
			t.Fatalf("update: %+v %v", res, err)
		}
		if u, _ := w.svc.UserByUsername(ctx, "ta01"); *u.YearsOfTeaching != 6 || len(u.Subjects) != 1 {
			t.Fatalf("update lost or changed data: %+v", u)
		}
		// A username owned by someone of another school is never taken over.
		res, err = w.svc.PreviewRoster(ctx, w.schoolAdm, w.school.ID, parse("用户名,姓名\nstranger,王芳\n"))
		if err != nil || res.Invalid != 1 || res.Lines[0].Errors[0].Code != "roster.error.username_taken" {
			t.Fatalf("takeover preview: %+v %v", res, err)
		}
	})
}

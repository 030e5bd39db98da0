package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestInitialPasswordMustBeChanged: a person whose account came with an
// initial password is sent to the password form from every page, may still
// sign out or switch language, and uses the site once the password is theirs.
func TestInitialPasswordMustBeChanged(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { initialPasswordMustBeChanged(t, e) })
	}
}

func initialPasswordMustBeChanged(t *testing.T, e testkit.Engine) {
	{
		f := newFixture(t, e)
		if err := f.srv.App.DB.W().RequirePasswordChange(context.Background(), f.teacher.ID); err != nil {
			t.Fatal(err)
		}
		c := f.client(t, f.teacher)
		base := f.srv.URL
		for _, path := range []string{"/", "/u/teacher", "/journal/new", "/c", "/i/" + itoa(f.school.ID)} {
			resp, err := c.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/security" {
				t.Errorf("GET %s answered %d to %q, want 303 to the password form", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if _, body := get(t, c, base+"/settings/security"); !strings.Contains(body, "初始密码") {
			t.Error("the password form does not say why the person is there")
		}
		csrf := f.srv.CSRF(t, c, "/settings/security")
		// Other changes are refused until then: the POST is sent to the form.
		if code, _, loc := post(t, c, base+"/journal", url.Values{"csrf": {csrf}, "title": {"x"}, "body": {"y"}, "visibility": {"public"}}); code != http.StatusSeeOther || loc != "/settings/security" {
			t.Errorf("POST /journal answered %d to %q", code, loc)
		}
		if n, _, _ := f.srv.App.Service.Entries(context.Background(), f.teacher, f.teacher, true, 10, 0); len(n) != 0 {
			t.Error("a journal entry was written before the initial password was changed")
		}
		code, _, _ := post(t, c, base+"/settings/password", url.Values{"csrf": {csrf}, "current": {pw}, "new": {"my-own-pass-1"}, "confirm": {"my-own-pass-1"}})
		if code != http.StatusSeeOther {
			t.Fatalf("change password: %d", code)
		}
		resp, err := c.Get(base + "/u/teacher")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("after the change, /u/teacher answered %d", resp.StatusCode)
		}
	}
}

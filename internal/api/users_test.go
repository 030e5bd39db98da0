package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func usernames(items []userDTO) []string {
	var out []string
	for _, u := range items {
		out = append(out, u.Username)
	}
	slices.Sort(out)
	return out
}

func TestListUsersIsScopedAndPaged(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			as   string
			want []string
		}{
			// A teacher sees their school, its groups included.
			{"zhangwei", []string{"lina", "xiaozhang", "zhangwei"}},
			{"chenjing", []string{"chenjing"}},
			{"quadmin", []string{"lina", "quadmin", "xiaozhang", "zhangwei"}},
			{"admin", []string{"admin", "chenjing", "lina", "quadmin", "xiaozhang", "zhangwei"}},
		}
		for _, tt := range tests {
			l := decode[list[userDTO]](t, f.get(tt.as, "/api/v1/users").want(t, 200))
			if got := usernames(l.Items); !slices.Equal(got, tt.want) || l.Total != len(tt.want) {
				t.Errorf("%s lists %v (total %d), want %v", tt.as, got, l.Total, tt.want)
			}
			if r := f.get(tt.as, "/api/v1/users"); strings.Contains(string(r.body), "@example.cn") || strings.Contains(string(r.body), `"email"`) {
				t.Errorf("%s: user list exposes e-mail: %s", tt.as, r.body)
			}
		}
		// Pages cut the same ordered list.
		all := decode[list[userDTO]](t, f.get("admin", "/api/v1/users?limit=100"))
		var paged []userDTO
		for off := 0; off < all.Total; off += 4 {
			l := decode[list[userDTO]](t, f.get("admin", fmt.Sprintf("/api/v1/users?limit=4&offset=%d", off)).want(t, 200))
			if l.Total != all.Total || len(l.Items) > 4 {
				t.Fatalf("page at %d: %d items of %d", off, len(l.Items), l.Total)
			}
			paged = append(paged, l.Items...)
		}
		if len(paged) != len(all.Items) || paged[0].ID != all.Items[0].ID || paged[len(paged)-1].ID != all.Items[len(all.Items)-1].ID {
			t.Errorf("paging does not reproduce the full list")
		}
		if l := decode[list[userDTO]](t, f.get("admin", "/api/v1/users?offset=1000")); len(l.Items) != 0 || l.Total != 6 {
			t.Errorf("past the end: %d items, total %d", len(l.Items), l.Total)
		}
		// q searches usernames and display names.
		if l := decode[list[userDTO]](t, f.get("admin", "/api/v1/users?q=%E6%9D%8E")); len(l.Items) != 1 || l.Items[0].Username != "lina" {
			t.Errorf("q=李: %+v", l)
		}
	})
}

func TestPagingParameterErrors(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			query, lang, field, text string
		}{
			{"limit=0", "zh-CN", "limit", "请输入 1 到 100 之间的数值"},
			{"limit=101", "en", "limit", "Enter a number from 1 to 100"},
			{"limit=ten", "zh-CN", "limit", "请输入数字"},
			{"limit=ten", "en", "limit", "Enter a number"},
			{"offset=-1", "en", "offset", "Enter a number from 0 to 2147483647"},
			{"offset=1.5", "en", "offset", "Enter a number"},
			{"offset=99999999999999999999", "en", "offset", "Enter a number"},
			{"q=" + strings.Repeat("x", 101), "en", "q", "Must be at most 100 characters"},
		}
		for _, path := range []string{"/api/v1/users", "/api/v1/institutions", "/api/v1/me/tokens",
			"/api/v1/users/zhangwei/journal", fmt.Sprintf("/api/v1/journal/%d/comments", f.publicEntry(t))} {
			for _, tt := range tests {
				if tt.field == "q" && !strings.Contains("/api/v1/users /api/v1/institutions", path) {
					continue
				}
				r := f.call(request{method: "GET", path: path + "?" + tt.query, as: "zhangwei",
					header: map[string]string{"Accept-Language": tt.lang}})
				wantField(t, r, 400, tt.field, tt.text)
			}
		}
		// Both bad parameters are reported at once.
		e := apiErr(t, f.get("zhangwei", "/api/v1/users?limit=0&offset=x").want(t, 400))
		if len(e.Fields) != 2 {
			t.Errorf("fields = %v, want limit and offset", e.Fields)
		}
	})
}

// publicEntry writes a published public entry by zhangwei and returns its ID.
func (f *fixture) publicEntry(t *testing.T) int64 {
	t.Helper()
	e, err := f.svc.CreateEntry(context.Background(), f.teacher, journal.Input{Title: "公开课反思", Body: "今天的课", Visibility: space.Public, Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

func TestShowUser(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.publicEntry(t)
		r := f.get("chenjing", "/api/v1/users/zhangwei").want(t, 200)
		p := decode[profileDTO](t, r)
		if p.Username != "zhangwei" || p.DisplayName != "张伟" || p.Institution == nil || p.Institution.Name != "第一中学" || p.EntryCount != 1 {
			t.Errorf("profile = %+v", p)
		}
		if strings.Contains(string(r.body), "@example.cn") || strings.Contains(string(r.body), "email") {
			t.Errorf("profile exposes e-mail: %s", r.body)
		}
		// Usernames are case-insensitive.
		f.get("chenjing", "/api/v1/users/ZhangWei").want(t, 200)
		for _, name := range []string{"nobody", "%E5%BC%A0%E4%BC%9F", strings.Repeat("a", 300)} {
			if e := apiErr(t, f.get("chenjing", "/api/v1/users/"+name).want(t, 404)); e.Code != "not_found" {
				t.Errorf("%s: %+v", name, e)
			}
		}
	})
}

package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestTokens(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		created := decode[createdTokenDTO](t, f.post("zhangwei", "/api/v1/me/tokens", map[string]any{"name": "备课脚本"}).want(t, 201))
		if !strings.HasPrefix(created.Token, "yx_") || created.Name != "备课脚本" || !strings.HasPrefix(created.Token, created.Prefix) {
			t.Fatalf("created token = %+v", created)
		}
		// The new token works.
		f.token["zhangwei-new"] = created.Token
		if me := decode[meDTO](t, f.get("zhangwei-new", "/api/v1/me").want(t, 200)); me.Username != "zhangwei" {
			t.Errorf("new token authenticates %q", me.Username)
		}
		// Listing shows both tokens and never a secret.
		r := f.get("zhangwei", "/api/v1/me/tokens").want(t, 200)
		l := decode[list[tokenDTO]](t, r)
		if l.Total != 2 || len(l.Items) != 2 || l.Items[0].ID != created.ID {
			t.Errorf("tokens = %+v", l)
		}
		if strings.Contains(string(r.body), created.Token) || strings.Contains(string(r.body), f.token["zhangwei"]) || strings.Contains(string(r.body), "hash") {
			t.Errorf("token list exposes a secret: %s", r.body)
		}
		if l := decode[list[tokenDTO]](t, f.get("zhangwei", "/api/v1/me/tokens?limit=1&offset=1")); l.Total != 2 || len(l.Items) != 1 || l.Items[0].ID == created.ID {
			t.Errorf("token page 2 = %+v", l)
		}
		if l := decode[list[tokenDTO]](t, f.get("zhangwei", "/api/v1/me/tokens?offset=5")); l.Total != 2 || len(l.Items) != 0 {
			t.Errorf("token page past the end = %+v", l)
		}
		// Someone else cannot revoke it, and does not learn it exists.
		f.del("lina", fmt.Sprintf("/api/v1/me/tokens/%d", created.ID)).want(t, 404)
		f.del("zhangwei", fmt.Sprintf("/api/v1/me/tokens/%d", created.ID)).want(t, 204)
		f.get("zhangwei-new", "/api/v1/me").want(t, 401)
		f.del("zhangwei", fmt.Sprintf("/api/v1/me/tokens/%d", created.ID)).want(t, 404)
		f.get("zhangwei", "/api/v1/me").want(t, 200)

		wantField(t, f.call(request{method: http.MethodPost, path: "/api/v1/me/tokens", as: "zhangwei", body: map[string]any{"name": ""},
			header: map[string]string{"Accept-Language": "en"}}), 400, "name", "This field is required")
		wantField(t, f.post("zhangwei", "/api/v1/me/tokens", map[string]any{"name": strings.Repeat("名", 65)}), 400, "name", "不能超过 64 个字符")
		wantField(t, f.del("zhangwei", "/api/v1/me/tokens/x"), 400, "id", "")
	})
}

func TestMyEvents(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for i := range 4 {
			f.post("zhangwei", "/api/v1/journal", map[string]any{"title": fmt.Sprintf("日志 %d", i), "visibility": "public"}).want(t, 201)
		}
		all := decode[list[eventDTO]](t, f.get("zhangwei", "/api/v1/me/events?limit=100").want(t, 200))
		// registered, token_created, then four created entries.
		if all.Total != 6 || len(all.Items) != 6 {
			t.Fatalf("events: %d items, total %d", len(all.Items), all.Total)
		}
		if all.Items[0].Verb != "created" || all.Items[0].ObjectType != "journal_entry" || all.Items[5].Verb != "registered" {
			t.Errorf("events not newest first: %s … %s", all.Items[0].Verb, all.Items[5].Verb)
		}
		if !strings.Contains(string(all.Items[0].Context), "日志 3") {
			t.Errorf("event context = %s", all.Items[0].Context)
		}
		// Keyset paging walks the same list.
		var walked []int64
		before := int64(0)
		for {
			path := "/api/v1/me/events?limit=4"
			if before != 0 {
				path += fmt.Sprintf("&before=%d", before)
			}
			l := decode[list[eventDTO]](t, f.get("zhangwei", path).want(t, 200))
			if l.Total != 6 {
				t.Fatalf("total on a page = %d", l.Total)
			}
			if len(l.Items) == 0 {
				break
			}
			for _, e := range l.Items {
				walked = append(walked, e.ID)
			}
			before = l.Items[len(l.Items)-1].ID
		}
		if len(walked) != 6 || walked[0] != all.Items[0].ID || walked[5] != all.Items[5].ID {
			t.Errorf("walked %v", walked)
		}
		// Only the caller's own events.
		if l := decode[list[eventDTO]](t, f.get("lina", "/api/v1/me/events")); l.Total != 2 {
			t.Errorf("lina sees %d events", l.Total)
		}
		wantField(t, f.call(request{method: http.MethodGet, path: "/api/v1/me/events?offset=20", as: "zhangwei",
			header: map[string]string{"Accept-Language": "en"}}), 400, "offset", "The event list takes no offset; pass the last ID of the previous page as before")
		wantField(t, f.get("zhangwei", "/api/v1/me/events?before=abc"), 400, "before", "应为正整数编号")
		wantField(t, f.get("zhangwei", "/api/v1/me/events?limit=1000"), 400, "limit", "")
	})
}

package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestJournalLifecycle(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		draft := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal",
			map[string]any{"title": " 草稿 ", "body": "**还没写完**", "visibility": "public"}).want(t, 201))
		if draft.Status != "draft" || draft.PublishedAt != nil || draft.Title != "草稿" || draft.Author.Username != "zhangwei" ||
			!strings.Contains(draft.BodyHTML, "<strong>还没写完</strong>") || draft.SpaceID != f.teacher.PersonalSpaceID {
			t.Errorf("draft = %+v", draft)
		}
		path := fmt.Sprintf("/api/v1/journal/%d", draft.ID)
		f.get("zhangwei", path).want(t, 200)
		f.get("lina", path).want(t, 404) // drafts are the author's alone

		// Publishing through PATCH keeps the fields not sent.
		pub := decode[entryDTO](t, f.patch("zhangwei", path, map[string]any{"publish": true}).want(t, 200))
		if pub.Status != "published" || pub.PublishedAt == nil || pub.Title != "草稿" || pub.Visibility != "public" {
			t.Errorf("published = %+v", pub)
		}
		f.get("chenjing", path).want(t, 200)
		// publish:false does not unpublish.
		if e := decode[entryDTO](t, f.patch("zhangwei", path, map[string]any{"publish": false, "title": "定稿"}).want(t, 200)); e.Status != "published" || e.Title != "定稿" {
			t.Errorf("after publish:false = %+v", e)
		}

		// Someone who can read it may not change or delete it.
		if e := apiErr(t, f.patch("lina", path, map[string]any{"title": "改"}).want(t, 403)); e.Code != "forbidden" {
			t.Errorf("colleague PATCH: %+v", e)
		}
		f.del("chenjing", path).want(t, 403)
		// An entry someone cannot see is not found for them, whatever they try.
		private := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal", map[string]any{"title": "私", "visibility": "private"}).want(t, 201))
		for _, try := range []func(string, string) response{f.get, f.del} {
			try("lina", fmt.Sprintf("/api/v1/journal/%d", private.ID)).want(t, 404)
		}
		f.patch("lina", fmt.Sprintf("/api/v1/journal/%d", private.ID), map[string]any{"title": "x"}).want(t, 404)

		f.del("zhangwei", path).want(t, 204)
		f.get("zhangwei", path).want(t, 404)
		f.del("zhangwei", path).want(t, 404)
		f.patch("zhangwei", path, map[string]any{"title": "x"}).want(t, 404)
	})
}

func TestJournalVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ids := map[string]int64{}
		for _, vis := range []string{"public", "institution", "private"} {
			e := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal",
				map[string]any{"title": vis, "body": "内容", "visibility": vis, "publish": true}).want(t, 201))
			ids[vis] = e.ID
		}
		f.post("zhangwei", "/api/v1/journal", map[string]any{"title": "draft", "visibility": "public"}).want(t, 201)
		tests := []struct {
			as      string
			visible []string
		}{
			{"zhangwei", []string{"public", "institution", "private"}},
			{"lina", []string{"public", "institution"}},      // same school, in a group
			{"xiaozhang", []string{"public", "institution"}}, // the school's admin
			{"quadmin", []string{"public", "institution"}},   // the district's admin
			{"chenjing", []string{"public"}},                 // another district
		}
		for _, tt := range tests {
			for vis, id := range ids {
				want := 404
				if strings.Contains(strings.Join(tt.visible, " "), vis) {
					want = 200
				}
				if r := f.get(tt.as, fmt.Sprintf("/api/v1/journal/%d", id)); r.status != want {
					t.Errorf("%s reading a %s entry: %d, want %d", tt.as, vis, r.status, want)
				}
			}
			l := decode[list[entryDTO]](t, f.get(tt.as, "/api/v1/users/zhangwei/journal").want(t, 200))
			if l.Total != len(tt.visible) || len(l.Items) != len(tt.visible) {
				t.Errorf("%s lists %d entries (total %d), want %d", tt.as, len(l.Items), l.Total, len(tt.visible))
			}
			for _, e := range l.Items {
				if e.Status != "published" {
					t.Errorf("%s: listing shows a %s entry", tt.as, e.Status)
				}
			}
		}
		// Drafts: the author's own, nobody else's.
		if l := decode[list[entryDTO]](t, f.get("zhangwei", "/api/v1/users/zhangwei/journal?status=draft")); l.Total != 1 || l.Items[0].Title != "draft" {
			t.Errorf("own drafts: %+v", l)
		}
		if l := decode[list[entryDTO]](t, f.get("lina", "/api/v1/users/zhangwei/journal?status=draft")); l.Total != 0 || len(l.Items) != 0 {
			t.Errorf("someone else's drafts: %+v", l)
		}
		wantField(t, f.get("lina", "/api/v1/users/zhangwei/journal?status=secret"), 400, "status", "请从列表中选择")
		f.get("lina", "/api/v1/users/nobody/journal").want(t, 404)
		// Paging.
		l := decode[list[entryDTO]](t, f.get("zhangwei", "/api/v1/users/zhangwei/journal?limit=2&offset=2"))
		if l.Total != 3 || len(l.Items) != 1 {
			t.Errorf("page 2: %d items of %d", len(l.Items), l.Total)
		}
	})
}

func TestJournalFieldErrors(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			name, lang string
			body       any
			field      string
			text       string
		}{
			{"title required zh", "zh-CN", map[string]any{"title": "", "visibility": "public"}, "title", "此项为必填项"},
			{"title required en", "en", map[string]any{"visibility": "public"}, "title", "This field is required"},
			{"title too long", "en", map[string]any{"title": strings.Repeat("题", 121), "visibility": "public"}, "title", "Must be at most 120 characters"},
			{"visibility missing", "zh-CN", map[string]any{"title": "t"}, "visibility", "格式不正确"},
			{"visibility unknown", "en", map[string]any{"title": "t", "visibility": "friends"}, "visibility", "Invalid format"},
			{"publish without body", "en", map[string]any{"title": "t", "visibility": "public", "publish": true}, "body", "This field is required"},
			{"publish as string", "en", `{"title": "t", "visibility": "public", "publish": "yes"}`, "publish", "Must be true or false"},
			{"unknown field", "zh-CN", `{"title": "t", "visibility": "public", "tags": []}`, "tags", "不支持此字段"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := f.call(request{method: "POST", path: "/api/v1/journal", as: "zhangwei", body: tt.body,
					header: map[string]string{"Accept-Language": tt.lang}})
				wantField(t, r, 400, tt.field, tt.text)
			})
		}
		if l := decode[list[entryDTO]](t, f.get("zhangwei", "/api/v1/users/zhangwei/journal?status=draft")); l.Total != 0 {
			t.Errorf("rejected entries were written: %+v", l)
		}
		id := f.publicEntry(t)
		wantField(t, f.patch("zhangwei", fmt.Sprintf("/api/v1/journal/%d", id), map[string]any{"body": ""}), 400, "body", "此项为必填项")
		wantField(t, f.patch("zhangwei", fmt.Sprintf("/api/v1/journal/%d", id), `{"title": null, "visibility": 3}`), 400, "visibility", "应为字符串")
	})
}

func TestComments(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.publicEntry(t)
		path := fmt.Sprintf("/api/v1/journal/%d/comments", id)
		for i, who := range []string{"lina", "chenjing", "zhangwei"} {
			c := decode[commentDTO](t, f.post(who, path, map[string]any{"body": fmt.Sprintf("评论 %d", i)}).want(t, 201))
			if c.EntryID != id || c.Author.Username != who || !strings.Contains(c.BodyHTML, "评论") {
				t.Errorf("comment = %+v", c)
			}
		}
		l := decode[list[commentDTO]](t, f.get("chenjing", path).want(t, 200))
		if l.Total != 3 || len(l.Items) != 3 || l.Items[0].Author.Username != "lina" {
			t.Errorf("comments = %+v", l)
		}
		l = decode[list[commentDTO]](t, f.get("chenjing", path+"?limit=1&offset=2").want(t, 200))
		if l.Total != 3 || len(l.Items) != 1 || l.Items[0].Author.Username != "zhangwei" {
			t.Errorf("comment page = %+v", l)
		}
		if e := decode[entryDTO](t, f.get("lina", fmt.Sprintf("/api/v1/journal/%d", id))); e.CommentCount != 3 {
			t.Errorf("comment_count = %d", e.CommentCount)
		}
		wantField(t, f.call(request{method: "POST", path: path, as: "lina", body: map[string]any{"body": "  "},
			header: map[string]string{"Accept-Language": "en"}}), 400, "body", "This field is required")

		// A draft takes no comments; an unreadable entry is not found.
		draft := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal", map[string]any{"title": "d", "visibility": "public"}))
		if e := apiErr(t, f.post("zhangwei", fmt.Sprintf("/api/v1/journal/%d/comments", draft.ID), map[string]any{"body": "x"}).want(t, 409)); e.Code != "conflict" {
			t.Errorf("comment on draft: %+v", e)
		}
		f.post("lina", fmt.Sprintf("/api/v1/journal/%d/comments", draft.ID), map[string]any{"body": "x"}).want(t, 404)
		f.get("lina", fmt.Sprintf("/api/v1/journal/%d/comments", draft.ID)).want(t, 404)
		private := decode[entryDTO](t, f.post("zhangwei", "/api/v1/journal", map[string]any{"title": "p", "body": "b", "visibility": "private", "publish": true}))
		f.post("lina", fmt.Sprintf("/api/v1/journal/%d/comments", private.ID), map[string]any{"body": "x"}).want(t, 404)
		f.get("lina", "/api/v1/journal/424242/comments").want(t, 404)
	})
}

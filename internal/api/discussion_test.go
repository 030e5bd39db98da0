package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// openTopic has who open a topic in a community and returns it.
func (f *fixture) openTopic(t *testing.T, community int64, who, title string) topicDetailDTO {
	t.Helper()
	return decode[topicDetailDTO](t, f.post(who, fmt.Sprintf("/api/v1/communities/%d/topics", community),
		map[string]any{"title": title, "body": "如何设计**大单元**作业？"}).want(t, 201))
}

// replyTo has who answer a topic with the body's fields and returns the reply.
func (f *fixture) replyTo(t *testing.T, topic int64, who string, body map[string]any) replyDetailDTO {
	t.Helper()
	return decode[replyDetailDTO](t, f.post(who, fmt.Sprintf("/api/v1/topics/%d/replies", topic), body).want(t, 201))
}

// exerciseDiscussion makes one successful call of every discussion route,
// for TestEveryOperationAnswersAsDocumented.
func (f *fixture) exerciseDiscussion(t *testing.T) {
	t.Helper()
	c := f.newCommunity(t, nil)
	base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
	f.join(t, c.ID, "zhangwei", "lina")
	f.get("zhangwei", base+"/boards").want(t, 200) // the default board, not yet created
	b := decode[boardDTO](t, f.post("xiaozhang", base+"/boards", map[string]any{"name": "课例研讨", "description": "课例"}).want(t, 201))
	tp := f.openTopic(t, c.ID, "zhangwei", "大单元作业")
	topic := fmt.Sprintf("/api/v1/topics/%d", tp.ID)
	f.get("lina", fmt.Sprintf("%s/topics?board=%d&limit=5", base, tp.Board.ID)).want(t, 200)
	f.get("lina", topic).want(t, 200)
	f.patch("zhangwei", topic, map[string]any{"title": "大单元作业设计"}).want(t, 200)
	rp := f.replyTo(t, tp.ID, "lina", map[string]any{"body": "分层布置"})
	reply := fmt.Sprintf("/api/v1/replies/%d", rp.ID)
	f.replyTo(t, tp.ID, "zhangwei", map[string]any{"body": "同意", "parent_id": rp.ID, "quote_of": rp.ID})
	f.get("zhangwei", topic+"/replies?page=1").want(t, 200)
	f.get("zhangwei", reply).want(t, 200)
	f.patch("lina", reply, map[string]any{"body": "分层布置，按学情"}).want(t, 200)
	f.post("zhangwei", reply+"/like", nil).want(t, 200)
	f.del("zhangwei", reply+"/like").want(t, 200)
	f.post("xiaozhang", reply+"/expert-answer", nil).want(t, 200)
	f.del("xiaozhang", reply+"/expert-answer").want(t, 200)
	for _, sw := range []string{"/pin", "/lock"} {
		f.post("xiaozhang", topic+sw, map[string]any{}).want(t, 200)
		f.del("xiaozhang", topic+sw).want(t, 200)
	}
	f.post("xiaozhang", topic+"/move", map[string]any{"board_id": *b.ID}).want(t, 200)
	f.post("zhangwei", fmt.Sprintf("/api/v1/posts/reply/%d/reports", rp.ID), map[string]any{"reason": "off_topic"}).want(t, 204)
	f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/reply/%d/hide", rp.ID), nil).want(t, 204)
	f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/reply/%d/restore", rp.ID), nil).want(t, 204)
}

// discussionJunk are bodies aimed at the discussion's fields, one field or
// two per body, for TestNoInputProducesAServerError.
var discussionJunk = []string{`{"board_id": "x"}`, `{"board_id": -1}`, `{"board_id": 9223372036854775807}`, `{"board_id": null}`,
	`{"board_id": 1e400}`, `{"theme_id": -9223372036854775808}`, `{"theme_id": 9223372036854775807, "title": "t", "body": "b"}`,
	`{"parent_id": -1, "body": "x"}`, `{"parent_id": 9223372036854775807, "body": "x"}`, `{"quote_of": "1"}`,
	`{"quote_of": 9223372036854775807, "body": "x"}`, `{"title": null}`, `{"body": null}`, `{"title": "", "body": ""}`,
	`{"body": "@lina @` + strings.Repeat("a", 300) + ` @%00 @\u0000"}`, `{"title": "` + strings.Repeat("题", 121) + `"}`,
	`{"reason": "spam", "note": "\u0000"}`, `{"reason": "other"}`, `{"reason": ["spam"]}`, `{"reason": "` + strings.Repeat("x", 500) + `"}`,
	`{"name": "\u0000"}`, `{"name": "` + strings.Repeat("板", 41) + `"}`, `{"name": "板块", "description": 7}`,
	`{"body": "[x](javascript:alert(1)) <script>alert(1)</script>"}`}

// junkDiscussion adds a topic by zhangwei with a reply to the community of
// junkCommunity, where lina, who sends the junk, is the host; it returns
// the IDs by resource name and by path parameter.
func (f *fixture) junkDiscussion(t *testing.T, community string) map[string]string {
	t.Helper()
	var id int64
	fmt.Sscan(community, &id)
	tp := f.openTopic(t, id, "zhangwei", "杂项")
	rp := f.replyTo(t, tp.ID, "zhangwei", map[string]any{"body": "回复"})
	return map[string]string{"topics": fmt.Sprint(tp.ID), "replies": fmt.Sprint(rp.ID), "posts": fmt.Sprint(rp.ID), "{type}": "reply"}
}

func TestTopicsAndReplies(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, nil)
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		f.join(t, c.ID, "zhangwei", "lina")

		// Before the first topic, the default board is listed uncreated.
		bs := decode[list[boardDTO]](t, f.get("chenjing", base+"/boards").want(t, 200))
		if bs.Total != 1 || bs.Items[0].ID != nil || !bs.Items[0].Default || bs.Items[0].CreatedAt != nil {
			t.Fatalf("boards before the first topic = %+v", bs)
		}

		// Opening topics: members only, valid fields, the API's field names.
		f.post("chenjing", base+"/topics", map[string]any{"title": "t", "body": "b"}).want(t, 403) // reads, is no member
		other := f.newCommunity(t, map[string]any{"name": "另一个工作坊"})
		otherBoard := decode[boardDTO](t, f.post("xiaozhang", fmt.Sprintf("/api/v1/communities/%d/boards", other.ID), map[string]any{"name": "别处"}).want(t, 201))
		p := f.propose(t, c.ID, "zhangwei", "未采纳的主题")
		bad := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no title", map[string]any{"body": "b"}, "title"},
			{"no body", map[string]any{"title": "t"}, "body"},
			{"title too long", map[string]any{"title": strings.Repeat("题", 121), "body": "b"}, "title"},
			{"foreign board", map[string]any{"title": "t", "body": "b", "board_id": *otherBoard.ID}, "board_id"},
			{"negative board", map[string]any{"title": "t", "body": "b", "board_id": -3}, "board_id"},
			{"theme not adopted", map[string]any{"title": "t", "body": "b", "theme_id": p}, "theme_id"},
			{"unknown field", map[string]any{"title": "t", "body": "b", "files": []string{"a.png"}}, "files"},
		}
		for _, tt := range bad {
			r := f.post("zhangwei", base+"/topics", tt.body)
			t.Run(tt.name, func(t *testing.T) { wantField(t, r, 400, tt.field, "") })
		}
		tp := f.openTopic(t, c.ID, "zhangwei", " 大单元作业怎么布置 ")
		if tp.Title != "大单元作业怎么布置" || !strings.Contains(tp.BodyHTML, "<strong>大单元</strong>") || tp.Body != "如何设计**大单元**作业？" ||
			tp.Author.Username != "zhangwei" || tp.CommunityID != c.ID || !tp.Board.Default || tp.Theme != nil || tp.LastReplyBy != nil ||
			tp.Replies.Total != 0 || len(tp.Replies.Items) != 0 || tp.ReplyPages != 1 || tp.RepliesPerPage != 50 {
			t.Errorf("topic = %+v", tp)
		}
		if v := tp.Viewer; !v.CanReply || !v.CanEdit || v.CanMarkExpert || v.Lead {
			t.Errorf("author's viewer = %+v", v)
		}
		topic := fmt.Sprintf("/api/v1/topics/%d", tp.ID)
		if v := decode[topicDetailDTO](t, f.get("chenjing", topic).want(t, 200)).Viewer; v.CanReply || v.CanEdit || v.Lead {
			t.Errorf("outsider's viewer = %+v", v)
		}

		// Replies, threaded and quoting, with the API's field names.
		first := f.replyTo(t, tp.ID, "lina", map[string]any{"body": "先做**学情分析**"})
		if first.Floor != 1 || first.Page != 1 || first.Depth != 0 || first.ParentID != nil || first.Body != "先做**学情分析**" ||
			!strings.Contains(first.BodyHTML, "<strong>学情分析</strong>") || first.Liked || first.LikeCount != 0 {
			t.Errorf("first reply = %+v", first)
		}
		answer := f.replyTo(t, tp.ID, "zhangwei", map[string]any{"body": "同意 @lina", "parent_id": first.ID, "quote_of": first.ID})
		if answer.Floor != 2 || answer.Depth != 1 || answer.ParentID == nil || *answer.ParentID != first.ID || answer.ParentAuthor == nil ||
			*answer.ParentAuthor != "李娜" || answer.QuoteOf == nil || !strings.Contains(answer.QuoteExcerpt, "学情分析") {
			t.Errorf("threaded reply = %+v", answer)
		}
		elsewhere := f.openTopic(t, c.ID, "lina", "另一个话题")
		wantField(t, f.post("lina", fmt.Sprintf("/api/v1/topics/%d/replies", elsewhere.ID), map[string]any{"body": "x", "parent_id": first.ID}), 400, "parent_id", "")
		wantField(t, f.post("lina", fmt.Sprintf("/api/v1/topics/%d/replies", elsewhere.ID), map[string]any{"body": "x", "quote_of": -1}), 400, "quote_of", "")
		wantField(t, f.post("lina", topic+"/replies", map[string]any{"body": "  "}), 400, "body", "此项为必填项")
		f.post("chenjing", topic+"/replies", map[string]any{"body": "路过"}).want(t, 403)
		f.post("lina", "/api/v1/topics/424242/replies", map[string]any{"body": "x"}).want(t, 404)
		f.get("lina", "/api/v1/replies/424242").want(t, 404)

		// Likes: once per person, not one's own, members only.
		reply := fmt.Sprintf("/api/v1/replies/%d", first.ID)
		for range 2 {
			if r := decode[replyDetailDTO](t, f.post("zhangwei", reply+"/like", nil).want(t, 200)); r.LikeCount != 1 || !r.Liked {
				t.Errorf("liked = %+v", r)
			}
		}
		if e := apiErr(t, f.post("lina", reply+"/like", nil).want(t, 403)); e.Message != "不能给自己的回复点赞。" {
			t.Errorf("liking one's own reply: %+v", e)
		}
		f.post("chenjing", reply+"/like", nil).want(t, 403)
		if r := decode[replyDetailDTO](t, f.get("lina", reply).want(t, 200)); r.LikeCount != 1 || r.Liked {
			t.Errorf("seen by its author = %+v", r)
		}
		for range 2 {
			if r := decode[replyDetailDTO](t, f.del("zhangwei", reply+"/like").want(t, 200)); r.LikeCount != 0 || r.Liked {
				t.Errorf("unliked = %+v", r)
			}
		}
		f.post("zhangwei", reply+"/like", nil).want(t, 200)

		// Expert answers: experts and hosts only.
		f.post("zhangwei", reply+"/expert-answer", nil).want(t, 403)
		if r := decode[replyDetailDTO](t, f.post("xiaozhang", reply+"/expert-answer", nil).want(t, 200)); !r.ExpertAnswer {
			t.Errorf("marked = %+v", r)
		}
		if r := decode[replyDetailDTO](t, f.del("xiaozhang", reply+"/expert-answer").want(t, 200)); r.ExpertAnswer {
			t.Errorf("unmarked = %+v", r)
		}

		// Edits: the author or a lead; absent fields keep their text.
		f.patch("zhangwei", reply, map[string]any{"body": "改"}).want(t, 403)
		wantField(t, f.patch("lina", reply, map[string]any{"title": "回复没有标题"}), 400, "title", "不支持此字段")
		ed := decode[replyDetailDTO](t, f.patch("lina", reply, map[string]any{"body": "先做学情分析，再分层"}).want(t, 200))
		if ed.Body != "先做学情分析，再分层" || ed.EditedAt == nil || ed.LikeCount != 1 {
			t.Errorf("edited reply = %+v", ed)
		}
		f.patch("lina", topic, map[string]any{"title": "x"}).want(t, 403)
		et := decode[topicDetailDTO](t, f.patch("zhangwei", topic, map[string]any{"title": "作业分层"}).want(t, 200))
		if et.Title != "作业分层" || et.Body != "如何设计**大单元**作业？" || et.EditedAt == nil {
			t.Errorf("edited topic = %+v", et)
		}
		wantField(t, f.patch("zhangwei", topic, map[string]any{"title": " "}), 400, "title", "")

		// The topic page: first page of replies, laid out as threads.
		d := decode[topicDetailDTO](t, f.get("chenjing", topic).want(t, 200))
		if d.ReplyCount != 2 || d.Replies.Total != 2 || len(d.Replies.Items) != 2 || d.LastReplyBy == nil || d.LastReplyBy.DisplayName != "张伟" {
			t.Fatalf("topic page = %+v", d)
		}
		if r := d.Replies.Items[1]; r.ID != answer.ID || !r.ParentOnPage || r.Indent != 1 || r.Floor != 2 {
			t.Errorf("threaded on the page = %+v", r)
		}
	})
}

func TestReplyPagesAndTopicLists(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.newCommunity(t, nil)
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		f.join(t, c.ID, "zhangwei", "lina")
		long := f.openTopic(t, c.ID, "zhangwei", "长话题")
		for i := range discussion.PageSize + 3 {
			if _, err := f.svc.Reply(ctx, f.colleague, long.ID, discussion.ReplyInput{Body: fmt.Sprintf("第 %d 楼", i+1)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		replies := fmt.Sprintf("/api/v1/topics/%d/replies", long.ID)
		d := decode[topicDetailDTO](t, f.get("chenjing", fmt.Sprintf("/api/v1/topics/%d", long.ID)).want(t, 200))
		if d.ReplyPages != 2 || len(d.Replies.Items) != discussion.PageSize || d.Replies.Total != discussion.PageSize+3 {
			t.Errorf("first page: %d pages, %d items of %d", d.ReplyPages, len(d.Replies.Items), d.Replies.Total)
		}
		p2 := decode[list[replyDTO]](t, f.get("chenjing", replies+"?page=2").want(t, 200))
		if p2.Total != discussion.PageSize+3 || len(p2.Items) != 3 || p2.Items[0].Floor != discussion.PageSize+1 || !strings.Contains(p2.Items[2].BodyHTML, "第 53 楼") {
			t.Errorf("page 2 = %+v", p2)
		}
		if p3 := decode[list[replyDTO]](t, f.get("chenjing", replies+"?page=3").want(t, 200)); len(p3.Items) != 0 || p3.Total != discussion.PageSize+3 {
			t.Errorf("page past the last = %+v", p3)
		}
		last := p2.Items[2]
		if r := decode[replyDetailDTO](t, f.get("chenjing", fmt.Sprintf("/api/v1/replies/%d", last.ID)).want(t, 200)); r.Page != 2 || r.Floor != discussion.PageSize+3 || r.Body != "第 53 楼" {
			t.Errorf("reply on page 2 = %+v", r)
		}
		wantField(t, f.get("chenjing", replies+"?page=0"), 400, "page", "")
		r := f.call(request{method: http.MethodGet, path: replies + "?limit=10", as: "chenjing", header: map[string]string{"Accept-Language": "en"}})
		wantField(t, r, 400, "limit", "Replies come in fixed pages and take no limit or offset: pass the page number as page")

		// Lists: pinned first, then by latest activity; by board; hidden for leads.
		quiet := f.openTopic(t, c.ID, "lina", "安静的话题")
		order := func(query string) []int64 {
			t.Helper()
			l := decode[list[topicDTO]](t, f.get("chenjing", base+"/topics"+query).want(t, 200))
			var ids []int64
			for _, tp := range l.Items {
				ids = append(ids, tp.ID)
			}
			return ids
		}
		if got := order(""); fmt.Sprint(got) != fmt.Sprint([]int64{quiet.ID, long.ID}) {
			t.Errorf("by activity: %v", got)
		}
		f.post("zhangwei", fmt.Sprintf("/api/v1/topics/%d/pin", long.ID), nil).want(t, 403)
		if pinned := decode[topicDetailDTO](t, f.post("xiaozhang", fmt.Sprintf("/api/v1/topics/%d/pin", long.ID), nil).want(t, 200)); !pinned.Pinned {
			t.Errorf("pinned = %+v", pinned.topicDTO)
		}
		if got := order(""); fmt.Sprint(got) != fmt.Sprint([]int64{long.ID, quiet.ID}) {
			t.Errorf("pinned first: %v", got)
		}
		if got := order("?limit=1&offset=1"); fmt.Sprint(got) != fmt.Sprint([]int64{quiet.ID}) {
			t.Errorf("second page: %v", got)
		}
		f.post("lina", base+"/boards", map[string]any{"name": "课例"}).want(t, 403)
		wantField(t, f.post("xiaozhang", base+"/boards", map[string]any{"name": ""}), 400, "name", "")
		b := decode[boardDTO](t, f.post("xiaozhang", base+"/boards", map[string]any{"name": "课例", "description": "课例研讨"}).want(t, 201))
		f.post("xiaozhang", base+"/boards", map[string]any{"name": "课例"}).want(t, 409)
		move := fmt.Sprintf("/api/v1/topics/%d/move", quiet.ID)
		f.post("lina", move, map[string]any{"board_id": *b.ID}).want(t, 403)
		wantField(t, f.post("xiaozhang", move, map[string]any{}), 400, "board_id", "此项为必填项")
		wantField(t, f.post("xiaozhang", move, map[string]any{"board_id": 0}), 400, "board_id", "应为正整数编号")
		wantField(t, f.post("xiaozhang", move, map[string]any{"board_id": 424242}), 400, "board_id", "请从列表中选择")
		if moved := decode[topicDetailDTO](t, f.post("xiaozhang", move, map[string]any{"board_id": *b.ID}).want(t, 200)); moved.Board.ID != *b.ID || moved.Board.Name != "课例" || moved.Board.Default {
			t.Errorf("moved = %+v", moved.Board)
		}
		if got := order(fmt.Sprintf("?board=%d", *b.ID)); fmt.Sprint(got) != fmt.Sprint([]int64{quiet.ID}) {
			t.Errorf("by board: %v", got)
		}
		other := f.newCommunity(t, map[string]any{"name": "别处"})
		ob := decode[boardDTO](t, f.post("xiaozhang", fmt.Sprintf("/api/v1/communities/%d/boards", other.ID), map[string]any{"name": "别处的板块"}).want(t, 201))
		wantField(t, f.get("chenjing", fmt.Sprintf("%s/topics?board=%d", base, *ob.ID)), 400, "board", "")
		wantField(t, f.get("chenjing", base+"/topics?hidden=yes"), 400, "hidden", "应为 true 或 false")
		f.get("zhangwei", base+"/topics?hidden=true").want(t, 403)
		if bs := decode[list[boardDTO]](t, f.get("chenjing", base+"/boards").want(t, 200)); bs.Total != 2 || !bs.Items[0].Default || bs.Items[0].ID == nil || bs.Items[1].Name != "课例" {
			t.Errorf("boards = %+v", bs)
		}
	})
}

func TestLockedTopicAndModeration(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, nil)
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		f.join(t, c.ID, "zhangwei", "lina")
		tp := f.openTopic(t, c.ID, "zhangwei", "可锁定的话题")
		topic := fmt.Sprintf("/api/v1/topics/%d", tp.ID)
		rp := f.replyTo(t, tp.ID, "lina", map[string]any{"body": "第一条回复"})
		reply := fmt.Sprintf("/api/v1/replies/%d", rp.ID)

		// Locked: members neither reply nor edit; leads still reply.
		f.post("zhangwei", topic+"/lock", nil).want(t, 403)
		if l := decode[topicDetailDTO](t, f.post("xiaozhang", topic+"/lock", nil).want(t, 200)); !l.Locked || l.Viewer.CanReply != true {
			t.Errorf("locked, as its lead sees it = %+v", l)
		}
		if v := decode[topicDetailDTO](t, f.get("lina", topic).want(t, 200)).Viewer; v.CanReply {
			t.Errorf("a member may reply to a locked topic: %+v", v)
		}
		r := f.call(request{method: http.MethodPost, path: topic + "/replies", as: "lina", body: map[string]any{"body": "还想说"},
			header: map[string]string{"Accept-Language": "en"}}).want(t, 409)
		if e := apiErr(t, r); e.Code != "conflict" || e.Message != "This topic is locked: no more replies or edits." {
			t.Errorf("reply to a locked topic: %+v", e)
		}
		f.patch("lina", reply, map[string]any{"body": "改"}).want(t, 409)
		f.patch("zhangwei", topic, map[string]any{"title": "改"}).want(t, 409)
		f.replyTo(t, tp.ID, "xiaozhang", map[string]any{"body": "已锁定，请移步新话题"})
		f.del("xiaozhang", topic+"/lock").want(t, 200)
		f.replyTo(t, tp.ID, "lina", map[string]any{"body": "好的"})

		// Hiding a reply: its text is gone for all but the leads.
		f.post("zhangwei", fmt.Sprintf("/api/v1/posts/reply/%d/hide", rp.ID), nil).want(t, 403)
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/comment/%d/hide", rp.ID), nil).want(t, 404)
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/reply/%d/hide", rp.ID), nil).want(t, 204)
		if h := decode[replyDetailDTO](t, f.get("chenjing", reply).want(t, 200)); !h.Hidden || h.Body != "" || h.BodyHTML != "" {
			t.Errorf("hidden reply, as a reader sees it = %+v", h)
		}
		if h := decode[replyDetailDTO](t, f.get("xiaozhang", reply).want(t, 200)); !h.Hidden || h.Body != "第一条回复" {
			t.Errorf("hidden reply, as a lead sees it = %+v", h)
		}
		if page := decode[topicDetailDTO](t, f.get("zhangwei", topic).want(t, 200)); page.Replies.Items[0].BodyHTML != "" || !page.Replies.Items[0].Hidden {
			t.Errorf("hidden reply on the page = %+v", page.Replies.Items[0])
		}
		f.post("zhangwei", reply+"/like", nil).want(t, 409)
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/reply/%d/restore", rp.ID), nil).want(t, 204)
		if h := decode[replyDetailDTO](t, f.get("chenjing", reply).want(t, 200)); h.Hidden || h.Body != "第一条回复" {
			t.Errorf("restored reply = %+v", h)
		}

		// Hiding a topic: unlisted, and empty, for all but the leads.
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/topic/%d/hide", tp.ID), map[string]any{}).want(t, 204)
		if h := decode[topicDetailDTO](t, f.get("chenjing", topic).want(t, 200)); !h.Hidden || h.Title != "" || h.Body != "" || h.Replies.Total != 0 || len(h.Replies.Items) != 0 {
			t.Errorf("hidden topic, as a reader sees it = %+v", h)
		}
		if l := decode[list[topicDTO]](t, f.get("chenjing", base+"/topics").want(t, 200)); l.Total != 0 {
			t.Errorf("hidden topic listed: %+v", l)
		}
		if l := decode[list[topicDTO]](t, f.get("xiaozhang", base+"/topics?hidden=true").want(t, 200)); l.Total != 1 || l.Items[0].Title != "可锁定的话题" {
			t.Errorf("hidden topics for the lead: %+v", l)
		}
		f.post("lina", topic+"/replies", map[string]any{"body": "x"}).want(t, 409)
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/topic/%d/restore", tp.ID), nil).want(t, 204)

		// Reports: any reader, once while open, with a valid reason.
		reports := fmt.Sprintf("/api/v1/posts/reply/%d/reports", rp.ID)
		wantField(t, f.post("chenjing", reports, map[string]any{"reason": "boring"}), 400, "reason", "请从列表中选择")
		wantField(t, f.post("chenjing", reports, map[string]any{"reason": "other"}), 400, "note", "此项为必填项")
		f.post("chenjing", reports, map[string]any{"reason": "other", "note": "与研修无关"}).want(t, 204)
		if e := apiErr(t, f.post("chenjing", reports, map[string]any{"reason": "spam"}).want(t, 409)); e.Message != "您已经举报过这条内容，正在等待处理。" {
			t.Errorf("second report: %+v", e)
		}
		f.post("chenjing", fmt.Sprintf("/api/v1/posts/topic/%d/reports", tp.ID), map[string]any{"reason": "spam"}).want(t, 204)
		f.post("chenjing", "/api/v1/posts/reply/424242/reports", map[string]any{"reason": "spam"}).want(t, 404)
		// Hiding answers the open reports; a hidden post takes no more.
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/reply/%d/hide", rp.ID), nil).want(t, 204)
		f.post("zhangwei", reports, map[string]any{"reason": "spam"}).want(t, 409)
	})
}

func TestDiscussionOfAPrivateCommunityIsNotFound(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, map[string]any{"visibility": "private", "join_policy": "invite"})
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		tp := f.openTopic(t, c.ID, "xiaozhang", "内部讨论")
		rp := f.replyTo(t, tp.ID, "xiaozhang", map[string]any{"body": "仅成员可见"})
		topic, reply := fmt.Sprintf("/api/v1/topics/%d", tp.ID), fmt.Sprintf("/api/v1/replies/%d", rp.ID)
		// lina teaches at the owning school but is no member; chenjing is elsewhere.
		for _, who := range []string{"lina", "chenjing"} {
			for _, path := range []string{base + "/boards", base + "/topics", topic, topic + "/replies", reply} {
				if e := apiErr(t, f.get(who, path).want(t, 404)); e.Code != "not_found" {
					t.Errorf("%s GET %s: %+v", who, path, e)
				}
			}
			f.post(who, base+"/topics", map[string]any{"title": "t", "body": "b"}).want(t, 404)
			f.post(who, topic+"/replies", map[string]any{"body": "x"}).want(t, 404)
			f.patch(who, reply, map[string]any{"body": "x"}).want(t, 404)
			f.post(who, reply+"/like", nil).want(t, 404)
			f.post(who, fmt.Sprintf("/api/v1/posts/topic/%d/reports", tp.ID), map[string]any{"reason": "spam"}).want(t, 404)
			f.post(who, fmt.Sprintf("/api/v1/posts/reply/%d/hide", rp.ID), nil).want(t, 404)
		}
		if d := decode[topicDetailDTO](t, f.get("xiaozhang", topic).want(t, 200)); d.Replies.Total != 1 {
			t.Errorf("the host's view = %+v", d)
		}
	})
}

func TestArchivedDiscussionRefusesWrites(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, nil)
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		f.join(t, c.ID, "zhangwei", "lina")
		tp := f.openTopic(t, c.ID, "zhangwei", "归档前的话题")
		rp := f.replyTo(t, tp.ID, "lina", map[string]any{"body": "归档前的回复"})
		topic, reply := fmt.Sprintf("/api/v1/topics/%d", tp.ID), fmt.Sprintf("/api/v1/replies/%d", rp.ID)
		f.post("xiaozhang", base+"/status", map[string]any{"status": "archived"}).want(t, 200)

		conflicts := []struct {
			as, method, path string
			body             any
		}{
			{"zhangwei", "POST", base + "/topics", map[string]any{"title": "t", "body": "b"}},
			{"lina", "POST", topic + "/replies", map[string]any{"body": "x"}},
			{"xiaozhang", "POST", topic + "/replies", map[string]any{"body": "x"}},
			{"zhangwei", "PATCH", topic, map[string]any{"title": "x"}},
			{"lina", "PATCH", reply, map[string]any{"body": "x"}},
			{"zhangwei", "POST", reply + "/like", nil},
			{"xiaozhang", "POST", reply + "/expert-answer", nil},
			{"xiaozhang", "POST", topic + "/pin", nil},
			{"xiaozhang", "DELETE", topic + "/lock", nil},
			{"xiaozhang", "POST", base + "/boards", map[string]any{"name": "新板块"}},
		}
		for _, tt := range conflicts {
			r := f.call(request{method: tt.method, path: tt.path, as: tt.as, body: tt.body})
			if r.status != 409 || !strings.Contains(apiErr(t, r).Message, "归档") {
				t.Errorf("%s %s %s in an archived community: %d %s", tt.as, tt.method, tt.path, r.status, r.body)
			}
		}
		// Still read, and still moderated.
		f.get("chenjing", topic).want(t, 200)
		f.get("chenjing", base+"/topics").want(t, 200)
		f.post("xiaozhang", fmt.Sprintf("/api/v1/posts/reply/%d/hide", rp.ID), nil).want(t, 204)
	})
}

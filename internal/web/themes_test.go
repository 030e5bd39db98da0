package web_test

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestThemeNegotiationPages(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) { themePages(t, e) })
	}
}

func themePages(t *testing.T, e testkit.Engine) {
	w := newCommunityWorld(t, e)
	base := w.srv.URL
	ctx := context.Background()
	svc := w.srv.App.Service
	anon := w.client(t, nil)
	host, teacher, colleague, stranger := w.as(t, w.host), w.as(t, w.teacher), w.as(t, w.colleague), w.as(t, w.stranger)
	c := w.createCommunity(t, host, w.district.ID, "跨校作业设计共同体", "open", "public")
	for _, u := range []user{teacher, colleague} {
		if code, body, _ := u.post(t, base, c+"/join", nil); code != http.StatusSeeOther {
			t.Fatalf("join: %d %s", code, body)
		}
	}

	// Proposing: members only; a refused proposal keeps what was typed.
	code, body, _ := stranger.post(t, base, c+"/proposals", url.Values{"title": {"x"}, "problem": {"y"}})
	wantStatus(t, "non-member proposes", code, http.StatusForbidden, body, "只有共同体成员")
	code, body, _ = teacher.post(t, base, c+"/proposals", url.Values{"title": {""}, "problem": {""}, "rationale": {"保留的理由"}})
	wantStatus(t, "empty proposal", code, http.StatusUnprocessableEntity, body, "此项为必填项", "保留的理由")
	var ids []string
	for _, title := range []string{"作业分层设计", "课堂提问的有效性", "单元整体教学"} {
		code, body, loc := teacher.post(t, base, c+"/proposals", url.Values{"title": {title}, "problem": {title + "：学生差异大\n同一份作业"},
			"rationale": {"减负增效"}, "plan": {"每人设计一份分层作业"}})
		wantStatus(t, "propose "+title, code, http.StatusSeeOther, body)
		if loc != c+"/themes" {
			t.Fatalf("propose redirects to %q", loc)
		}
	}
	ps, err := svc.Proposals(ctx, w.host, idOf(c))
	if err != nil || len(ps) != 3 {
		t.Fatalf("proposals: %v %v", ps, err)
	}
	slices.SortFunc(ps, func(a, b *community.Proposal) int { return cmp.Compare(a.ID, b.ID) })
	for _, p := range ps {
		ids = append(ids, itoa(p.ID))
	}
	prop := "/proposals/" + ids[0]
	code, body, loc := colleague.post(t, base, prop+"/comments", url.Values{"body": {"**同意**，我们学校也有这个问题 <script>x</script>"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, prop) {
		t.Fatalf("comment: %d %s %s", code, loc, body)
	}
	code, body, _ = colleague.post(t, base, prop+"/comments", url.Values{"body": {""}})
	wantStatus(t, "empty comment", code, http.StatusUnprocessableEntity, body, `class="field-error"`)
	code, body, _ = stranger.post(t, base, prop+"/comments", url.Values{"body": {"路过"}})
	wantStatus(t, "non-member comments", code, http.StatusForbidden, body)

	// Opening a round: hosts only, with at least two proposals and a future deadline.
	closes := w.clock.now().Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	round := func(title, budget, closesAt string, secret bool, pids ...string) url.Values {
		v := url.Values{"title": {title}, "budget": {budget}, "closes_at": {closesAt}, "proposals": pids}
		if secret {
			v.Set("secret", "1")
		}
		return v
	}
	code, body, _ = teacher.post(t, base, c+"/rounds", round("第一轮", "1", closes, false, ids...))
	wantStatus(t, "member opens a round", code, http.StatusForbidden, body)
	code, body, _ = host.post(t, base, c+"/rounds", round("第一轮", "abc", "yesterday", false, ids[0]))
	wantStatus(t, "bad round", code, http.StatusUnprocessableEntity, body, "请输入数字", "格式不正确", "第一轮")
	code, body, _ = host.post(t, base, c+"/rounds", round("第一轮", "1", "2020-01-01T08:00", false, ids...))
	wantStatus(t, "deadline past", code, http.StatusUnprocessableEntity, body, "截止时间必须晚于现在")
	code, body, _ = host.post(t, base, c+"/rounds", round("第一轮", "1", closes, false, ids[0], ids[1]))
	wantStatus(t, "open named round", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, c+"/rounds", round("无记名轮", "2", closes, true, ids...))
	wantStatus(t, "open secret round", code, http.StatusSeeOther, body)
	rounds, err := svc.Rounds(ctx, w.host, idOf(c))
	if err != nil || len(rounds) != 2 {
		t.Fatalf("rounds: %v %v", rounds, err)
	}
	secretID, namedID := itoa(rounds[0].Round.ID), itoa(rounds[1].Round.ID)

	checkPages(t, base, []pageCase{
		{"ballot", teacher.c, c + "/themes", 200, []string{"第一轮", "请选择支持的主题，最多 1 项", "无记名投票", `name="approve"`, "投票截止后公布结果"}, nil},
		{"non-member sees no ballot", stranger.c, c + "/themes", 200, []string{"只有共同体成员可以投票"}, []string{`name="approve"`, `id="propose"`}},
		{"member has no host forms", teacher.c, c + "/themes", 200, []string{`id="propose"`}, []string{`id="open-round"`, `id="decide"`}},
		{"host forms", host.c, c + "/themes", 200, []string{`id="open-round"`, `id="decide"`, `type="datetime-local"`}, nil},
		{"proposal page", anon, prop, 200, []string{"作业分层设计", "学生差异大", "减负增效", "<strong>同意</strong>"}, []string{"<script>x"}},
		{"author may withdraw", teacher.c, prop, 200, []string{"撤回提议"}, nil},
		{"others may not", colleague.c, prop, 200, []string{`name="body"`}, []string{"撤回提议"}},
		{"junk proposal", anon, "/proposals/abc", 404, nil, nil},
		{"unknown proposal", anon, "/proposals/999999", 404, nil, nil},
	})

	// Voting: over budget, junk, twice, non-member, then after the deadline.
	vote := func(u user, rid string, pids ...string) (int, string) {
		code, body, _ := u.post(t, base, c+"/rounds/"+rid+"/vote", url.Values{"approve": pids})
		return code, body
	}
	code, body = vote(teacher, namedID, ids[0], ids[1])
	wantStatus(t, "over budget", code, http.StatusUnprocessableEntity, body, "每人最多可选 1 项")
	code, body = vote(teacher, namedID)
	wantStatus(t, "empty ballot", code, http.StatusUnprocessableEntity, body, "请至少选择一项")
	code, body = vote(teacher, namedID, "abc")
	wantStatus(t, "junk ballot", code, http.StatusUnprocessableEntity, body)
	code, body = vote(teacher, namedID, ids[2])
	wantStatus(t, "proposal not on the ballot", code, http.StatusUnprocessableEntity, body, "不在本轮候选范围内")
	code, body = vote(teacher, namedID, ids[0])
	wantStatus(t, "vote", code, http.StatusSeeOther, body)
	code, body = vote(teacher, namedID, ids[1])
	wantStatus(t, "vote twice", code, http.StatusConflict, body, "您已经在本轮投过票了")
	code, body = vote(stranger, namedID, ids[0])
	wantStatus(t, "non-member votes", code, http.StatusForbidden, body)
	code, body = vote(colleague, namedID, ids[0])
	wantStatus(t, "colleague votes", code, http.StatusSeeOther, body)
	code, body = vote(colleague, secretID, ids[0], ids[2])
	wantStatus(t, "secret vote", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{{"voted notice", teacher.c, c + "/themes", 200, []string{"您已经投过票了"}, []string{"李娜、张伟"}}})

	w.clock.advance(2 * time.Hour)
	code, body = vote(host, namedID, ids[1])
	wantStatus(t, "vote after the deadline", code, http.StatusConflict, body, "本轮投票已截止")
	checkPages(t, base, []pageCase{
		{"named results with voters", anon, c + "/themes", 200, []string{"已截止", "2 票", `<meter min="0" max="2" value="2"`, "李娜、张伟"}, nil},
	})
	_, body = get(t, anon, base+c+"/themes")
	secretPart := body[strings.Index(body, `id="round-`+secretID+`"`):strings.Index(body, `id="round-`+namedID+`"`)]
	if strings.Contains(secretPart, "李娜") || !strings.Contains(secretPart, "1 票") {
		t.Errorf("secret round results:\n%s", secretPart)
	}

	// Deciding: hosts only; adopted themes show on the home page with the note.
	code, body, _ = teacher.post(t, base, c+"/decisions", url.Values{"decision": {"adopt"}, "proposals": {ids[0]}})
	wantStatus(t, "member adopts", code, http.StatusForbidden, body, "没有权限")
	code, body, _ = host.post(t, base, c+"/decisions", url.Values{"decision": {"adopt"}, "note": {"保留的说明"}})
	wantStatus(t, "adopt nothing", code, http.StatusUnprocessableEntity, body, "请至少选择一项", "保留的说明")
	code, body, _ = host.post(t, base, c+"/decisions", url.Values{"decision": {"adopt"}, "proposals": {ids[0]}, "note": {"票数最高，本学期围绕作业设计开展活动"}})
	wantStatus(t, "adopt", code, http.StatusSeeOther, body)
	code, body, _ = host.post(t, base, c+"/decisions", url.Values{"decision": {"decline"}, "proposals": {ids[0]}})
	wantStatus(t, "decide twice", code, http.StatusConflict, body, "该主题已有决定")
	code, body, _ = host.post(t, base, c+"/decisions", url.Values{"decision": {"decline"}, "proposals": {ids[1]}, "note": {"下学期再议"}})
	wantStatus(t, "decline", code, http.StatusSeeOther, body)
	code, body, _ = teacher.post(t, base, "/proposals/"+ids[2]+"/withdraw", nil)
	wantStatus(t, "withdraw", code, http.StatusSeeOther, body)
	code, body, _ = teacher.post(t, base, "/proposals/"+ids[2]+"/withdraw", nil)
	wantStatus(t, "withdraw twice", code, http.StatusConflict, body)
	checkPages(t, base, []pageCase{
		{"home shows the current theme", anon, c, 200, []string{"当前研修主题", "作业分层设计", "票数最高，本学期围绕作业设计开展活动"}, []string{"课堂提问的有效性"}},
		{"themes grouped by status", anon, c + "/themes", 200, []string{"已确定", "未采纳", "已撤回", "下学期再议"}, nil},
	})

	// Archived: read-only for everyone, forms hidden, writes refused.
	code, body, _ = host.post(t, base, c+"/status", url.Values{"status": {"archived"}})
	wantStatus(t, "archive", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{
		{"archived home", teacher.c, c, 200, []string{"已归档", `id="read-only"`}, []string{"退出共同体", `id="invite"`}},
		{"archived home for host", host.c, c, 200, []string{"重新开放"}, []string{`id="invite"`, `href="` + c + `/edit"`}},
		{"archived themes", teacher.c, c + "/themes", 200, []string{`id="read-only"`}, []string{`id="propose"`}},
		{"archived themes for host", host.c, c + "/themes", 200, nil, []string{`id="open-round"`, `id="decide"`}},
		{"archived proposal", teacher.c, prop, 200, []string{"已归档"}, []string{`name="body"`}},
		{"archived edit form", host.c, c + "/edit", 409, nil, nil},
	})
	for _, tc := range []struct {
		u    user
		path string
		form url.Values
	}{
		{teacher, c + "/proposals", url.Values{"title": {"x"}, "problem": {"y"}}},
		{colleague, prop + "/comments", url.Values{"body": {"x"}}},
		{host, c + "/rounds", round("再来一轮", "1", closes, false, ids...)},
		{host, c + "/decisions", url.Values{"decision": {"adopt"}, "proposals": {ids[1]}}},
		{host, c + "/invitations", url.Values{"usernames": {"stranger"}, "role": {"member"}}},
		{host, c + "/invite-links", url.Values{"days": {"7"}}},
		{stranger, c + "/join", nil},
		{teacher, c + "/leave", nil},
		{host, c, url.Values{"name": {"改名"}, "join_policy": {"open"}, "visibility": {"public"}}},
	} {
		code, body, _ := tc.u.post(t, base, tc.path, tc.form)
		if code != http.StatusConflict || !strings.Contains(body, "已归档") {
			t.Errorf("POST %s on an archived community = %d\n%s", tc.path, code, body)
		}
	}
	code, body, _ = host.post(t, base, c+"/status", url.Values{"status": {"active"}})
	wantStatus(t, "reopen", code, http.StatusSeeOther, body)
}

// TestCommunityJunk posts malformed forms to every community route.
func TestCommunityJunk(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newCommunityWorld(t, e)
			base := w.srv.URL
			host := w.as(t, w.host)
			c := w.createCommunity(t, host, w.district.ID, "共同体", "request", "public")
			cid := itoa(idOf(c))
			p, err := w.srv.App.Service.Propose(context.Background(), w.host, idOf(c), community.ProposalInput{Title: "t", Problem: "p"})
			if err != nil {
				t.Fatal(err)
			}
			pid := itoa(p.ID)
			routes := []string{"/c", "/c/" + cid, "/c/abc", "/c/999999", "/c/" + cid + "/status", "/c/" + cid + "/join", "/c/x/join",
				"/c/" + cid + "/leave", "/c/" + cid + "/requests/1", "/c/" + cid + "/requests/x", "/c/" + cid + "/invitations",
				"/c/" + cid + "/invite-links", "/c/" + cid + "/members/1/role", "/c/" + cid + "/members/x/role",
				"/c/" + cid + "/members/99999/remove", "/c/" + cid + "/themes", "/c/" + cid + "/proposals", "/c/" + cid + "/rounds",
				"/c/" + cid + "/rounds/1/vote", "/c/" + cid + "/rounds/x/vote", "/c/" + cid + "/decisions", "/proposals/" + pid + "/comments",
				"/proposals/x/comments", "/proposals/" + pid + "/withdraw", "/proposals/99999/withdraw", "/join/abc", "/join/" + strings.Repeat("a", 100)}
			bodies := []struct{ ct, body string }{
				{"application/x-www-form-urlencoded", "csrf=" + host.csrf + "&%zz=1&title=%"},
				{"application/x-www-form-urlencoded", "csrf=" + host.csrf + "&institution=-1&name=" + strings.Repeat("名", 500) +
					"&starts_on=0000-00-00&member_cap=99999999999999999999&budget=-3&closes_at=2099-99-99T99:99&proposals=-1&proposals=abc" +
					"&approve=0&approve=99999999999999999999&days=-1&max_uses=1e9&role=god&status=deleted&decision=maybe&usernames=%2C%2C"},
				{"application/x-www-form-urlencoded", "csrf=" + host.csrf + "&decision=adopt&proposals=" + pid + "&proposals=" + pid + "&note=" + strings.Repeat("x", 3000)},
				{"multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + host.csrf + "\r\n--zzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n\x01\r\n--zzz--\r\n"},
				{"multipart/form-data; boundary=zzz", "--zzz\r\nbroken"},
				{"application/json", `{"csrf":`},
				{"application/x-www-form-urlencoded", "csrf=" + host.csrf + "&name=a%00b&title=%C3%28&message=%FF"},
			}
			for _, r := range routes {
				for _, b := range bodies {
					req, _ := http.NewRequest("POST", base+r, strings.NewReader(b.body))
					req.Header.Set("Content-Type", b.ct)
					req.Header.Set("X-CSRF-Token", host.csrf)
					resp, err := host.c.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode >= 500 {
						t.Errorf("POST %s (%s) = %d", r, b.ct, resp.StatusCode)
					}
				}
			}
			for _, p := range []string{"/c?q=%00", "/c?q=%FF", "/c?page=-1", "/c?institution=99999999999999999999", "/c/%00",
				"/c/" + cid + "?page=abc", "/c/new?institution=abc", "/c/new?institution=99999", "/c/1e3/themes", "/join/%00", "/proposals/-1"} {
				code, _ := get(t, host.c, base+p)
				if code >= 500 {
					t.Errorf("GET %s = %d", p, code)
				}
			}
		})
	}
}

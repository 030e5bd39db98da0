package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// now is the service's clock, for deadlines in request bodies.
func (f *fixture) now() time.Time { return time.Now().Add(time.Duration(f.skew.Load())) }

// newCommunity has xiaozhang (the school's administrator, hence a possible
// creator) start a community at 第一中学 with the settings given over the
// defaults, and returns it.
func (f *fixture) newCommunity(t *testing.T, settings map[string]any) communityDetailDTO {
	t.Helper()
	body := map[string]any{"institution_id": f.school.ID, "name": "初中数学大单元教学工作坊", "purpose": "共同研究大单元教学",
		"subject": "math", "join_policy": "open", "visibility": "public"}
	for k, v := range settings {
		body[k] = v
	}
	return decode[communityDetailDTO](t, f.post("xiaozhang", "/api/v1/communities", body).want(t, 201))
}

// join makes each person a member of an open community.
func (f *fixture) join(t *testing.T, id int64, who ...string) {
	t.Helper()
	for _, u := range who {
		if r := decode[joinResultDTO](t, f.post(u, fmt.Sprintf("/api/v1/communities/%d/join", id), nil).want(t, 200)); r.Status != "joined" {
			t.Fatalf("%s joining %d: %+v", u, id, r)
		}
	}
}

// propose files a proposal as who and returns its ID.
func (f *fixture) propose(t *testing.T, community int64, who, title string) int64 {
	t.Helper()
	p := decode[proposalDTO](t, f.post(who, fmt.Sprintf("/api/v1/communities/%d/proposals", community),
		map[string]any{"title": title, "problem": "课堂中的真实问题：" + title, "rationale": "影响学生学习", "plan": "课例研究"}).want(t, 201))
	return p.ID
}

// exerciseCommunities makes one successful call of every community route,
// for TestEveryOperationAnswersAsDocumented.
func (f *fixture) exerciseCommunities(t *testing.T) {
	t.Helper()
	c := f.newCommunity(t, map[string]any{"join_policy": "request"})
	base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
	f.get("zhangwei", "/api/v1/communities?q=工作坊&status=planning").want(t, 200)
	f.get("zhangwei", base).want(t, 200)
	f.patch("xiaozhang", base, map[string]any{"purpose": "新的目标", "starts_on": "2026-09-01", "ends_on": nil}).want(t, 200)
	f.post("xiaozhang", base+"/status", map[string]any{"status": "active"}).want(t, 200)

	f.post("zhangwei", base+"/join", map[string]any{"message": "想参加"}).want(t, 200)
	reqs := decode[list[joinRequestDTO]](t, f.get("xiaozhang", base+"/requests").want(t, 200))
	f.post("xiaozhang", fmt.Sprintf("%s/requests/%d", base, reqs.Items[0].ID), map[string]any{"approve": true}).want(t, 204)
	f.post("xiaozhang", base+"/invitations", map[string]any{"usernames": []string{"lina"}, "role": "expert"}).want(t, 201)
	f.post("lina", base+"/join", nil).want(t, 200)
	f.call(request{method: http.MethodPut, path: fmt.Sprintf("%s/members/%d", base, f.colleague.ID), as: "xiaozhang",
		body: map[string]any{"role": "facilitator"}}).want(t, 204)
	f.get("zhangwei", base+"/members").want(t, 200)
	link := decode[inviteLinkDTO](t, f.post("lina", base+"/invite-links", map[string]any{"days": 3, "max_uses": 1}).want(t, 201))
	f.post("chenjing", link.AcceptPath, nil).want(t, 200)
	f.del("lina", fmt.Sprintf("%s/members/%d", base, f.outsider.ID)).want(t, 204)
	f.post("lina", base+"/leave", nil).want(t, 204)

	p1, p2, p3 := f.propose(t, c.ID, "zhangwei", "作业分层"), f.propose(t, c.ID, "zhangwei", "课堂提问"), f.propose(t, c.ID, "zhangwei", "板书")
	f.get("zhangwei", base+"/proposals").want(t, 200)
	f.get("zhangwei", fmt.Sprintf("/api/v1/proposals/%d", p1)).want(t, 200)
	f.post("zhangwei", fmt.Sprintf("/api/v1/proposals/%d/comments", p1), map[string]any{"body": "赞成"}).want(t, 201)
	f.post("zhangwei", fmt.Sprintf("/api/v1/proposals/%d/withdraw", p3), nil).want(t, 200)
	rd := decode[roundDTO](t, f.post("xiaozhang", base+"/rounds", map[string]any{"title": "第一轮", "proposals": []int64{p1, p2},
		"budget": 1, "closes_at": f.now().Add(time.Hour).Format(time.RFC3339)}).want(t, 201))
	f.post("zhangwei", fmt.Sprintf("/api/v1/rounds/%d/votes", rd.ID), map[string]any{"approve": []int64{p1}}).want(t, 200)
	f.get("zhangwei", base+"/rounds").want(t, 200)
	f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{p1}, "note": "票数最高"}).want(t, 200)
}

// junkCommunity prepares a community for TestNoInputProducesAServerError
// in which lina, who sends the junk, is the only host, so that her
// requests pass the permission checks and reach validation: zhangwei is a
// member, chenjing's request is pending, and there are proposals, an open
// round and an invite link. It returns the IDs by resource name (the first
// path segment) and by path parameter.
func (f *fixture) junkCommunity(t *testing.T) map[string]string {
	t.Helper()
	c := f.newCommunity(t, map[string]any{"join_policy": "request"})
	base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
	for _, who := range []string{"zhangwei", "lina"} {
		f.post(who, base+"/join", nil).want(t, 200)
	}
	reqs := decode[list[joinRequestDTO]](t, f.get("xiaozhang", base+"/requests").want(t, 200))
	for _, r := range reqs.Items {
		f.post("xiaozhang", fmt.Sprintf("%s/requests/%d", base, r.ID), map[string]any{"approve": true}).want(t, 204)
	}
	f.call(request{method: http.MethodPut, path: fmt.Sprintf("%s/members/%d", base, f.colleague.ID), as: "xiaozhang",
		body: map[string]any{"role": "host"}}).want(t, 204)
	f.post("xiaozhang", base+"/leave", nil).want(t, 204)
	f.post("chenjing", base+"/join", nil).want(t, 200)
	reqs = decode[list[joinRequestDTO]](t, f.get("lina", base+"/requests").want(t, 200))
	p1, p2 := f.propose(t, c.ID, "lina", "主题一"), f.propose(t, c.ID, "lina", "主题二")
	rd := decode[roundDTO](t, f.post("lina", base+"/rounds", map[string]any{"title": "轮次", "proposals": []int64{p1, p2},
		"budget": 1, "closes_at": f.now().Add(time.Hour).Format(time.RFC3339)}).want(t, 201))
	link := decode[inviteLinkDTO](t, f.post("lina", base+"/invite-links", nil).want(t, 201))
	return map[string]string{"communities": fmt.Sprint(c.ID), "proposals": fmt.Sprint(p1), "rounds": fmt.Sprint(rd.ID),
		"{user_id}": fmt.Sprint(f.teacher.ID), "{rid}": fmt.Sprint(reqs.Items[0].ID), "{token}": link.Token}
}

func TestCommunityCreateAndSettings(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// Teachers cannot start communities; administrators only in their subtree.
		body := map[string]any{"institution_id": f.school.ID, "name": "x", "join_policy": "open", "visibility": "public"}
		f.post("zhangwei", "/api/v1/communities", body).want(t, 403)
		f.post("xiaozhang", "/api/v1/communities", map[string]any{"institution_id": f.otherSchool.ID, "name": "x",
			"join_policy": "open", "visibility": "public"}).want(t, 403)
		wantField(t, f.post("xiaozhang", "/api/v1/communities", map[string]any{"institution_id": 424242, "name": "x",
			"join_policy": "open", "visibility": "public"}), 400, "institution_id", "找不到该机构")
		fields := []struct {
			name  string
			body  map[string]any
			field string
			text  string
		}{
			{"name required", map[string]any{"name": " "}, "name", "This field is required"},
			{"bad policy", map[string]any{"join_policy": "sometimes"}, "join_policy", "Choose one of the options"},
			{"bad date", map[string]any{"starts_on": "2026-13-01"}, "starts_on", "Must be a date such as 2026-09-01"},
			{"ends before start", map[string]any{"starts_on": "2026-09-01", "ends_on": "2026-08-01"}, "ends_on", ""},
			{"cap out of range", map[string]any{"member_cap": -1}, "member_cap", "Enter a number from 0 to 100000"},
		}
		for _, tt := range fields {
			b := map[string]any{"institution_id": f.school.ID, "name": "工作坊", "join_policy": "open", "visibility": "public"}
			for k, v := range tt.body {
				b[k] = v
			}
			r := f.call(request{method: "POST", path: "/api/v1/communities", as: "xiaozhang", body: b, header: map[string]string{"Accept-Language": "en"}})
			t.Run(tt.name, func(t *testing.T) { wantField(t, r, 400, tt.field, tt.text) })
		}

		c := f.newCommunity(t, map[string]any{"starts_on": "2026-09-01", "ends_on": "2027-01-15", "member_cap": 30})
		if c.Status != "planning" || c.MemberCount != 1 || c.Institution.ID != f.school.ID || c.Institution.Name != "第一中学" ||
			c.StartsOn == nil || *c.StartsOn != "2026-09-01" || *c.EndsOn != "2027-01-15" || c.CreatedBy != f.schoolAdmin.ID {
			t.Errorf("created = %+v", c)
		}
		if v := c.Viewer; v.Role == nil || *v.Role != "host" || !v.Host || !v.Lead || !v.Write || v.Archived {
			t.Errorf("creator's access = %+v", v)
		}
		path := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		// A reader who is not a member: may read, nothing more.
		got := decode[communityDetailDTO](t, f.get("chenjing", path).want(t, 200))
		if v := got.Viewer; v.Role != nil || !v.Read || v.Write || v.Lead || v.Host {
			t.Errorf("outsider's access = %+v", v)
		}

		// PATCH: host only; absent fields stay, null clears a date.
		f.patch("zhangwei", path, map[string]any{"name": "改名"}).want(t, 403)
		f.join(t, c.ID, "zhangwei")
		f.patch("zhangwei", path, map[string]any{"name": "改名"}).want(t, 403) // members are not hosts
		up := decode[communityDetailDTO](t, f.patch("xiaozhang", path, map[string]any{"name": "新名字", "ends_on": nil, "join_policy": "request"}).want(t, 200))
		if up.Name != "新名字" || up.EndsOn != nil || up.StartsOn == nil || up.JoinPolicy != "request" || up.Purpose != "共同研究大单元教学" || up.MemberCap != 30 {
			t.Errorf("updated = %+v", up)
		}
		wantField(t, f.patch("xiaozhang", path, map[string]any{"ends_on": "2026-01-01"}), 400, "ends_on", "")
		wantField(t, f.patch("xiaozhang", path, `{"starts_on": 20260901}`), 400, "starts_on", "应为字符串")

		// Lifecycle: host only; archived refuses writes but stays readable.
		f.post("zhangwei", path+"/status", map[string]any{"status": "archived"}).want(t, 403)
		wantField(t, f.post("xiaozhang", path+"/status", map[string]any{"status": "closed"}), 400, "status", "请从列表中选择")
		if a := decode[communityDetailDTO](t, f.post("xiaozhang", path+"/status", map[string]any{"status": "archived"}).want(t, 200)); a.Status != "archived" || !a.Viewer.Archived || a.Viewer.Write {
			t.Errorf("archived = %+v", a)
		}
		if e := apiErr(t, f.patch("xiaozhang", path, map[string]any{"name": "x"}).want(t, 409)); e.Code != "conflict" || !strings.Contains(e.Message, "归档") {
			t.Errorf("PATCH archived: %+v", e)
		}
		f.get("chenjing", path).want(t, 200)
		f.post("xiaozhang", path+"/status", map[string]any{"status": "active"}).want(t, 200) // reopened
		f.patch("xiaozhang", path, map[string]any{"name": "x"}).want(t, 200)
	})
}

func TestCommunityListing(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		public := f.newCommunity(t, map[string]any{"name": "公开工作坊"})
		school := f.newCommunity(t, map[string]any{"name": "校内研修", "visibility": "institution"})
		f.newCommunity(t, map[string]any{"name": "私密小组", "visibility": "private", "join_policy": "invite"})
		f.join(t, public.ID, "lina")
		f.post("xiaozhang", fmt.Sprintf("/api/v1/communities/%d/status", school.ID), map[string]any{"status": "active"}).want(t, 200)

		names := func(as, query string) []string {
			t.Helper()
			l := decode[list[communityDTO]](t, f.get(as, "/api/v1/communities"+query).want(t, 200))
			var out []string
			for _, c := range l.Items {
				out = append(out, c.Name)
			}
			if l.Total < len(out) {
				t.Errorf("%s %s: total %d < %d items", as, query, l.Total, len(out))
			}
			return out
		}
		tests := []struct {
			as, query string
			want      []string
		}{
			{"chenjing", "", []string{"公开工作坊"}},                                   // another district: public only
			{"zhangwei", "", []string{"公开工作坊", "校内研修"}},                           // same school: and institution-visible
			{"xiaozhang", "", []string{"公开工作坊", "校内研修", "私密小组"}},                  // the host sees their own
			{"lina", "?member=me", []string{"公开工作坊"}},                             // lina's own
			{"zhangwei", "?status=active", []string{"校内研修"}},                      // by status
			{"zhangwei", "?q=研修", []string{"校内研修"}},                               // by name
			{"zhangwei", fmt.Sprintf("?institution=%d", f.otherDistrict.ID), nil}, // by owner's subtree
			{"zhangwei", fmt.Sprintf("?institution=%d", f.district.ID), []string{"公开工作坊", "校内研修"}},
			{"zhangwei", "?limit=1&offset=1", []string{"校内研修"}},
		}
		for _, tt := range tests {
			got := names(tt.as, tt.query)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") && !sameSet(got, tt.want) {
				t.Errorf("%s lists %q: %v, want %v", tt.as, tt.query, got, tt.want)
			}
		}
		wantField(t, f.get("zhangwei", "/api/v1/communities?member=lina"), 400, "member", "只能为 me")
		wantField(t, f.get("zhangwei", "/api/v1/communities?status=done"), 400, "status", "")
		wantField(t, f.get("zhangwei", "/api/v1/communities?institution=424242"), 400, "institution", "找不到该机构")
		wantField(t, f.get("zhangwei", "/api/v1/communities?institution=x"), 400, "institution", "")
	})
}

// sameSet reports whether a and b hold the same names, in any order
// (communities with equal member counts have no fixed order between them).
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestPrivateCommunityIsNotFoundForNonMembers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, map[string]any{"visibility": "private", "join_policy": "invite"})
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		// An invite link admits to a private community (so does a named
		// invitation, tested in the service).
		link := decode[inviteLinkDTO](t, f.post("xiaozhang", base+"/invite-links", nil).want(t, 201))
		f.post("zhangwei", link.AcceptPath, nil).want(t, 200)
		p := f.propose(t, c.ID, "zhangwei", "私密主题")
		// lina teaches at the same school but is no member; chenjing is elsewhere.
		for _, who := range []string{"lina", "chenjing"} {
			for _, path := range []string{base, base + "/members", base + "/proposals", base + "/rounds", fmt.Sprintf("/api/v1/proposals/%d", p)} {
				if e := apiErr(t, f.get(who, path).want(t, 404)); e.Code != "not_found" {
					t.Errorf("%s GET %s: %+v", who, path, e)
				}
			}
			f.post(who, base+"/join", nil).want(t, 404)
			f.post(who, base+"/proposals", map[string]any{"title": "t", "problem": "p"}).want(t, 404)
			f.post(who, fmt.Sprintf("/api/v1/proposals/%d/comments", p), map[string]any{"body": "x"}).want(t, 404)
			f.patch(who, base, map[string]any{"name": "x"}).want(t, 404)
		}
		// The same answers as for a community that does not exist.
		f.get("lina", "/api/v1/communities/424242").want(t, 404)
		// An institution is not a community.
		f.get("lina", fmt.Sprintf("/api/v1/communities/%d", f.school.ID)).want(t, 404)
		// The owning school's administrator reads it.
		f.get("xiaozhang", base+"/members").want(t, 200)
	})
}

func TestMemberships(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// By request: pending, listed for the leads, approved or declined.
		c := f.newCommunity(t, map[string]any{"join_policy": "request", "member_cap": 3})
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		if r := decode[joinResultDTO](t, f.post("zhangwei", base+"/join", map[string]any{"message": "想参加"}).want(t, 200)); r.Status != "pending" || r.Role != nil {
			t.Errorf("request = %+v", r)
		}
		if d := decode[communityDetailDTO](t, f.get("zhangwei", base)); !d.Viewer.JoinRequestPending {
			t.Error("a pending request is not shown to the person who asked")
		}
		f.post("zhangwei", base+"/join", map[string]any{"message": "again"}).want(t, 409)
		f.post("chenjing", base+"/join", nil).want(t, 200)
		wantField(t, f.post("lina", base+"/join", map[string]any{"message": strings.Repeat("长", 501)}), 400, "message", "")
		f.get("zhangwei", base+"/requests").want(t, 403)
		reqs := decode[list[joinRequestDTO]](t, f.get("xiaozhang", base+"/requests").want(t, 200))
		if reqs.Total != 2 || reqs.Items[0].User.Username != "zhangwei" || reqs.Items[0].Message != "想参加" || reqs.Items[0].CommunityID != c.ID {
			t.Fatalf("requests = %+v", reqs)
		}
		decide := func(as string, rid int64, body any) response {
			return f.post(as, fmt.Sprintf("%s/requests/%d", base, rid), body)
		}
		wantField(t, decide("xiaozhang", reqs.Items[0].ID, map[string]any{"reason": "x"}), 400, "approve", "此项为必填项")
		decide("zhangwei", reqs.Items[0].ID, map[string]any{"approve": true}).want(t, 403)
		decide("xiaozhang", reqs.Items[0].ID, map[string]any{"approve": true}).want(t, 204)
		decide("xiaozhang", reqs.Items[0].ID, map[string]any{"approve": true}).want(t, 404) // already decided
		decide("xiaozhang", reqs.Items[1].ID, map[string]any{"approve": false, "reason": "名额有限"}).want(t, 204)
		decide("xiaozhang", 424242, map[string]any{"approve": true}).want(t, 404)
		f.get("chenjing", base+"/members").want(t, 200)
		ms := decode[list[memberDTO]](t, f.get("chenjing", base+"/members").want(t, 200))
		roles := map[string]string{}
		for _, m := range ms.Items {
			roles[m.User.Username] = string(m.Role)
		}
		if ms.Total != 2 || roles["xiaozhang"] != "host" || roles["zhangwei"] != "member" || roles["chenjing"] != "" {
			t.Errorf("members = %v (total %d)", roles, ms.Total)
		}

		// Roles: hosts only; the last host stays.
		role := func(as string, user int64, r string) response {
			return f.call(request{method: http.MethodPut, path: fmt.Sprintf("%s/members/%d", base, user), as: as, body: map[string]any{"role": r}})
		}
		role("zhangwei", f.teacher.ID, "host").want(t, 403)
		wantField(t, role("xiaozhang", f.teacher.ID, "owner"), 400, "role", "")
		role("xiaozhang", f.outsider.ID, "member").want(t, 404) // not a member
		role("xiaozhang", f.schoolAdmin.ID, "member").want(t, 409)
		role("xiaozhang", f.teacher.ID, "facilitator").want(t, 204)
		if d := decode[communityDetailDTO](t, f.get("zhangwei", base)); !d.Viewer.Lead || d.Viewer.Host || *d.Viewer.Role != "facilitator" {
			t.Errorf("facilitator's access = %+v", d.Viewer)
		}
		f.get("zhangwei", base+"/requests").want(t, 200) // facilitators lead

		// By invitation: by name (from another district too) and by link.
		inv := f.newCommunity(t, map[string]any{"join_policy": "invite"})
		ibase := fmt.Sprintf("/api/v1/communities/%d", inv.ID)
		if e := apiErr(t, f.post("chenjing", ibase+"/join", nil).want(t, 403)); !strings.Contains(e.Message, "邀请") {
			t.Errorf("invite-only join: %+v", e)
		}
		f.post("zhangwei", ibase+"/invitations", map[string]any{"usernames": []string{"chenjing"}}).want(t, 403)
		wantField(t, f.post("xiaozhang", ibase+"/invitations", map[string]any{"usernames": []string{"nobody"}}), 400, "usernames", "找不到用户 nobody")
		wantField(t, f.post("xiaozhang", ibase+"/invitations", map[string]any{"usernames": []string{}}), 400, "usernames", "此项为必填项")
		many := make([]string, 101)
		for i := range many {
			many[i] = fmt.Sprintf("user%d", i)
		}
		wantField(t, f.post("xiaozhang", ibase+"/invitations", map[string]any{"usernames": many}), 400, "usernames", "最多 100 项")
		if n := decode[invitedDTO](t, f.post("xiaozhang", ibase+"/invitations", map[string]any{"usernames": []string{"chenjing"}, "role": "expert"}).want(t, 201)); n.Invited != 1 {
			t.Errorf("invited = %+v", n)
		}
		if r := decode[joinResultDTO](t, f.post("chenjing", ibase+"/join", nil).want(t, 200)); r.Status != "joined" || *r.Role != "expert" {
			t.Errorf("invited join = %+v", r)
		}
		f.post("zhangwei", ibase+"/invite-links", nil).want(t, 403)
		wantField(t, f.post("xiaozhang", ibase+"/invite-links", map[string]any{"days": 91}), 400, "days", "")
		link := decode[inviteLinkDTO](t, f.post("xiaozhang", ibase+"/invite-links", map[string]any{"max_uses": 1}).want(t, 201))
		if link.Days != 7 || link.MaxUses != 1 || link.Token == "" || link.AcceptPath != "/api/v1/invite-links/"+link.Token+"/accept" {
			t.Errorf("link = %+v", link)
		}
		if d := decode[communityDetailDTO](t, f.post("lina", link.AcceptPath, nil).want(t, 200)); d.ID != inv.ID || *d.Viewer.Role != "member" {
			t.Errorf("accepted = %+v", d)
		}
		f.post("zhangwei", link.AcceptPath, nil).want(t, 409) // used up
		f.post("zhangwei", "/api/v1/invite-links/bogus/accept", nil).want(t, 404)
		expiring := decode[inviteLinkDTO](t, f.post("xiaozhang", ibase+"/invite-links", map[string]any{"days": 1}).want(t, 201))
		f.advance(25 * time.Hour)
		f.post("zhangwei", expiring.AcceptPath, nil).want(t, 409)

		// Removal by leads; leaving; the last host cannot leave.
		f.del("lina", fmt.Sprintf("%s/members/%d", ibase, f.outsider.ID)).want(t, 403)
		f.del("xiaozhang", fmt.Sprintf("%s/members/%d", ibase, f.outsider.ID)).want(t, 204)
		f.del("xiaozhang", fmt.Sprintf("%s/members/%d", ibase, f.outsider.ID)).want(t, 404)
		f.post("lina", ibase+"/leave", nil).want(t, 204)
		f.post("lina", ibase+"/leave", map[string]any{}).want(t, 204) // not a member: nothing to do
		wantField(t, f.post("lina", ibase+"/leave", map[string]any{"now": true}), 400, "now", "不支持此字段")
		if e := apiErr(t, f.post("xiaozhang", ibase+"/leave", nil).want(t, 409)); !strings.Contains(e.Message, "坊主") {
			t.Errorf("last host leaving: %+v", e)
		}

		// An archived community refuses joining and membership changes.
		f.post("xiaozhang", base+"/status", map[string]any{"status": "archived"}).want(t, 200)
		f.post("lina", base+"/join", nil).want(t, 409)
		f.post("zhangwei", base+"/leave", nil).want(t, 409)
		f.post("xiaozhang", base+"/invite-links", nil).want(t, 409)
		role("xiaozhang", f.teacher.ID, "member").want(t, 409)
	})
}

func TestMemberCap(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, map[string]any{"member_cap": 2})
		f.join(t, c.ID, "zhangwei")
		if e := apiErr(t, f.post("lina", fmt.Sprintf("/api/v1/communities/%d/join", c.ID), nil).want(t, 409)); !strings.Contains(e.Message, "已满") {
			t.Errorf("joining a full community: %+v", e)
		}
	})
}

package api

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestProposalsAndDiscussion(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, nil)
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		f.join(t, c.ID, "zhangwei", "lina")
		// Readers who are not members cannot propose.
		if e := apiErr(t, f.post("chenjing", base+"/proposals", map[string]any{"title": "t", "problem": "p"}).want(t, 403)); !strings.Contains(e.Message, "成员") {
			t.Errorf("outsider proposing: %+v", e)
		}
		wantField(t, f.post("zhangwei", base+"/proposals", map[string]any{"title": "t"}), 400, "problem", "此项为必填项")
		wantField(t, f.post("zhangwei", base+"/proposals", map[string]any{"title": strings.Repeat("题", 101), "problem": "p"}), 400, "title", "")
		p := decode[proposalDTO](t, f.post("zhangwei", base+"/proposals",
			map[string]any{"title": " 作业分层设计 ", "problem": "作业一刀切", "rationale": "学生差异大", "plan": "三轮课例"}).want(t, 201))
		if p.Title != "作业分层设计" || p.Status != "proposed" || p.Author.ID != f.teacher.ID || p.Author.DisplayName != "张伟" ||
			p.CommunityID != c.ID || p.DecidedAt != nil || p.DecidedBy != nil {
			t.Errorf("proposal = %+v", p)
		}
		ppath := fmt.Sprintf("/api/v1/proposals/%d", p.ID)
		cm := decode[proposalCommentDTO](t, f.post("lina", ppath+"/comments", map[string]any{"body": "**同意**"}).want(t, 201))
		if cm.ProposalID != p.ID || cm.Author.Username != "lina" || !strings.Contains(cm.BodyHTML, "<strong>同意</strong>") {
			t.Errorf("comment = %+v", cm)
		}
		f.post("chenjing", ppath+"/comments", map[string]any{"body": "x"}).want(t, 403)
		wantField(t, f.post("lina", ppath+"/comments", map[string]any{"body": " "}), 400, "body", "")
		d := decode[proposalDetailDTO](t, f.get("chenjing", ppath).want(t, 200))
		if d.CommentCount != 1 || len(d.Comments) != 1 || d.Comments[0].Body != "**同意**" {
			t.Errorf("detail = %+v", d)
		}
		f.get("chenjing", "/api/v1/proposals/424242").want(t, 404)

		// Withdrawing: the author only, once.
		other := f.propose(t, c.ID, "lina", "课堂提问")
		f.post("zhangwei", fmt.Sprintf("/api/v1/proposals/%d/withdraw", other), nil).want(t, 403)
		if w := decode[proposalDTO](t, f.post("lina", fmt.Sprintf("/api/v1/proposals/%d/withdraw", other), nil).want(t, 200)); w.Status != "withdrawn" || w.DecidedAt == nil {
			t.Errorf("withdrawn = %+v", w)
		}
		f.post("lina", fmt.Sprintf("/api/v1/proposals/%d/withdraw", other), nil).want(t, 409)

		// Listing with the status filter.
		all := decode[list[proposalDTO]](t, f.get("chenjing", base+"/proposals").want(t, 200))
		open := decode[list[proposalDTO]](t, f.get("chenjing", base+"/proposals?status=proposed").want(t, 200))
		if all.Total != 2 || open.Total != 1 || open.Items[0].ID != p.ID {
			t.Errorf("all = %+v, open = %+v", all, open)
		}
		if page := decode[list[proposalDTO]](t, f.get("chenjing", base+"/proposals?limit=1&offset=1")); page.Total != 2 || len(page.Items) != 1 {
			t.Errorf("page 2 = %+v", page)
		}
		wantField(t, f.get("chenjing", base+"/proposals?status=maybe"), 400, "status", "")

		// Archived: readable, but no proposals, comments or withdrawals.
		f.post("xiaozhang", base+"/status", map[string]any{"status": "archived"}).want(t, 200)
		f.post("zhangwei", base+"/proposals", map[string]any{"title": "t", "problem": "p"}).want(t, 409)
		f.post("lina", ppath+"/comments", map[string]any{"body": "x"}).want(t, 409)
		f.post("zhangwei", ppath+"/withdraw", nil).want(t, 409)
		f.get("chenjing", ppath).want(t, 200)
	})
}

func TestVotingAndAdoption(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.newCommunity(t, nil)
		base := fmt.Sprintf("/api/v1/communities/%d", c.ID)
		f.join(t, c.ID, "zhangwei", "lina", "chenjing")
		p1, p2, p3 := f.propose(t, c.ID, "zhangwei", "作业分层"), f.propose(t, c.ID, "lina", "课堂提问"), f.propose(t, c.ID, "chenjing", "大单元")
		closes := func(d time.Duration) string { return f.now().Add(d).Format(time.RFC3339) }
		round := map[string]any{"title": "第一轮", "proposals": []int64{p1, p2, p3}, "budget": 2, "closes_at": closes(48 * time.Hour), "secret": true}

		// Opening a round: the host only, with a valid ballot.
		f.post("zhangwei", base+"/rounds", round).want(t, 403)
		bad := []struct {
			name  string
			set   map[string]any
			field string
		}{
			{"one proposal", map[string]any{"proposals": []int64{p1}}, "proposals"},
			{"budget too big", map[string]any{"budget": 4}, "budget"},
			{"deadline past", map[string]any{"closes_at": closes(-time.Hour)}, "closes_at"},
			{"deadline malformed", map[string]any{"closes_at": "tomorrow"}, "closes_at"},
			{"deadline missing", map[string]any{"closes_at": ""}, "closes_at"},
			{"foreign proposal", map[string]any{"proposals": []int64{p1, 424242}}, "proposals"},
		}
		for _, tt := range bad {
			b := map[string]any{}
			for k, v := range round {
				b[k] = v
			}
			for k, v := range tt.set {
				b[k] = v
			}
			r := f.post("xiaozhang", base+"/rounds", b)
			t.Run(tt.name, func(t *testing.T) { wantField(t, r, 400, tt.field, "") })
		}
		rd := decode[roundDTO](t, f.post("xiaozhang", base+"/rounds", round).want(t, 201))
		if !rd.Open || rd.ResultsVisible || !rd.Secret || rd.Budget != 2 || len(rd.Options) != 3 || rd.Options[0].Tally != nil || rd.CommunityID != c.ID {
			t.Errorf("round = %+v", rd)
		}
		votes := fmt.Sprintf("/api/v1/rounds/%d/votes", rd.ID)

		// Ballots: members only, within the budget, once, on the ballot.
		f.post("quadmin", votes, map[string]any{"approve": []int64{p1}}).want(t, 403) // reads, but is no member
		r := f.call(request{method: "POST", path: votes, as: "zhangwei", body: map[string]any{"approve": []int64{p1, p2, p3}},
			header: map[string]string{"Accept-Language": "en"}})
		wantField(t, r, 400, "approve", "You may choose at most 2")
		wantField(t, f.post("zhangwei", votes, map[string]any{"approve": []int64{}}), 400, "approve", "请至少选择一项")
		wantField(t, f.post("zhangwei", votes, map[string]any{"approve": []int64{p1, 424242}}), 400, "approve", "所选主题不在本轮候选范围内")
		wantField(t, f.post("zhangwei", votes, `{"approve": ["p1"]}`), 400, "approve", "应为整数")
		after := decode[roundDTO](t, f.post("zhangwei", votes, map[string]any{"approve": []int64{p1, p3, p1}}).want(t, 200))
		if !after.HasVoted || after.VoterCount != 1 || after.Options[0].Tally != nil {
			t.Errorf("after voting = %+v", after)
		}
		if e := apiErr(t, f.post("zhangwei", votes, map[string]any{"approve": []int64{p2}}).want(t, 409)); !strings.Contains(e.Message, "投过票") {
			t.Errorf("double vote: %+v", e)
		}
		f.post("lina", votes, map[string]any{"approve": []int64{p1}}).want(t, 200)
		f.post("lina", "/api/v1/rounds/424242/votes", map[string]any{"approve": []int64{p1}}).want(t, 404)

		// After the deadline: no more ballots; tallies shown, voters not (secret).
		f.advance(49 * time.Hour)
		if e := apiErr(t, f.post("chenjing", votes, map[string]any{"approve": []int64{p2}}).want(t, 409)); !strings.Contains(e.Message, "截止") {
			t.Errorf("vote after the deadline: %+v", e)
		}
		rounds := decode[list[roundDTO]](t, f.get("chenjing", base+"/rounds").want(t, 200))
		if rounds.Total != 1 || rounds.Items[0].Open || !rounds.Items[0].ResultsVisible || rounds.Items[0].HasVoted {
			t.Fatalf("rounds = %+v", rounds)
		}
		tallies := map[int64]int{}
		for _, o := range rounds.Items[0].Options {
			if o.Tally == nil || o.Voters != nil {
				t.Errorf("secret round after the deadline shows %+v", o)
				continue
			}
			tallies[o.ProposalID] = *o.Tally
		}
		if tallies[p1] != 2 || tallies[p2] != 0 || tallies[p3] != 1 {
			t.Errorf("tallies = %v", tallies)
		}

		// A named round with live results lists voters at once.
		named := decode[roundDTO](t, f.post("xiaozhang", base+"/rounds", map[string]any{"title": "第二轮", "proposals": []int64{p2, p3},
			"budget": 1, "closes_at": closes(time.Hour), "live_results": true}).want(t, 201))
		live := decode[roundDTO](t, f.post("chenjing", fmt.Sprintf("/api/v1/rounds/%d/votes", named.ID), map[string]any{"approve": []int64{p3}}).want(t, 200))
		for _, o := range live.Options {
			want := []string{}
			if o.ProposalID == p3 {
				want = []string{"陈静"}
			}
			if o.Tally == nil || !slices.Equal(o.Voters, want) {
				t.Errorf("named live option = %+v, want voters %v", o, want)
			}
		}

		// Decisions: the host only; one way at a time; open proposals only.
		if e := apiErr(t, f.post("zhangwei", base+"/decisions", map[string]any{"adopt": []int64{p1}}).want(t, 403)); e.Code != "forbidden" {
			t.Errorf("member adopting: %+v", e)
		}
		wantField(t, f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{p1}, "decline": []int64{p2}}), 400, "adopt", "")
		wantField(t, f.post("xiaozhang", base+"/decisions", map[string]any{"note": "x"}), 400, "adopt", "")
		wantField(t, f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{}}), 400, "adopt", "请至少选择一项")
		wantField(t, f.post("xiaozhang", base+"/decisions", map[string]any{"decline": []int64{424242}}), 400, "decline", "本共同体中没有该提案")
		wantField(t, f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{p1}, "note": strings.Repeat("注", 2001)}), 400, "note", "")
		adopted := decode[list[proposalDTO]](t, f.post("xiaozhang", base+"/decisions",
			map[string]any{"adopt": []int64{p1, p1}, "note": "票数最高，本学期围绕作业设计开展活动"}).want(t, 200))
		if adopted.Total != 1 || adopted.Items[0].ID != p1 || adopted.Items[0].Status != "adopted" || adopted.Items[0].DecisionNote == "" ||
			adopted.Items[0].DecidedBy == nil || *adopted.Items[0].DecidedBy != f.schoolAdmin.ID {
			t.Errorf("adopted = %+v", adopted)
		}
		f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{p1}}).want(t, 409)
		f.post("xiaozhang", base+"/decisions", map[string]any{"decline": []int64{p2}, "note": "下学期再议"}).want(t, 200)
		if d := decode[communityDetailDTO](t, f.get("chenjing", base)); len(d.CurrentThemes) != 1 || d.CurrentThemes[0].ID != p1 || d.CurrentThemes[0].Name != "作业分层" {
			t.Errorf("current themes = %+v", d.CurrentThemes)
		}
		// A proposal of another community cannot be decided here.
		other := f.newCommunity(t, nil)
		f.join(t, other.ID, "zhangwei")
		foreign := f.propose(t, other.ID, "zhangwei", "别处的主题")
		wantField(t, f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{foreign}}), 400, "adopt", "")

		// Archived: no rounds, ballots or decisions.
		open := decode[roundDTO](t, f.post("xiaozhang", base+"/rounds", map[string]any{"title": "第三轮", "proposals": []int64{p3, f.propose(t, c.ID, "lina", "新主题")},
			"budget": 1, "closes_at": closes(time.Hour)}).want(t, 201))
		f.post("xiaozhang", base+"/status", map[string]any{"status": "archived"}).want(t, 200)
		f.post("lina", fmt.Sprintf("/api/v1/rounds/%d/votes", open.ID), map[string]any{"approve": []int64{p3}}).want(t, 409)
		f.post("xiaozhang", base+"/rounds", round).want(t, 409)
		f.post("xiaozhang", base+"/decisions", map[string]any{"adopt": []int64{p3}}).want(t, 409)
	})
}

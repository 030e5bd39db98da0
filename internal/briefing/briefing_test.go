package briefing

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(DayLayout, s, Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriodValidate(t *testing.T) {
	cases := []struct {
		name  string
		p     Period
		field string // "" = valid
	}{
		{"a week", Period{day("2026-10-01"), day("2026-10-08")}, ""},
		{"one day", Period{day("2026-10-01"), day("2026-10-02")}, ""},
		{"a year", Period{day("2026-01-01"), day("2027-01-01")}, ""},
		{"no start", Period{To: day("2026-10-08")}, "from"},
		{"no end", Period{From: day("2026-10-01")}, "to"},
		{"empty", Period{day("2026-10-01"), day("2026-10-01")}, "to"},
		{"backwards", Period{day("2026-10-08"), day("2026-10-01")}, "to"},
		{"too long", Period{day("2025-01-01"), day("2026-10-01")}, "to"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid {
				t.Fatalf("Validate = %v, want an Invalid error", err)
			}
			if _, ok := e.Fields[tc.field]; !ok {
				t.Fatalf("Validate fields = %v, want one on %q", e.Fields, tc.field)
			}
		})
	}
}

func TestInputValidate(t *testing.T) {
	week := Period{day("2026-10-01"), day("2026-10-08")}
	cases := []struct {
		name   string
		in     Input
		fields []string
	}{
		{"fine", Input{Period: week, Title: " 简报 ", Body: " 正文 "}, nil},
		{"no title", Input{Period: week, Body: "x"}, []string{"title"}},
		{"long title", Input{Period: week, Title: strings.Repeat("题", MaxTitle+1), Body: "x"}, []string{"title"}},
		{"no body", Input{Period: week, Title: "t", Body: "   "}, []string{"body"}},
		{"long body", Input{Period: week, Title: "t", Body: strings.Repeat("字", MaxBody+1)}, []string{"body"}},
		{"everything wrong", Input{}, []string{"from", "title", "body"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			err := in.Validate()
			if len(tc.fields) == 0 {
				if err != nil || in.Title != "简报" || in.Body != "正文" {
					t.Fatalf("Validate = %v, title %q body %q", err, in.Title, in.Body)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok {
				t.Fatalf("Validate = %v, want field errors %v", err, tc.fields)
			}
			for _, f := range tc.fields {
				if _, ok := e.Fields[f]; !ok {
					t.Errorf("no error on %q in %v", f, e.Fields)
				}
			}
		})
	}
}

func TestFillDays(t *testing.T) {
	p := Period{day("2026-09-29"), day("2026-10-03")}
	got := FillDays(p, map[string]int{"2026-09-30": 4, "2026-10-02": 1, "2026-10-09": 7})
	want := []DayCount{{"2026-09-29", 0}, {"2026-09-30", 4}, {"2026-10-01", 0}, {"2026-10-02", 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("FillDays = %v, want %v", got, want)
	}
	if d := p.LastDay().Format(DayLayout); d != "2026-10-02" {
		t.Fatalf("LastDay = %s", d)
	}
}

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"大单元教学":             "大单元教学",
		"*粗体* [链接](x)":      `\*粗体\* \[链接\]\(x\)`,
		"# 标题\n第二行":         `\# 标题 第二行`,
		"a|b <script>&amp;": `a\|b \<script\>\&amp;`,
		"1. 不是列表":           `1\. 不是列表`,
		`C:\path_x`:         `C:\\path\_x`,
	}
	for in, want := range cases {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// keys is a Printer that writes the key and its arguments, so a test sees
// which message each part of the draft used and what went into it.
type keys struct{}

func (keys) T(key string, args ...any) string {
	if len(args) == 0 {
		return key
	}
	return key + fmt.Sprintf("%v", args)
}

func TestCompose(t *testing.T) {
	p := Period{day("2026-10-01"), day("2026-10-08")}
	f := &Figures{NewMembers: 3, Joined: []Person{{ID: 7, Name: "李*娜", Username: "lina"}}, Topics: 2, Replies: 9,
		ActiveMembers: 4, Actions: 20, Proposals: 1, Adopted: 1,
		TopMembers: []MemberActivity{{Person{ID: 7, Name: "李*娜", Username: "lina"}, 12}},
		TopReplies: []LikedReply{{ReplyID: 41, TopicID: 5, TopicTitle: "作业[设计]", Author: Person{Name: "张伟", Username: "zw"}, Likes: 6, Excerpt: "分层作业"}},
		Decisions:  []Decision{{ProposalID: 9, Title: "大单元", Adopted: true}},
		Rounds:     []ClosedRound{{RoundID: 2, Title: "第一轮", Voters: 5, Leader: "大单元", LeaderVotes: 4}},
		Days:       FillDays(p, map[string]int{"2026-10-02": 15, "2026-10-05": 5}),
	}
	title, sections, body := Compose(keys{}, Community{ID: 3, Name: "数学工作坊"}, p, f)
	if title != "briefing.draft.title[community 数学工作坊 from 2026-10-01 to 2026-10-07]" {
		t.Errorf("title = %q", title)
	}
	var names []string
	for _, s := range sections {
		names = append(names, s.Key)
	}
	if got := strings.Join(names, ","); got != "overview,members,active,liked,themes,days" {
		t.Errorf("sections = %s", got)
	}
	for _, want := range []string{
		"## briefing\\.section\\.overview",
		"actions **20**",
		"n **11** topics 2 replies 9",
		`[李\*娜](/u/lina)`,
		"1. briefing.active.item[name [李\\*娜](/u/lina) count **12**]",
		`topic [作业\[设计\]](/replies/41)`,
		"   > 分层作业",
		"[大单元](/proposals/9)",
		"[第一轮](/c/3/themes)",
		"leader 大单元 votes 4",
		"| 2026-10-02 | 15 | ▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇ |",
		"| 2026-10-05 | 5 | ▇▇▇▇▇▇ |",
		"| 2026-10-03 | 0 |  |",
		"briefing.draft.footer[community [数学工作坊](/c/3)]",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	// An empty period says so in every section instead of showing empty lists.
	_, _, empty := Compose(keys{}, Community{ID: 3, Name: "x"}, p, &Figures{Days: FillDays(p, nil)})
	for _, want := range []string{"briefing.members.none", "briefing.active.none", "briefing.liked.none", "briefing.themes.none", "briefing.days.none"} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty draft lacks %s", want)
		}
	}
}

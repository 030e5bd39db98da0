// Package briefing owns community briefings (简报): a host's report on what
// a training community did in one period: who joined, how much was posted,
// who took part most, which contributions others liked, which themes were
// decided and how activity spread over the days. The figures are computed
// from the data by the service layer; this package holds their shape, the
// rules a briefing must follow, and the Markdown draft composed from them in
// the host's language. It does no I/O.
package briefing

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Status is where a briefing stands.
type Status string

// A briefing is drafted, edited, then published to the community's members
// and page; drafts are seen by the community's hosts and facilitators only.
const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Limits on briefings.
const (
	MaxTitle = 120
	// MaxBody is counted in characters; it stays below the Markdown
	// renderer's byte limit even in three-byte characters.
	MaxBody = 30_000
	// MaxDays bounds a period: a briefing covers a week, a month or a
	// term, never years of data in one request.
	MaxDays = 366
	// Top is how many members and contributions the rankings show.
	Top = 5
	// MaxJoinedListed bounds the names listed under new members; the count
	// stays exact beyond it.
	MaxJoinedListed = 30
)

// Zone is the time zone a briefing's days are counted in. Training
// communities are Chinese schools: China Standard Time has no daylight
// saving, so a fixed zone needs no tzdata on the server and a day is always
// 24 hours, which the per-day counts in SQL rely on.
var Zone = time.FixedZone("CST", 8*3600)

// Period is the span a briefing covers: From inclusive, To exclusive, both
// at midnight in Zone when they come from a date form.
type Period struct {
	From, To time.Time
}

// Validate checks that the period is non-empty and not too long.
func (p Period) Validate() error {
	f := apperr.Fields{}
	p.check(f)
	return f.Err()
}

func (p Period) check(f apperr.Fields) {
	switch {
	case p.From.IsZero():
		f.Add("from", "form.required")
	case p.To.IsZero():
		f.Add("to", "form.required")
	case !p.To.After(p.From):
		f.Add("to", "briefing.error.period_order")
	case p.To.Sub(p.From) > MaxDays*24*time.Hour:
		f.Add("to", "briefing.error.period_too_long", "max", MaxDays)
	}
}

// LastDay is the last calendar day inside the period, for showing a
// period the way people say it ("1 to 7 October" for [1 Oct, 8 Oct)).
func (p Period) LastDay() time.Time { return p.To.Add(-time.Millisecond).In(Zone) }

// DayLayout is how days are written in figures, forms and URLs.
const DayLayout = time.DateOnly

// Person is someone a briefing names, with what a link to them needs.
type Person struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// MemberActivity is one member's number of recorded actions in the period.
type MemberActivity struct {
	Person
	Count int `json:"count"`
}

// LikedReply is a reply written in the period and how many liked it.
type LikedReply struct {
	ReplyID    int64  `json:"reply_id"`
	TopicID    int64  `json:"topic_id"`
	TopicTitle string `json:"topic_title"`
	Author     Person `json:"author"`
	Likes      int    `json:"likes"`
	Excerpt    string `json:"excerpt"`
}

// Decision is a theme proposal adopted or declined in the period.
type Decision struct {
	ProposalID int64     `json:"proposal_id"`
	Title      string    `json:"title"`
	Adopted    bool      `json:"adopted"`
	At         time.Time `json:"at"`
}

// ClosedRound is a voting round whose deadline fell in the period, with
// the proposal that led it (results are public once a round is closed).
type ClosedRound struct {
	RoundID     int64     `json:"round_id"`
	Title       string    `json:"title"`
	Voters      int       `json:"voters"`
	ClosesAt    time.Time `json:"closes_at"`
	Leader      string    `json:"leader,omitempty"`
	LeaderVotes int       `json:"leader_votes,omitempty"`
}

// DayCount is the number of recorded actions on one day (DayLayout, in Zone).
type DayCount struct {
	Day   string `json:"day"`
	Count int    `json:"count"`
}

// Figures are the numbers of a period, computed from the data.
type Figures struct {
	NewMembers    int              `json:"new_members"`
	Joined        []Person         `json:"joined,omitempty"` // at most MaxJoinedListed
	Topics        int              `json:"topics"`
	Replies       int              `json:"replies"`
	ActiveMembers int              `json:"active_members"` // distinct people with any action
	Actions       int              `json:"actions"`        // every counted action
	Proposals     int              `json:"proposals"`
	Adopted       int              `json:"adopted"`
	Declined      int              `json:"declined"`
	RoundsClosed  int              `json:"rounds_closed"`
	TopMembers    []MemberActivity `json:"top_members,omitempty"`
	TopReplies    []LikedReply     `json:"top_replies,omitempty"`
	Decisions     []Decision       `json:"decisions,omitempty"`
	Rounds        []ClosedRound    `json:"rounds,omitempty"`
	Days          []DayCount       `json:"days,omitempty"` // every day of the period, zeros included
}

// Posts is the number of topics and replies written in the period.
func (f *Figures) Posts() int { return f.Topics + f.Replies }

// MaxDay is the largest daily count, for scaling a chart of Days.
func (f *Figures) MaxDay() int {
	m := 0
	for _, d := range f.Days {
		m = max(m, d.Count)
	}
	return m
}

// FillDays returns counts for every day of the period in order, taking the
// days that had activity from counts (keyed by DayLayout) and zero for the
// rest, so that a quiet day shows as a gap rather than disappearing.
func FillDays(p Period, counts map[string]int) []DayCount {
	var out []DayCount
	start := p.From.In(Zone)
	start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, Zone)
	for d := start; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		key := d.Format(DayLayout)
		out = append(out, DayCount{Day: key, Count: counts[key]})
	}
	return out
}

// Section is one headed part of a drafted body.
type Section struct {
	Key      string // stable name: overview, members, active, liked, themes, days
	Heading  string
	Markdown string // the section's text, without its heading
}

// Briefing is a drafted or stored briefing. A draft computed from the data
// has ID 0 and Sections; a stored one has its ID and status.
type Briefing struct {
	ID           int64
	SpaceID      int64
	AuthorID     int64
	AuthorName   string
	Title        string
	Period       Period
	Figures      Figures
	Sections     []Section
	BodyMarkdown string
	BodyHTML     string
	Status       Status
	CreatedAt    time.Time
	UpdatedAt    time.Time
	PublishedAt  *time.Time
}

// Input is what a host saves: the period, the edited title and body, and
// whether to publish now.
type Input struct {
	Period  Period
	Title   string
	Body    string
	Publish bool
}

// Validate checks the input and trims its text.
func (in *Input) Validate() error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	f := apperr.Fields{}
	in.Period.check(f)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxTitle:
		f.Add("title", "form.too_long", "max", MaxTitle)
	}
	switch {
	case in.Body == "":
		f.Add("body", "form.required")
	case len(in.Body) > MaxBody*4 || utf8.RuneCountInString(in.Body) > MaxBody:
		f.Add("body", "form.too_long", "max", MaxBody)
	}
	return f.Err()
}

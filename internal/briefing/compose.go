package briefing

import (
	"fmt"
	"strings"
)

// Printer translates message keys in one language; i18n.Printer is one.
type Printer interface {
	T(key string, args ...any) string
}

// Community is what a draft says about the community it reports on.
type Community struct {
	ID   int64
	Name string
}

// The site-relative links a draft's Markdown points at are the pages'
// canonical addresses, kept here so that the drafted text and the pages agree.

// PersonURL is a person's space.
func PersonURL(username string) string { return "/u/" + username }

// ProposalURL is a theme proposal with its discussion.
func ProposalURL(id int64) string { return fmt.Sprintf("/proposals/%d", id) }

// CommunityURL is a community's home page.
func CommunityURL(id int64) string { return fmt.Sprintf("/c/%d", id) }

// ThemesURL is a community's theme negotiation page.
func ThemesURL(communityID int64) string { return fmt.Sprintf("/c/%d/themes", communityID) }

// TopicURL is a discussion topic.
func TopicURL(id int64) string { return fmt.Sprintf("/topics/%d", id) }

// ReplyURL is a reply; the site resolves it to the topic page it is on.
func ReplyURL(id int64) string { return fmt.Sprintf("/replies/%d", id) }

// maxDayRows is the longest period whose every day gets a table row; a
// longer period lists only the days that had activity.
const maxDayRows = 31

// barWidth is the length of the longest bar in the day table.
const barWidth = 20

// Compose drafts a briefing's title and Markdown body from its figures in
// the language of p. The body has one headed section per part of the
// figures, with numbers in bold and links to the people, proposals and
// replies it names; everything taken from the data is escaped so a title
// cannot break the Markdown around it.
func Compose(p Printer, c Community, period Period, f *Figures) (title string, sections []Section, body string) {
	from, to := period.From.In(Zone).Format(DayLayout), period.LastDay().Format(DayLayout)
	title = p.T("briefing.draft.title", "community", c.Name, "from", from, "to", to)
	add := func(key, md string) {
		sections = append(sections, Section{Key: key, Heading: p.T("briefing.section." + key), Markdown: strings.TrimSpace(md)})
	}
	add("overview", overview(p, c, from, to, f))
	add("members", members(p, f))
	add("active", active(p, f))
	add("liked", liked(p, f))
	add("themes", themes(p, c, f))
	add("days", days(p, period, f))
	var b strings.Builder
	for _, s := range sections {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", Escape(s.Heading), s.Markdown)
	}
	fmt.Fprintf(&b, "---\n\n%s\n", p.T("briefing.draft.footer", "community", link(c.Name, CommunityURL(c.ID))))
	return title, sections, b.String()
}

func overview(p Printer, c Community, from, to string, f *Figures) string {
	var b strings.Builder
	b.WriteString(p.T("briefing.overview.intro", "community", link(c.Name, CommunityURL(c.ID)), "from", from, "to", to,
		"actions", bold(f.Actions)))
	b.WriteString("\n\n")
	items := []string{
		p.T("briefing.overview.new_members", "n", bold(f.NewMembers)),
		p.T("briefing.overview.posts", "n", bold(f.Posts()), "topics", f.Topics, "replies", f.Replies),
		p.T("briefing.overview.active", "n", bold(f.ActiveMembers)),
		p.T("briefing.overview.proposals", "n", bold(f.Proposals)),
		p.T("briefing.overview.decisions", "adopted", bold(f.Adopted), "declined", bold(f.Declined)),
		p.T("briefing.overview.rounds", "n", bold(f.RoundsClosed)),
	}
	for _, it := range items {
		b.WriteString("- " + it + "\n")
	}
	return b.String()
}

func members(p Printer, f *Figures) string {
	if f.NewMembers == 0 {
		return p.T("briefing.members.none")
	}
	names := make([]string, len(f.Joined))
	for i, m := range f.Joined {
		names[i] = link(m.Name, PersonURL(m.Username))
	}
	text := p.T("briefing.members.welcome", "n", bold(f.NewMembers), "names", strings.Join(names, p.T("briefing.list_separator")))
	if rest := f.NewMembers - len(f.Joined); rest > 0 {
		text += p.T("briefing.members.more", "n", rest)
	}
	return text
}

func active(p Printer, f *Figures) string {
	if len(f.TopMembers) == 0 {
		return p.T("briefing.active.none")
	}
	var b strings.Builder
	for i, m := range f.TopMembers {
		fmt.Fprintf(&b, "%d. %s\n", i+1, p.T("briefing.active.item", "name", link(m.Name, PersonURL(m.Username)), "count", bold(m.Count)))
	}
	return b.String()
}

func liked(p Printer, f *Figures) string {
	if len(f.TopReplies) == 0 {
		return p.T("briefing.liked.none")
	}
	var b strings.Builder
	for i, r := range f.TopReplies {
		fmt.Fprintf(&b, "%d. %s\n", i+1, p.T("briefing.liked.item",
			"author", link(r.Author.Name, PersonURL(r.Author.Username)),
			"topic", link(r.TopicTitle, ReplyURL(r.ReplyID)), "likes", bold(r.Likes)))
		if r.Excerpt != "" {
			fmt.Fprintf(&b, "   > %s\n", Escape(r.Excerpt))
		}
	}
	return b.String()
}

func themes(p Printer, c Community, f *Figures) string {
	if len(f.Decisions) == 0 && len(f.Rounds) == 0 && f.Proposals == 0 {
		return p.T("briefing.themes.none")
	}
	var b strings.Builder
	for _, d := range f.Decisions {
		key := "briefing.themes.declined"
		if d.Adopted {
			key = "briefing.themes.adopted"
		}
		b.WriteString("- " + p.T(key, "title", link(d.Title, ProposalURL(d.ProposalID))) + "\n")
	}
	for _, r := range f.Rounds {
		line := p.T("briefing.themes.round", "title", link(r.Title, ThemesURL(c.ID)), "voters", bold(r.Voters))
		if r.Leader != "" {
			line += p.T("briefing.themes.round_leader", "leader", Escape(r.Leader), "votes", r.LeaderVotes)
		}
		b.WriteString("- " + line + "\n")
	}
	if f.Proposals > 0 {
		b.WriteString("- " + p.T("briefing.themes.proposals", "n", bold(f.Proposals), "link", link(p.T("briefing.themes.go"), ThemesURL(c.ID))) + "\n")
	}
	return b.String()
}

func days(p Printer, period Period, f *Figures) string {
	if f.Actions == 0 {
		return p.T("briefing.days.none")
	}
	top := f.MaxDay()
	var b strings.Builder
	fmt.Fprintf(&b, "| %s | %s | |\n| --- | ---: | --- |\n", Escape(p.T("briefing.days.date")), Escape(p.T("briefing.days.count")))
	long := len(f.Days) > maxDayRows
	for _, d := range f.Days {
		if long && d.Count == 0 {
			continue
		}
		bar := ""
		if top > 0 && d.Count > 0 {
			bar = strings.Repeat("▇", max(1, d.Count*barWidth/top))
		}
		fmt.Fprintf(&b, "| %s | %d | %s |\n", d.Day, d.Count, bar)
	}
	return b.String()
}

func bold(n int) string { return fmt.Sprintf("**%d**", n) }

// link writes a Markdown link with escaped text; the URLs are our own.
func link(text, url string) string { return "[" + Escape(text) + "](" + url + ")" }

// Escape makes text from the data (names, titles, excerpts) literal in
// Markdown: ASCII punctuation that Markdown gives meaning to gets a
// backslash, and line breaks become spaces so a title stays on its line.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_{}[]()<>#+-.!|~&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

package web

import (
	"cmp"
	"encoding/xml"
	"net/http"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
)

// Activity streams (a community's page, a section of an institution's
// page) and a community's Atom feed. Streams page by keyset: ?before=ID
// names the last event of the previous page.

// streamItemView is a stream event phrased for people.
type streamItemView struct {
	ID      int64
	Who     string
	WhoURL  string
	Text    string // the phrase, ending with a colon when a title follows
	Title   string
	Link    string
	At      string
	ISOTime string
}

// describeStream phrases stream items. Phrases are "stream.<verb>.<object>"
// keys; an item of a kind without one is left out rather than shown as a key.
func (s *Server) describeStream(p *Page, items []service.StreamItem) []streamItemView {
	out := make([]streamItemView, 0, len(items))
	for _, it := range items {
		e := it.Event
		key := "stream." + string(e.Verb) + "." + e.ObjectType
		if !s.cat.Has(p.Lang, key) {
			continue
		}
		v := streamItemView{ID: e.ID, Who: it.Who.Name, Text: p.T(key), Title: contextTitle(e.Context),
			Link: streamLink(it), At: p.Date(e.At), ISOTime: e.At.Format(time.RFC3339)}
		if it.Who.Username != "" {
			v.WhoURL = briefing.PersonURL(it.Who.Username)
		}
		if v.Who == "" {
			v.Who = p.T("stream.someone")
		}
		if v.Title != "" {
			v.Text += p.T("stream.colon")
		}
		out = append(out, v)
	}
	return out
}

// streamLink is where a stream item points.
func streamLink(it service.StreamItem) string {
	e := it.Event
	switch e.ObjectType {
	case event.ObjJournalEntry:
		return "/journal/" + itoa(e.ObjectID)
	case service.ObjProposal:
		return briefing.ProposalURL(e.ObjectID)
	case service.ObjRound:
		return briefing.ThemesURL(e.SpaceID)
	case service.ObjCommunity:
		return briefing.CommunityURL(e.ObjectID)
	case discussion.ObjTopic:
		return briefing.TopicURL(e.ObjectID)
	case discussion.ObjReply:
		return briefing.ReplyURL(e.ObjectID)
	case service.ObjBriefing:
		return service.BriefingURL(e.ObjectID)
	case event.ObjAnnouncement:
		if it.SpaceKind == space.Community {
			return "/c/" + itoa(e.SpaceID) + "/announcements#announcement-" + itoa(e.ObjectID)
		}
		return "/i/" + itoa(e.SpaceID)
	}
	return ""
}

// beforeParam reads ?before=ID; junk starts at the newest.
func beforeParam(r *http.Request) int64 {
	id, _ := pathID(r.URL.Query().Get("before"))
	return id
}

const streamPageSize = 30

type activityView struct {
	*Page
	C       *community.Community
	A       service.Access
	Items   []streamItemView
	NextURL string
}

func (s *Server) showCommunityActivity(w http.ResponseWriter, r *http.Request) {
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	viewer := currentUser(r)
	c, a, err := s.svc.Community(r.Context(), viewer, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.svc.CommunityStream(r.Context(), viewer, id, beforeParam(r), streamPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "briefing.activity.title")
	v := activityView{Page: p, C: c, A: a, Items: s.describeStream(p, st.Items)}
	if st.Next != 0 {
		v.NextURL = "/c/" + itoa(id) + "/activity?before=" + itoa(st.Next)
	}
	s.render(w, r, http.StatusOK, "community_activity", v)
}

const institutionStreamSize = 15

// institutionStream fills the stream section of an institution's page.
func (s *Server) institutionStream(r *http.Request, v *institutionView) error {
	id := v.I.Space.ID
	st, err := s.svc.InstitutionStream(r.Context(), currentUser(r), id, beforeParam(r), institutionStreamSize)
	if err != nil {
		return err
	}
	v.Stream = s.describeStream(v.Page, st.Items)
	if st.Next != 0 {
		v.StreamNext = "/i/" + itoa(id) + "/activity?before=" + itoa(st.Next) + "#activity"
	}
	return nil
}

const feedEntries = 30

// showCommunityFeed serves the Atom feed of a community's published
// briefings, announcements and adopted themes. Only public communities
// have one for anonymous readers; others answer 404, never a login page.
func (s *Server) showCommunityFeed(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	cf, err := s.svc.CommunityFeed(r.Context(), currentUser(r), id, feedEntries)
	if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Unauthorized) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := cf.Community
	home := s.baseURL + briefing.CommunityURL(c.Space.ID)
	lang := info(r).lang
	f := atomFeed{Title: c.Space.Name, ID: home, Updated: c.Space.CreatedAt.UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: home + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: home}},
		Author: atomPerson{Name: c.Space.Name, URI: home}}
	type dated struct {
		e  atomEntry
		at time.Time
	}
	var entries []dated
	add := func(title, link string, published, updated time.Time, html string) {
		entries = append(entries, dated{at: updated, e: atomEntry{Title: title, ID: link,
			Link: atomLink{Rel: "alternate", Href: link}, Published: published.UTC().Format(time.RFC3339),
			Updated: updated.UTC().Format(time.RFC3339), Content: atomText{Type: "html", Body: html}}})
	}
	for _, b := range cf.Briefings {
		pub := b.CreatedAt
		if b.PublishedAt != nil {
			pub = *b.PublishedAt
		}
		add(b.Title, s.baseURL+service.BriefingURL(b.ID), pub, later(pub, b.UpdatedAt), b.BodyHTML)
	}
	for _, a := range cf.Announcements {
		add(a.Title, home+"/announcements#announcement-"+itoa(a.ID), a.CreatedAt, a.CreatedAt, a.BodyHTML)
	}
	for _, t := range cf.Themes {
		at := t.CreatedAt
		if t.DecidedAt != nil {
			at = *t.DecidedAt
		}
		html, err := markup.Render(t.Problem + "\n\n" + t.DecisionNote)
		if err != nil {
			html = ""
		}
		add(s.cat.T(lang, "briefing.feed.theme_adopted", "title", t.Title), s.baseURL+briefing.ProposalURL(t.ID), at, at, string(html))
	}
	slices.SortStableFunc(entries, func(a, b dated) int { return cmp.Compare(b.at.UnixMilli(), a.at.UnixMilli()) })
	for i, d := range entries {
		if i == 0 && d.at.After(c.Space.CreatedAt) {
			f.Updated = d.at.UTC().Format(time.RFC3339)
		}
		if i < feedEntries {
			f.Entries = append(f.Entries, d.e)
		}
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		s.log.Warn("encode community feed", "community", id, "err", err)
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

package service

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Community announcements and briefings (简报). Hosts and facilitators post
// announcements in a community and report on a period in a briefing: the
// service drafts it from the data (the event log first, the community's
// tables where the log holds no figure), the host edits the text, and
// publishing shows it on the community's page, its list and its feed.

// ObjBriefing is the object type of briefing events.
const ObjBriefing = "briefing"

// catalog returns the embedded message catalogue, loaded once per process.
// It is compiled into the binary and never changes after loading, so
// sharing it between several Services is sharing a constant, not state.
var catalog = sync.OnceValues(i18n.Load)

// requireLead allows hosts and facilitators to write in a community that is
// not archived.
func requireLead(a Access) error {
	switch {
	case a.Archived:
		return errArchived
	case !a.Lead:
		return errForbidden
	}
	return nil
}

// validateAnnouncement trims and checks an announcement's title and body.
func validateAnnouncement(title, body string) (string, string, error) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxAnnouncementTitle:
		f.Add("title", "form.too_long", "max", MaxAnnouncementTitle)
	}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		f.Add("body", "form.required")
	case n > MaxAnnouncementBody:
		f.Add("body", "form.too_long", "max", MaxAnnouncementBody)
	}
	return title, body, f.Err()
}

// PostCommunityAnnouncement publishes an announcement in a community (hosts
// and facilitators, not when archived). It reuses the announcements table
// of institutional spaces: the community's space holds it.
func (s *Service) PostCommunityAnnouncement(ctx context.Context, actor *account.User, communityID int64, title, body string) (*store.Announcement, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if err := requireLead(a); err != nil {
		return nil, err
	}
	title, body, err = validateAnnouncement(title, body)
	if err != nil {
		return nil, err
	}
	html, err := render("body", body)
	if err != nil {
		return nil, err
	}
	an := &store.Announcement{SpaceID: c.Space.ID, AuthorID: actor.ID, AuthorName: actor.Name(), Title: title, Body: body,
		BodyHTML: html, CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateAnnouncement(ctx, an); err != nil {
			return err
		}
		return s.recordTheme(ctx, q, actor, c, event.Announced, event.ObjAnnouncement, an.ID, map[string]any{"title": truncate(title, 200)})
	})
	if err != nil {
		return nil, err
	}
	return an, nil
}

// CommunityAnnouncements lists a community's announcements for its readers.
func (s *Service) CommunityAnnouncements(ctx context.Context, viewer *account.User, communityID int64, limit int) ([]*store.Announcement, error) {
	if _, _, err := s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	return s.db.R().Announcements(ctx, communityID, limit)
}

// DeleteCommunityAnnouncement removes an announcement (hosts and
// facilitators, not when archived).
func (s *Service) DeleteCommunityAnnouncement(ctx context.Context, actor *account.User, communityID, id int64) error {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return err
	}
	if err := requireLead(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		ok, err := q.DeleteAnnouncement(ctx, c.Space.ID, id)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		return s.recordTheme(ctx, q, actor, c, event.Deleted, event.ObjAnnouncement, id, nil)
	})
}

// notActivity lists verbs that record no contribution to a community, left
// out of a briefing's counts: page views, and taking a like back.
var notActivity = []event.Verb{event.Viewed, discussion.VerbUnliked}

// briefingFigures computes a period's figures from the data.
func (s *Service) briefingFigures(ctx context.Context, c *community.Community, p briefing.Period) (*briefing.Figures, error) {
	r := s.db.R()
	af := store.ActivityFilter{SpaceID: c.Space.ID, From: p.From, To: p.To, Exclude: notActivity}
	counts, err := r.CountActivity(ctx, af)
	if err != nil {
		return nil, err
	}
	f := &briefing.Figures{Actions: counts.Actions, ActiveMembers: counts.Actors,
		Topics:    counts.ByKind[store.ActivityKind(discussion.VerbCreated, discussion.ObjTopic)],
		Replies:   counts.ByKind[store.ActivityKind(discussion.VerbReplied, discussion.ObjReply)],
		Proposals: counts.ByKind[store.ActivityKind(VerbProposed, ObjProposal)]}
	if err := s.joinedFigures(ctx, af, f); err != nil {
		return nil, err
	}
	if err := s.decisionFigures(ctx, c, af, f); err != nil {
		return nil, err
	}
	if f.TopMembers, err = r.TopActors(ctx, af, briefing.Top); err != nil {
		return nil, err
	}
	liked, err := r.MostLikedReplies(ctx, c.Space.ID, p.From, p.To, briefing.Top)
	if err != nil {
		return nil, err
	}
	for _, lr := range liked {
		lr.Excerpt = markup.Excerpt(lr.Body, 80)
		f.TopReplies = append(f.TopReplies, lr.LikedReply)
	}
	days, err := r.DayCounts(ctx, af)
	if err != nil {
		return nil, err
	}
	f.Days = briefing.FillDays(p, days)
	return f, nil
}

// joinedFigures counts the distinct people who joined in the period. A join
// event's actor is whoever let the member in (the member, or the host who
// approved a request), so the member is read from the event's context.
func (s *Service) joinedFigures(ctx context.Context, af store.ActivityFilter, f *briefing.Figures) error {
	r := s.db.R()
	evs, err := r.PeriodEvents(ctx, af, VerbJoined, ObjCommunity, 100_000)
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range evs {
		if id := contextMember(e); !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	f.NewMembers = len(ids)
	listed := ids[:min(len(ids), briefing.MaxJoinedListed)]
	people, err := r.PeopleByIDs(ctx, listed)
	if err != nil {
		return err
	}
	for _, id := range listed {
		if p, ok := people[id]; ok {
			f.Joined = append(f.Joined, briefing.Person{ID: p.ID, Name: p.Name, Username: p.Username})
		}
	}
	return nil
}

// contextMember is the member an event is about: its context's "member",
// else its actor.
func contextMember(e *event.Event) int64 {
	var c struct {
		Member int64 `json:"member"`
	}
	if decodeContext(e, &c) && c.Member != 0 {
		return c.Member
	}
	return e.ActorID
}

// decisionFigures lists the theme decisions of the period and the voting
// rounds that closed in it (and have closed by now: results of an open
// round may be secret until its deadline).
func (s *Service) decisionFigures(ctx context.Context, c *community.Community, af store.ActivityFilter, f *briefing.Figures) error {
	r := s.db.R()
	for _, verb := range []event.Verb{VerbAdopted, VerbDeclined} {
		evs, err := r.PeriodEvents(ctx, af, verb, ObjProposal, 200)
		if err != nil {
			return err
		}
		for _, e := range evs {
			f.Decisions = append(f.Decisions, briefing.Decision{ProposalID: e.ObjectID, Title: contextTitle(e),
				Adopted: verb == VerbAdopted, At: e.At})
		}
		if verb == VerbAdopted {
			f.Adopted = len(evs)
		} else {
			f.Declined = len(evs)
		}
	}
	slices.SortStableFunc(f.Decisions, func(a, b briefing.Decision) int { return a.At.Compare(b.At) })
	to := earlier(af.To, s.Now())
	if to.After(af.From) {
		rounds, err := r.RoundsClosedBetween(ctx, c.Space.ID, af.From, to)
		if err != nil {
			return err
		}
		f.Rounds, f.RoundsClosed = rounds, len(rounds)
	}
	return nil
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// contextTitle reads the title an event's context recorded.
func contextTitle(e *event.Event) string {
	var c struct {
		Title string `json:"title"`
	}
	decodeContext(e, &c)
	return c.Title
}

// decodeContext reads an event's JSON context into v, reporting success.
func decodeContext(e *event.Event, v any) bool { return json.Unmarshal([]byte(e.Context), v) == nil }

// BriefingFigures computes the figures of a period for the hosts and
// facilitators drafting a briefing (the live panel beside the editor).
func (s *Service) BriefingFigures(ctx context.Context, actor *account.User, communityID int64, p briefing.Period) (*briefing.Figures, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if err := requireLead(a); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return s.briefingFigures(ctx, c, p)
}

// DraftBriefing drafts a briefing of a period from the data, in the
// actor's language; nothing is stored until the host saves it.
func (s *Service) DraftBriefing(ctx context.Context, actor *account.User, communityID int64, from, to time.Time) (*briefing.Briefing, error) {
	lang := ""
	if actor != nil {
		lang = actor.Lang
	}
	return s.DraftBriefingIn(ctx, actor, communityID, briefing.Period{From: from, To: to}, lang)
}

// DraftBriefingIn is DraftBriefing in a given language ("" = the default),
// for a host whose page is shown in a language they have not saved.
func (s *Service) DraftBriefingIn(ctx context.Context, actor *account.User, communityID int64, p briefing.Period, lang string) (*briefing.Briefing, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if err := requireLead(a); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	f, err := s.briefingFigures(ctx, c, p)
	if err != nil {
		return nil, err
	}
	cat, err := catalog()
	if err != nil {
		return nil, err
	}
	b := &briefing.Briefing{SpaceID: c.Space.ID, AuthorID: actor.ID, AuthorName: actor.Name(), Period: p, Figures: *f,
		Status: briefing.Draft}
	b.Title, b.Sections, b.BodyMarkdown = briefing.Compose(cat.Printer(lang), briefing.Community{ID: c.Space.ID, Name: c.Space.Name}, p, f)
	b.Title = truncateRunes(b.Title, briefing.MaxTitle)
	if b.BodyHTML, err = render("body", b.BodyMarkdown); err != nil {
		return nil, err
	}
	return b, nil
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

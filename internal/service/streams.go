package service

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Activity streams of a community and of an institution, read from the
// event log. A stream shows only what its viewer may see, by the same rules
// as a person's timeline: never logins, settings or drafts; journal events
// only when the entry's recorded visibility allows it; community events only
// to readers of the community, and only the kinds that say what members did
// (never who voted, which a secret ballot's live tally could give away,
// never join requests, removals or role changes); institution events only
// announcements. Posts a moderator hid are left out.

// StreamItem is one event of a stream and the person it is about: the
// actor, or for a join or a registration the person who joined.
type StreamItem struct {
	Event *event.Event
	Who   store.PersonRef
	// SpaceKind is the kind of the space the event happened in, which
	// tells the pages where an announcement lives.
	SpaceKind space.Kind
}

// Stream is one page of a stream.
type Stream struct {
	Items []StreamItem
	// Next is the beforeID of the following page, 0 when there is none.
	Next int64
}

// Limits of a stream page.
const (
	MaxStreamPage = 50
	// streamScans bounds the batches read to fill one page, so that a long
	// run of events the viewer may not see cannot make a request slow; the
	// page is then shorter and Next still moves on.
	streamScans = 4
)

// communityStreamKinds are the events a community stream shows, by
// "verb/object_type" (store.ActivityKind).
var communityStreamKinds = map[string]bool{
	store.ActivityKind(event.Created, ObjCommunity):                            true,
	store.ActivityKind(VerbJoined, ObjCommunity):                               true,
	store.ActivityKind(VerbStatusChanged, ObjCommunity):                        true,
	store.ActivityKind(VerbProposed, ObjProposal):                              true,
	store.ActivityKind(event.Commented, ObjProposal):                           true,
	store.ActivityKind(VerbAdopted, ObjProposal):                               true,
	store.ActivityKind(VerbDeclined, ObjProposal):                              true,
	store.ActivityKind(VerbRoundOpened, ObjRound):                              true,
	store.ActivityKind(discussion.VerbCreated, discussion.ObjTopic):            true,
	store.ActivityKind(discussion.VerbReplied, discussion.ObjReply):            true,
	store.ActivityKind(event.Announced, event.ObjAnnouncement):                 true,
	store.ActivityKind(event.Published, ObjBriefing):                           true,
	store.ActivityKind(discussion.VerbMarkedExpertAnswer, discussion.ObjReply): true,
}

// streamFilter decides, event by event, what one viewer may see, caching
// what it looks up (communities' access, schools) for the page.
// institutionStreamVerbs are the verbs an institution stream can show at
// all (streamFilter.visible decides per event); the rest of the log never
// leaves the database.
var institutionStreamVerbs = func() []event.Verb {
	seen := map[event.Verb]bool{event.Published: true, event.Commented: true, event.Followed: true,
		event.Registered: true, event.Announced: true}
	for kind := range communityStreamKinds {
		verb, _, _ := strings.Cut(kind, "/")
		seen[event.Verb(verb)] = true
	}
	out := make([]event.Verb, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}()

type streamFilter struct {
	s           *Service
	viewer      *account.User
	communities map[int64]bool // space ID → may read
	schools     map[int64]bool // institution ID → same school as the viewer
}

func (s *Service) newStreamFilter(viewer *account.User) *streamFilter {
	return &streamFilter{s: s, viewer: viewer, communities: map[int64]bool{}, schools: map[int64]bool{}}
}

func (f *streamFilter) visible(ctx context.Context, e *event.Event) (bool, error) {
	if e.SpaceID == 0 {
		return false, nil
	}
	ref, err := f.s.spaces.get(ctx, e.SpaceID)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil // a deleted space
	}
	if err != nil {
		return false, err
	}
	switch ref.Kind {
	case space.Community:
		if !communityStreamKinds[store.ActivityKind(e.Verb, e.ObjectType)] {
			return false, nil
		}
		if e.Verb == discussion.VerbMarkedExpertAnswer && !contextMarked(e) {
			return false, nil // an unmarking is no news
		}
		return f.readsCommunity(ctx, e.SpaceID)
	case space.Institution:
		return e.Verb == event.Announced && e.ObjectType == event.ObjAnnouncement, nil
	case space.Personal:
		return f.personal(ctx, e)
	}
	return false, nil
}

func (f *streamFilter) readsCommunity(ctx context.Context, id int64) (bool, error) {
	if ok, seen := f.communities[id]; seen {
		return ok, nil
	}
	_, _, err := f.s.community(ctx, f.viewer, id)
	ok := err == nil
	if err != nil && !apperr.Is(err, apperr.NotFound) && !apperr.Is(err, apperr.Unauthorized) {
		return false, err
	}
	f.communities[id] = ok
	return ok, nil
}

// personal applies the timeline's rule to an event in a personal space:
// the verbs others may see, about content whose recorded visibility the
// viewer may see (the actor's own school sees "institution" content).
func (f *streamFilter) personal(ctx context.Context, e *event.Event) (bool, error) {
	if !publicVerb(e) {
		return false, nil
	}
	vis := contextVisibility(e)
	switch {
	case vis == space.Public:
		return true, nil
	case f.viewer != nil && f.viewer.ID == e.ActorID:
		return true, nil
	case vis != space.InstitutionOnly:
		return false, nil
	}
	same, seen := f.schools[e.InstitutionID]
	if !seen {
		var err error
		if same, err = f.s.sameSchool(ctx, f.viewer, e.InstitutionID); err != nil {
			return false, err
		}
		f.schools[e.InstitutionID] = same
	}
	return same, nil
}

// streamPage fills a stream page from fetch, which returns the events before a
// position, newest first. Each batch is filtered, posts a moderator hid are
// dropped, and the page stops at limit visible events or when the log ends.
func (s *Service) streamPage(ctx context.Context, viewer *account.User, beforeID int64, limit int,
	fetch func(before int64, n int) ([]*event.Event, error)) (*Stream, error) {
	limit = min(max(limit, 1), MaxStreamPage)
	f := s.newStreamFilter(viewer)
	out := &Stream{}
	var shown []*event.Event
	before := beforeID
	for range streamScans {
		batch, err := fetch(before, 2*limit)
		if err != nil {
			return nil, err
		}
		for i, e := range batch {
			ok, err := f.visible(ctx, e)
			if err != nil {
				return nil, err
			}
			if ok {
				shown = append(shown, e)
			}
			before = e.ID
			if len(shown) == limit {
				out.Next = e.ID
				if i == len(batch)-1 && len(batch) < 2*limit {
					out.Next = 0 // the log ends with this event
				}
				return s.withPeople(ctx, out, shown)
			}
		}
		if len(batch) < 2*limit {
			return s.withPeople(ctx, out, shown)
		}
	}
	out.Next = before
	return s.withPeople(ctx, out, shown)
}

// withPeople drops events about hidden posts and names each item's person.
func (s *Service) withPeople(ctx context.Context, out *Stream, evs []*event.Event) (*Stream, error) {
	r := s.db.R()
	var topics, replies []int64
	for _, e := range evs {
		switch e.ObjectType {
		case discussion.ObjTopic:
			topics = append(topics, e.ObjectID)
		case discussion.ObjReply:
			replies = append(replies, e.ObjectID)
			if t := contextTopic(e); t != 0 {
				topics = append(topics, t)
			}
		}
	}
	hiddenTopics, hiddenReplies, err := r.HiddenPosts(ctx, topics, replies)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, e := range evs {
		if hiddenTopics[e.ObjectID] && e.ObjectType == discussion.ObjTopic ||
			e.ObjectType == discussion.ObjReply && (hiddenReplies[e.ObjectID] || hiddenTopics[contextTopic(e)]) {
			continue
		}
		ref, err := s.spaces.get(ctx, e.SpaceID)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, StreamItem{Event: e, Who: store.PersonRef{ID: streamSubject(e)}, SpaceKind: ref.Kind})
		ids = append(ids, streamSubject(e))
	}
	people, err := r.PeopleByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		if p, ok := people[out.Items[i].Who.ID]; ok {
			out.Items[i].Who = p
		}
	}
	return out, nil
}

// streamSubject is who a stream item is about.
func streamSubject(e *event.Event) int64 {
	switch {
	case e.Verb == VerbJoined:
		return contextMember(e)
	case e.Verb == event.Registered && e.ObjectType == event.ObjUser:
		return e.ObjectID
	}
	return e.ActorID
}

// contextMarked reads whether a toggle event recorded the "on" state.
func contextMarked(e *event.Event) bool {
	var c struct {
		Marked bool `json:"marked"`
	}
	return decodeContext(e, &c) && c.Marked
}

// contextTopic reads the topic a reply event recorded.
func contextTopic(e *event.Event) int64 {
	var c struct {
		TopicID int64 `json:"topic_id"`
	}
	if decodeContext(e, &c) {
		return c.TopicID
	}
	return 0
}

// CommunityStream is what members did in a community, for its readers.
func (s *Service) CommunityStream(ctx context.Context, viewer *account.User, communityID, beforeID int64, limit int) (*Stream, error) {
	if _, _, err := s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	r := s.db.R()
	return s.streamPage(ctx, viewer, beforeID, limit, func(before int64, n int) ([]*event.Event, error) {
		return r.StreamEvents(ctx, store.StreamFilter{SpaceID: communityID, Before: before, Limit: n})
	})
}

// InstitutionStream is what the people of an institution did that the
// viewer may see: those whose home is the institution or one of its
// teaching-research groups. A district's stream is its own staff's, not
// the merge of all its schools', which would sort millions of events.
func (s *Service) InstitutionStream(ctx context.Context, viewer *account.User, institutionID, beforeID int64, limit int) (*Stream, error) {
	inst, err := s.institution(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	r := s.db.R()
	ids := []int64{inst.ID}
	if inst.Level == space.School || inst.Level == space.Group {
		groups, err := r.GroupsUnder(ctx, inst.ID)
		if err != nil {
			return nil, err
		}
		ids = append(ids, groups...)
	}
	return s.streamPage(ctx, viewer, beforeID, limit, func(before int64, n int) ([]*event.Event, error) {
		// Each institution's page comes from its index; merging the few
		// sorted lists keeps the (at, id) order without a sort in SQL.
		var all []*event.Event
		for _, id := range ids {
			evs, err := r.StreamEvents(ctx, store.StreamFilter{InstitutionID: id, Before: before, Limit: n, Verbs: institutionStreamVerbs})
			if err != nil {
				return nil, err
			}
			all = append(all, evs...)
		}
		slices.SortFunc(all, func(a, b *event.Event) int {
			return cmp.Or(b.At.Compare(a.At), cmp.Compare(b.ID, a.ID))
		})
		return all[:min(len(all), n)], nil
	})
}

// CommunityFeed is what a community's Atom feed carries.
type CommunityFeed struct {
	Community     *community.Community
	Briefings     []*briefing.Briefing
	Announcements []*store.Announcement
	Themes        []*community.Proposal
}

// CommunityFeed returns the published briefings, announcements and adopted
// themes of a community for its feed. Feed readers fetch without a session
// and share what they fetch, so a community that is not public has no feed
// for anonymous readers: NotFound, not a login page.
func (s *Service) CommunityFeed(ctx context.Context, viewer *account.User, communityID int64, limit int) (*CommunityFeed, error) {
	c, err := s.db.R().CommunityByID(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if viewer == nil && c.Space.Visibility != space.Public {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if c, _, err = s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	r := s.db.R()
	f := &CommunityFeed{Community: c}
	if f.Briefings, _, err = r.Briefings(ctx, c.Space.ID, briefing.Published, limit, 0); err != nil {
		return nil, err
	}
	if f.Announcements, err = r.Announcements(ctx, c.Space.ID, limit); err != nil {
		return nil, err
	}
	if f.Themes, err = r.Proposals(ctx, c.Space.ID, community.Adopted); err != nil {
		return nil, err
	}
	return f, nil
}

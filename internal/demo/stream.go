package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// viewContinue is the chance a visit goes on to one more page.
const viewContinue = 0.55

// eventBatch is how many events are written at a time.
const eventBatch = 4096

// eventStream turns the time-ordered happenings of the year into events
// and appends them in time order, so that event IDs grow with time as the
// log's readers expect. Page views are invented on the way: only what was
// published before a visit can be viewed in it.
type eventStream struct {
	w       *world
	q       *store.Q
	r       *rand.Rand
	insts   []*space.Space
	pending []event.Event
	written int
	cs      commStream
	pipe    *writePipe // writes the events and notifications beside their generation
}

// writeEvents writes the whole year's events and returns how many.
func (w *world) writeEvents(ctx context.Context, q *store.Q, insts []*space.Space) (int, error) {
	hs := make([]happening, 0, len(insts)+len(w.people)+2*len(w.entries)+len(w.comments)+len(w.follows)+
		len(w.notices)+len(w.profiles)+len(w.sessions))
	for i, s := range insts {
		hs = append(hs, happening{at: s.CreatedAt.UnixMilli(), kind: hInstitution, idx: int32(i)})
	}
	for i, p := range w.people {
		hs = append(hs, happening{at: p.user.CreatedAt.UnixMilli(), kind: hRegistered, idx: int32(i)})
	}
	for i, e := range w.entries {
		hs = append(hs, happening{at: e.created.UnixMilli(), kind: hEntryCreated, idx: int32(i)})
		if !e.draft() {
			hs = append(hs, happening{at: e.published.UnixMilli(), kind: hEntryPublished, idx: int32(i)})
		}
		if !e.updated.IsZero() {
			hs = append(hs, happening{at: e.updated.UnixMilli(), kind: hEntryUpdated, idx: int32(i)})
		}
	}
	for i, c := range w.comments {
		hs = append(hs, happening{at: c.at.UnixMilli(), kind: hComment, idx: int32(i)})
	}
	for i, f := range w.follows {
		hs = append(hs, happening{at: f.at.UnixMilli(), kind: hFollow, idx: int32(i)})
	}
	for i, n := range w.notices {
		hs = append(hs, happening{at: n.at.UnixMilli(), kind: hNotice, idx: int32(i)})
	}
	hs = append(hs, w.profiles...)
	hs = append(hs, w.sessions...)
	hs = append(hs, w.communityHappenings()...)
	hs = append(hs, w.libraryHappenings()...)
	w.profiles, w.sessions = nil, nil
	slices.SortStableFunc(hs, func(a, b happening) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.kind, b.kind))
	})
	s := &eventStream{w: w, q: q, r: w.rng(rngViews, 0), insts: insts, pending: make([]event.Event, 0, 2*eventBatch),
		pipe: newWritePipe()}
	defer s.pipe.wait() //nolint:errcheck // on the error paths; the normal one waits below
	if err := w.indexLibrary(ctx, q, s.pipe); err != nil {
		return 0, err
	}
	for i, h := range hs {
		if len(s.pending) >= eventBatch {
			if err := s.flush(ctx, h.at); err != nil {
				return s.written, err
			}
		}
		if err := s.emit(h); err != nil {
			return s.written, err
		}
		if i%200_000 == 0 && i > 0 {
			w.log("events: %d written", s.written)
		}
	}
	if err := s.flush(ctx, 1<<62); err != nil {
		return s.written, err
	}
	if err := s.flushNotes(ctx, true); err != nil {
		return s.written, err
	}
	return s.written, s.pipe.wait()
}

// flush writes the pending events that happened before upTo; later ones
// wait, since events still to come may precede them.
func (s *eventStream) flush(ctx context.Context, upTo int64) error {
	slices.SortStableFunc(s.pending, func(a, b event.Event) int { return a.At.Compare(b.At) })
	cut, _ := slices.BinarySearchFunc(s.pending, upTo, func(e event.Event, t int64) int { return cmp.Compare(e.At.UnixMilli(), t) })
	if cut == 0 {
		return nil
	}
	// The writer gets its own copy; pending goes on collecting.
	batch := slices.Clone(s.pending[:cut])
	if err := s.pipe.send(func() error { return s.q.BulkAppendEvents(ctx, batch) }); err != nil {
		return err
	}
	if err := s.flushNotes(ctx, false); err != nil {
		return err
	}
	s.written += cut
	s.pending = append(s.pending[:0], s.pending[cut:]...)
	return nil
}

func (s *eventStream) add(e event.Event, details map[string]any) error {
	e.Context = "{}"
	if len(details) > 0 {
		b, err := json.Marshal(details)
		if err != nil {
			return fmt.Errorf("event context: %w", err)
		}
		e.Context = string(b)
	}
	s.pending = append(s.pending, e)
	return nil
}

// emit adds the events of one happening, as the service would record them.
func (s *eventStream) emit(h happening) error {
	w := s.w
	at := time.UnixMilli(h.at).UTC()
	switch h.kind {
	case hInstitution:
		sp := s.insts[h.idx]
		return s.add(event.Event{At: at, Verb: event.InstitutionAdded, ObjectType: event.ObjSpace, ObjectID: sp.ID,
			SpaceID: sp.ID, InstitutionID: sp.ID}, map[string]any{"name": sp.Name, "level": sp.Level})
	case hRegistered:
		u := &w.people[h.idx].user
		return s.add(event.Event{At: at, ActorID: u.ID, Verb: event.Registered, ObjectType: event.ObjUser, ObjectID: u.ID,
			SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, map[string]any{"role": u.Role})
	case hProfile:
		u := &w.people[h.idx].user
		return s.add(event.Event{At: at, ActorID: u.ID, Verb: event.ProfileUpdated, ObjectType: event.ObjUser,
			ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, nil)
	case hEntryCreated, hEntryPublished, hEntryUpdated:
		e := w.entries[h.idx]
		verb, status := event.Created, journal.Draft
		switch {
		case h.kind == hEntryPublished:
			verb, status = event.Published, journal.Published
			s.publish(e, h.idx)
		case h.kind == hEntryUpdated:
			verb = event.Updated
		case e.published.Equal(e.created): // written and published in one go
			status = journal.Published
		}
		u := &w.people[e.author].user
		return s.add(event.Event{At: at, ActorID: u.ID, Verb: verb, ObjectType: event.ObjJournalEntry, ObjectID: e.id,
			SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID},
			map[string]any{"title": truncate(e.title, 200), "status": status, "visibility": e.vis})
	case hComment:
		c := w.comments[h.idx]
		e := w.entries[c.entry]
		u := &w.people[c.author].user
		return s.add(event.Event{At: at, ActorID: u.ID, Verb: event.Commented, ObjectType: event.ObjJournalEntry,
			ObjectID: e.id, SpaceID: w.people[e.author].user.PersonalSpaceID, InstitutionID: u.InstitutionID},
			map[string]any{"comment_id": c.id})
	case hFollow:
		f := w.follows[h.idx]
		from, to := &w.people[f.from].user, &w.people[f.to].user
		return s.add(event.Event{At: at, ActorID: from.ID, Verb: event.Followed, ObjectType: event.ObjUser, ObjectID: to.ID,
			SpaceID: to.PersonalSpaceID, InstitutionID: from.InstitutionID}, nil)
	case hNotice:
		n := w.notices[h.idx]
		return s.add(event.Event{At: at, ActorID: w.people[n.author].user.ID, Verb: event.Announced,
			ObjectType: event.ObjAnnouncement, ObjectID: n.id, SpaceID: n.space.ID, InstitutionID: n.space.ID},
			map[string]any{"title": truncate(n.title, 200)})
	case hSession:
		return s.session(h.idx, at)
	case hLibrary:
		s.pending = append(s.pending, w.libEvents[h.idx])
		return nil
	}
	if h.kind >= hCommCreated {
		return s.emitCommunity(h, at)
	}
	return fmt.Errorf("unknown happening kind %d", h.kind)
}

// publish makes a published entry viewable by later visits: by colleagues
// unless it is private, by the whole district if it is public.
func (s *eventStream) publish(e *entryPlan, idx int32) {
	p := s.w.people[e.author]
	if e.vis == space.Private {
		return
	}
	if p.school >= 0 {
		sc := s.w.schools[p.school]
		sc.visible = append(sc.visible, idx)
	}
	if e.vis == space.Public && p.district >= 0 {
		d := s.w.districts[p.district]
		d.public = append(d.public, idx)
	}
}

// session writes a login and the pages viewed in that visit.
func (s *eventStream) session(pi int32, at time.Time) error {
	w, r := s.w, s.r
	p := w.people[pi]
	u := &p.user
	if err := s.add(event.Event{At: at, ActorID: u.ID, Verb: event.LoggedIn, ObjectType: event.ObjUser, ObjectID: u.ID,
		SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, nil); err != nil {
		return err
	}
	n := 1
	for n < 15 && r.Float64() < viewContinue {
		n++
	}
	t := at
	for range n {
		t = t.Add(20*time.Second + time.Duration(r.ExpFloat64()*float64(2*time.Minute)))
		if !t.Before(w.cal.now) {
			break
		}
		objType, objID, spaceID := s.viewTarget(p, pi)
		if err := s.add(event.Event{At: t, ActorID: u.ID, Verb: event.Viewed, ObjectType: objType, ObjectID: objID,
			SpaceID: spaceID, InstitutionID: u.InstitutionID}, nil); err != nil {
			return err
		}
	}
	return nil
}

// viewTarget picks what a visitor looks at: colleagues' entries, public
// entries of the district, colleagues' spaces, their school or district.
func (s *eventStream) viewTarget(p *person, pi int32) (objType string, objID, spaceID int64) {
	w, r := s.w, s.r
	var sc *school
	if p.school >= 0 {
		sc = w.schools[p.school]
	}
	var d *district
	if p.district >= 0 {
		d = w.districts[p.district]
	}
	entry := func(pool []int32) (string, int64, int64, bool) {
		if len(pool) == 0 {
			return "", 0, 0, false
		}
		i := pool[r.IntN(len(pool))]
		if len(pool) > 300 && r.IntN(10) < 7 { // recent entries are read more
			i = pool[len(pool)-1-r.IntN(300)]
		}
		e := w.entries[i]
		if e.author == pi {
			return "", 0, 0, false
		}
		ps := w.people[e.author].user.PersonalSpaceID
		return event.ObjJournalEntry, e.id, ps, true
	}
	x := r.Float64()
	switch {
	case x < 0.4 && sc != nil:
		if t, o, sp, ok := entry(sc.visible); ok {
			return t, o, sp
		}
	case x < 0.55 && d != nil:
		if t, o, sp, ok := entry(d.public); ok {
			return t, o, sp
		}
	case x < 0.75 && sc != nil && sc.active != nil:
		if c := sc.active.pick(r); c != pi {
			ps := w.people[c].user.PersonalSpaceID
			return event.ObjSpace, ps, ps
		}
	case x >= 0.9 && d != nil:
		if sc != nil && len(sc.groups) > 0 && r.IntN(2) == 0 {
			g := sc.groups[max(0, w.people[pi].group)]
			return event.ObjSpace, g.ID, g.ID
		}
		return event.ObjSpace, d.space.ID, d.space.ID
	}
	home := p.user.InstitutionID
	if home == 0 {
		home = w.region.ID
	}
	return event.ObjSpace, home, home
}

// truncate cuts s to at most n bytes on a rune boundary, as the service does
// for event contexts.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

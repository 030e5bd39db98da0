package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/notify"
)

// The events of the communities' year, written in time order among the
// foundation's, and the notifications the discussion sends, as the services
// record them: who did it, what, in which community, attributed to the
// community's institution (settings, requests, invitations) or the actor's
// (theme negotiation, discussion, joining).

// Community verbs and object types, as the service names them
// (TestCommunityVerbsMatchService keeps them equal).
const (
	verbJoined        event.Verb = "joined"
	verbRequested     event.Verb = "requested"
	verbApproved      event.Verb = "approved"
	verbInvited       event.Verb = "invited"
	verbStatusChanged event.Verb = "status_changed"
	verbProposed      event.Verb = "proposed"
	verbVoted         event.Verb = "voted"
	verbRoundOpened   event.Verb = "round_opened"
	verbAdopted       event.Verb = "adopted"
	objCommunity                 = "community"
	objProposal                  = "theme_proposal"
	objRound                     = "vote_round"
	objJoinRequest               = "join_request"
	objJoinApproved              = "join_request_approved"
)

// Kinds of community happening, after the foundation's; at one moment they
// are written in this order.
const (
	hCommCreated uint8 = 32 + iota
	hCommInvited
	hCommRequested
	hCommJoined
	hCommApproved
	hCommActivated
	hBoardCreated
	hProposed
	hProposalComment
	hRoundOpened
	hVoted
	hAdopted
	hTopicCreated
	hTopicPinned
	hReplied
	hLiked
	hMarkedExpert
	hCommArchived
	hNoticeVoteOpened // the fan-out jobs that tell every member
	hNoticeVoteClosed
	hNoticeAdopted
)

// fanoutDelay is how long after a vote opens, closes or a theme is adopted
// the job that tells every member runs.
const fanoutDelay = 400

// communityHappenings lists everything that happened in the communities.
func (w *world) communityHappenings() []happening {
	cw := &w.comm
	hs := make([]happening, 0, 3*len(cw.list)+2*len(cw.members)+2*len(cw.proposals)+len(cw.pcomments)+
		len(cw.rounds)+len(cw.ballots)+len(cw.boards)+2*len(cw.topics)+len(cw.replies)+len(cw.likes))
	add := func(at int64, kind uint8, idx int) { hs = append(hs, happening{at: at, kind: kind, idx: int32(idx)}) }
	for i, cp := range cw.list {
		add(cp.created, hCommCreated, i)
		add(cp.activated, hCommActivated, i)
		if cp.archived != 0 {
			add(cp.archived, hCommArchived, i)
		}
	}
	for i, m := range cw.members {
		switch m.via {
		case viaInvite:
			add(m.asked, hCommInvited, i)
			add(m.at, hCommJoined, i)
		case viaRequest:
			add(m.asked, hCommRequested, i)
			add(m.at, hCommApproved, i)
		case viaOpen:
			add(m.at, hCommJoined, i)
		}
	}
	for i, b := range cw.boards {
		if b.name != "" {
			add(b.at, hBoardCreated, i)
		}
	}
	for i, p := range cw.proposals {
		add(p.at, hProposed, i)
		if p.adopted {
			at := cw.rounds[cw.list[p.comm].round].adoptAt
			add(at, hAdopted, i)
			add(at+fanoutDelay, hNoticeAdopted, i)
		}
	}
	for i, c := range cw.pcomments {
		add(c.at, hProposalComment, i)
	}
	for i, rd := range cw.rounds {
		add(rd.at, hRoundOpened, i)
		add(rd.at+fanoutDelay, hNoticeVoteOpened, i)
		add(rd.closes+fanoutDelay, hNoticeVoteClosed, i)
	}
	for i, b := range cw.ballots {
		add(b.at, hVoted, i)
	}
	for i, tp := range cw.topics {
		add(tp.at, hTopicCreated, i)
		if tp.pinnedAt != 0 {
			add(tp.pinnedAt, hTopicPinned, i)
		}
	}
	for i := range cw.replies {
		rp := &cw.replies[i]
		add(rp.at, hReplied, i)
		if rp.markedBy >= 0 {
			add(rp.markedAt, hMarkedExpert, i)
		}
	}
	for i, l := range cw.likes {
		add(l.at, hLiked, i)
	}
	return hs
}

// commStream is what the event stream keeps for the communities: the
// notifications due, written in batches in the order they were sent.
type commStream struct {
	notes []notify.Notification
	r     *rand.Rand
}

// flushNotes writes the notifications gathered so far, when there are
// enough of them or force is set.
func (s *eventStream) flushNotes(ctx context.Context, force bool) error {
	cs := &s.cs
	if len(cs.notes) == 0 || !force && len(cs.notes) < rowChunk {
		return nil
	}
	notes := cs.notes
	if err := s.pipe.send(func() error {
		if err := s.q.BulkInsertNotifications(ctx, notes); err != nil {
			return fmt.Errorf("write notifications: %w", err)
		}
		return nil
	}); err != nil {
		return err
	}
	s.w.comm.notified += len(notes)
	cs.notes = make([]notify.Notification, 0, len(notes)) // the writer owns the sent ones
	return nil
}

// deliver queues a notification to person to, as the service's Notify
// stores it: nobody is told of their own doing; people who use the
// platform read most of theirs.
func (s *eventStream) deliver(to int32, n notify.Notification) {
	w := s.w
	if to < 0 || n.ActorID == w.userID(to) {
		return
	}
	if s.cs.r == nil {
		s.cs.r = w.rng(rngNotes, 0)
	}
	n.UserID = w.userID(to)
	n.Title = notify.ShortTitle(n.Title, notify.MaxTitle)
	n.ReadAt = w.readAt(s.cs.r, to, msOf(n.CreatedAt))
	s.cs.notes = append(s.cs.notes, n)
}

// notify queues a notification of the discussion, as notifyDiscussion
// sends it.
func (s *eventStream) notify(to, actor int32, kind notify.Kind, tp *topicPlan, replyID int64, at time.Time) {
	objType, objID, url := discussion.ObjTopic, tp.id, "/topics/"+strconv.FormatInt(tp.id, 10)
	if replyID != 0 {
		objType, objID, url = discussion.ObjReply, replyID, "/replies/"+strconv.FormatInt(replyID, 10)
	}
	s.deliver(to, notify.Notification{Kind: kind, ActorID: s.w.userID(actor), SpaceID: s.w.comm.list[tp.comm].c.Space.ID,
		ObjectType: objType, ObjectID: objID, Title: tp.title, URL: url, CreatedAt: at})
}

// fanOut tells every member of a community who had joined by then, in the
// order of their IDs, as the service's batched fan-out job does.
func (s *eventStream) fanOut(cp *commPlan, n notify.Notification) {
	cw := &s.w.comm
	t := msOf(n.CreatedAt)
	ms := cw.membersOf(cp)[:cw.joinedBy(cp, t)]
	people := make([]int32, len(ms))
	for i, m := range ms {
		people[i] = m.person
	}
	slices.SortFunc(people, func(a, b int32) int { return cmp.Compare(s.w.userID(a), s.w.userID(b)) })
	n.SpaceID = cp.c.Space.ID
	for _, pi := range people {
		s.deliver(pi, n)
	}
}

// communityURL is a community's home page, where its notifications lead.
func communityURL(id int64) string { return "/c/" + strconv.FormatInt(id, 10) }

// emitCommunity adds the events of one community happening.
func (s *eventStream) emitCommunity(h happening, at time.Time) error {
	w := s.w
	cw := &w.comm
	ev := func(actor int32, verb event.Verb, objType string, objID, spaceID, inst int64, details map[string]any) error {
		return s.add(event.Event{At: at, ActorID: w.userID(actor), Verb: verb, ObjectType: objType, ObjectID: objID,
			SpaceID: spaceID, InstitutionID: inst}, details)
	}
	inst := func(pi int32) int64 { return w.people[pi].user.InstitutionID }
	switch h.kind {
	case hCommCreated, hCommActivated, hCommArchived:
		cp := cw.list[h.idx]
		c := cp.c
		switch h.kind {
		case hCommCreated:
			return ev(cp.host, event.Created, objCommunity, c.Space.ID, c.Space.ID, c.InstitutionID, map[string]any{"name": c.Space.Name})
		case hCommActivated:
			return ev(cp.host, verbStatusChanged, objCommunity, c.Space.ID, c.Space.ID, c.InstitutionID,
				map[string]any{"from": community.Planning, "to": community.Active})
		}
		return ev(cp.host, verbStatusChanged, objCommunity, c.Space.ID, c.Space.ID, c.InstitutionID,
			map[string]any{"from": community.Active, "to": community.Archived})
	case hCommInvited, hCommRequested, hCommJoined, hCommApproved:
		m := &cw.members[h.idx]
		cp := cw.list[m.comm]
		c := cp.c
		member := w.userID(m.person)
		switch h.kind {
		case hCommInvited:
			s.deliver(m.person, notify.Notification{Kind: notify.Invitation, ActorID: w.userID(cp.host), SpaceID: c.Space.ID,
				ObjectType: objCommunity, ObjectID: c.Space.ID, Title: c.Space.Name, URL: communityURL(c.Space.ID), CreatedAt: at})
			return ev(cp.host, verbInvited, objCommunity, c.Space.ID, c.Space.ID, c.InstitutionID,
				map[string]any{"invitee": member, "role": m.role})
		case hCommRequested:
			// The request reaches the hosts and facilitators of the moment.
			ms := cw.membersOf(cp)[:cw.joinedBy(cp, msOf(at))]
			var leads []int32
			for _, l := range ms {
				if community.Leads(l.role) {
					leads = append(leads, l.person)
				}
			}
			slices.SortFunc(leads, func(a, b int32) int { return cmp.Compare(w.userID(a), w.userID(b)) })
			for _, l := range leads {
				s.deliver(l, notify.Notification{Kind: notify.JoinRequest, ActorID: member, SpaceID: c.Space.ID,
					ObjectType: objJoinRequest, ObjectID: m.reqID, Title: c.Space.Name,
					URL: communityURL(c.Space.ID) + "#join-requests", CreatedAt: at})
			}
			return ev(m.person, verbRequested, objCommunity, c.Space.ID, c.Space.ID, c.InstitutionID, map[string]any{"request_id": m.reqID})
		case hCommJoined:
			return ev(m.person, verbJoined, objCommunity, c.Space.ID, c.Space.ID, inst(m.person),
				map[string]any{"member": member, "role": m.role, "via": viaName[m.via]})
		}
		if err := ev(cp.host, verbJoined, objCommunity, c.Space.ID, c.Space.ID, inst(m.person),
			map[string]any{"member": member, "role": m.role, "via": viaName[m.via]}); err != nil {
			return err
		}
		s.deliver(m.person, notify.Notification{Kind: notify.JoinDecision, ActorID: w.userID(cp.host), SpaceID: c.Space.ID,
			ObjectType: objJoinApproved, ObjectID: m.reqID, Title: c.Space.Name, URL: communityURL(c.Space.ID), CreatedAt: at})
		return ev(cp.host, verbApproved, objCommunity, c.Space.ID, c.Space.ID, c.InstitutionID,
			map[string]any{"member": member, "request_id": m.reqID})
	case hBoardCreated:
		b := cw.boards[h.idx]
		cp := cw.list[b.comm]
		return ev(cp.host, discussion.VerbCreated, discussion.ObjBoard, b.id, cp.c.Space.ID, inst(cp.host), map[string]any{"name": b.name})
	case hProposed, hAdopted:
		p := cw.proposals[h.idx]
		cp := cw.list[p.comm]
		if h.kind == hProposed {
			return ev(p.author, verbProposed, objProposal, p.id, cp.c.Space.ID, inst(p.author), map[string]any{"title": truncate(p.title, 200)})
		}
		return ev(cp.host, verbAdopted, objProposal, p.id, cp.c.Space.ID, inst(cp.host), map[string]any{"title": truncate(p.title, 200)})
	case hProposalComment:
		pc := cw.pcomments[h.idx]
		p := cw.proposals[pc.proposal]
		return ev(pc.author, event.Commented, objProposal, p.id, cw.list[p.comm].c.Space.ID, inst(pc.author), nil)
	case hRoundOpened:
		rd := cw.rounds[h.idx]
		cp := cw.list[rd.comm]
		return ev(cp.host, verbRoundOpened, objRound, rd.id, cp.c.Space.ID, inst(cp.host),
			map[string]any{"title": truncate(rd.title, 200), "closes_at": rd.closes, "secret": rd.secret})
	case hVoted:
		b := cw.ballots[h.idx]
		rd := cw.rounds[b.round]
		// That someone voted, never for what (secret or not, as the service).
		return ev(b.person, verbVoted, objRound, rd.id, cw.list[rd.comm].c.Space.ID, inst(b.person), nil)
	case hTopicCreated, hTopicPinned:
		tp := cw.topics[h.idx]
		cp := cw.list[tp.comm]
		if h.kind == hTopicPinned {
			return ev(cp.host, discussion.VerbPinned, discussion.ObjTopic, tp.id, cp.c.Space.ID, inst(cp.host), map[string]any{"on": true})
		}
		s.notify(tp.mention, tp.author, notify.Mention, tp, 0, at)
		return ev(tp.author, discussion.VerbCreated, discussion.ObjTopic, tp.id, cp.c.Space.ID, inst(tp.author),
			map[string]any{"title": truncate(tp.title, 200), "board_id": cw.boards[tp.board].id})
	case hReplied, hMarkedExpert:
		rp := &cw.replies[h.idx]
		tp := cw.topics[rp.topic]
		cp := cw.list[tp.comm]
		if h.kind == hMarkedExpert {
			return ev(rp.markedBy, discussion.VerbMarkedExpertAnswer, discussion.ObjReply, rp.id, cp.c.Space.ID, inst(rp.markedBy),
				map[string]any{"topic_id": tp.id, "marked": true})
		}
		s.notify(rp.mention, rp.author, notify.Mention, tp, rp.id, at)
		if tp.author != rp.mention {
			s.notify(tp.author, rp.author, notify.Reply, tp, rp.id, at)
		}
		var parent int64
		if rp.parent >= 0 {
			parent = cw.replies[rp.parent].id
		}
		return ev(rp.author, discussion.VerbReplied, discussion.ObjReply, rp.id, cp.c.Space.ID, inst(rp.author),
			map[string]any{"topic_id": tp.id, "title": truncate(tp.title, 200), "parent_id": parent})
	case hNoticeVoteOpened, hNoticeVoteClosed:
		rd := cw.rounds[h.idx]
		cp := cw.list[rd.comm]
		n := notify.Notification{Kind: notify.VoteOpened, ActorID: w.userID(cp.host), ObjectType: objRound, ObjectID: rd.id,
			Title: cp.c.Space.Name, URL: fmt.Sprintf("/c/%d/themes#round-%d", cp.c.Space.ID, rd.id), CreatedAt: at}
		if h.kind == hNoticeVoteClosed {
			n.Kind, n.ActorID = notify.VoteClosed, 0 // closing is nobody's doing: the host is told too
		}
		s.fanOut(cp, n)
		return nil
	case hNoticeAdopted:
		p := cw.proposals[h.idx]
		cp := cw.list[p.comm]
		s.fanOut(cp, notify.Notification{Kind: notify.ThemeAdopted, ActorID: w.userID(cp.host), ObjectType: objProposal,
			ObjectID: p.id, Title: p.title, URL: fmt.Sprintf("/proposals/%d", p.id), CreatedAt: at})
		return nil
	case hLiked:
		l := cw.likes[h.idx]
		rp := &cw.replies[l.reply]
		tp := cw.topics[rp.topic]
		return ev(l.person, discussion.VerbLiked, discussion.ObjReply, rp.id, cw.list[tp.comm].c.Space.ID, inst(l.person),
			map[string]any{"topic_id": tp.id, "author_id": w.userID(rp.author)})
	}
	return fmt.Errorf("unknown community happening kind %d", h.kind)
}

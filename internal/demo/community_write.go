package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// inviteDays is how long an invitation by name lasts (the service's
// MaxInviteDays).
const inviteDays = 90

// byTime returns the indices 0..n-1 ordered by the times at gives, ties in
// index order: the order in which the services would have assigned IDs.
func byTime(n int, at func(int) int64) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(at(int(a)), at(int(b))) })
	return order
}

// userID is the ID of person pi.
func (w *world) userID(pi int32) int64 { return w.people[pi].user.ID }

// writeCommunities writes every community with its members, requests,
// invitations, theme negotiation and discussion; events and notifications
// come with the event stream.
func (w *world) writeCommunities(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	if len(cw.list) == 0 {
		return nil
	}
	steps := []struct {
		name string
		fn   func(context.Context, *store.Q) error
	}{
		{"communities", w.writeCommunitySpaces}, {"memberships", w.writeMemberships}, {"proposals", w.writeProposals},
		{"rounds", w.writeRounds}, {"boards", w.writeBoards}, {"topics", w.writeTopics}, {"replies", w.writeReplies},
	}
	for _, s := range steps {
		if err := s.fn(ctx, q); err != nil {
			return fmt.Errorf("write %s: %w", s.name, err)
		}
	}
	w.log("communities: %d, with %d memberships, %d topics and %d replies", len(cw.list), len(cw.members),
		len(cw.topics), len(cw.replies))
	return nil
}

// writeCommunitySpaces gives the communities IDs in order of creation and
// writes their spaces and settings.
func (w *world) writeCommunitySpaces(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	order := byTime(len(cw.list), func(i int) int64 { return cw.list[i].created })
	first, err := q.ReserveIDs(ctx, "spaces", len(order))
	if err != nil {
		return err
	}
	cs := make([]*community.Community, len(order))
	for k, ci := range order {
		cp := cw.list[ci]
		c := cp.c
		c.Space.ID, c.Space.ParentID = first+int64(k), cp.owner.ID
		c.Space.Path = space.ChildPath(cp.owner.Path, c.Space.ID)
		c.InstitutionID, c.Institution, c.CreatedBy = cp.owner.ID, cp.owner.Name, w.userID(cp.host)
		cs[k] = c
	}
	return q.BulkInsertCommunities(ctx, cs)
}

// writeMemberships writes the members (which counts them), the approved
// join requests and the used invitations.
func (w *world) writeMemberships(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	rows := make([]store.MemberRow, len(cw.members))
	for i, m := range cw.members {
		p := w.people[m.person]
		rows[i] = store.MemberRow{SpaceID: cw.list[m.comm].c.Space.ID, UserID: p.user.ID, Role: m.role,
			SortName: w.sortKey(p.user.Name()), JoinedAt: atMS(m.at)}
	}
	if err := q.BulkAddMembers(ctx, rows); err != nil {
		return err
	}
	var requested, invited []int32
	for i, m := range cw.members {
		switch m.via {
		case viaRequest:
			requested = append(requested, int32(i))
		case viaInvite:
			invited = append(invited, int32(i))
		}
	}
	slices.SortStableFunc(requested, func(a, b int32) int { return cmp.Compare(cw.members[a].asked, cw.members[b].asked) })
	slices.SortStableFunc(invited, func(a, b int32) int { return cmp.Compare(cw.members[a].asked, cw.members[b].asked) })
	if len(requested) > 0 {
		first, err := q.ReserveIDs(ctx, "join_requests", len(requested))
		if err != nil {
			return err
		}
		reqs := make([]store.JoinRequestRow, len(requested))
		for k, mi := range requested {
			m := &cw.members[mi]
			cp := cw.list[m.comm]
			m.reqID = first + int64(k)
			r := w.rng(rngCommunity+1000, uint64(mi))
			tc := newCommText(r, cp.focus, w.people[m.person].subject(), cp.stage)
			if s := w.people[m.person].school; s >= 0 {
				tc.school = w.schools[s].space.Name
			}
			decided := atMS(m.at)
			reqs[k] = store.JoinRequestRow{ID: m.reqID, SpaceID: cp.c.Space.ID, UserID: w.userID(m.person),
				Message: tc.fill(pick(r, joinMessages)), Status: "approved", DecidedBy: w.userID(cp.host),
				CreatedAt: atMS(m.asked), DecidedAt: &decided}
		}
		if err := q.BulkInsertJoinRequests(ctx, reqs); err != nil {
			return err
		}
	}
	invs := make([]*store.Invitation, len(invited))
	for k, mi := range invited {
		m := cw.members[mi]
		cp := cw.list[m.comm]
		asked := atMS(m.asked)
		invs[k] = &store.Invitation{SpaceID: cp.c.Space.ID, InviterID: w.userID(cp.host), InviteeID: w.userID(m.person),
			Role: m.role, Uses: 1, ExpiresAt: asked.Add(inviteDays * 24 * time.Hour), CreatedAt: asked}
	}
	return q.BulkInsertInvitations(ctx, invs)
}

// writeProposals writes the proposals in order of time with their
// decisions, then their discussion.
func (w *world) writeProposals(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	order := byTime(len(cw.proposals), func(i int) int64 { return cw.proposals[i].at })
	first, err := q.ReserveIDs(ctx, "theme_proposals", len(order))
	if err != nil {
		return err
	}
	ps := make([]*community.Proposal, len(order))
	for k, pi := range order {
		p := cw.proposals[pi]
		p.id = first + int64(k)
		cp := cw.list[p.comm]
		row := &community.Proposal{ID: p.id, SpaceID: cp.c.Space.ID, AuthorID: w.userID(p.author), Title: p.title,
			Problem: p.problem, Rationale: p.rationale, Plan: p.plan, Status: community.Proposed, CommentCount: p.comments,
			CreatedAt: atMS(p.at)}
		if p.adopted {
			decided := atMS(cw.rounds[cp.round].adoptAt)
			row.Status, row.DecisionNote, row.DecidedBy, row.DecidedAt = community.Adopted, p.note, w.userID(cp.host), &decided
		}
		ps[k] = row
	}
	if err := q.BulkInsertProposals(ctx, ps); err != nil {
		return err
	}
	br := newBlockRenderer()
	corder := byTime(len(cw.pcomments), func(i int) int64 { return cw.pcomments[i].at })
	cs := make([]store.ProposalCommentRow, len(corder))
	for k, i := range corder {
		pc := &cw.pcomments[i]
		body, html, err := br.render([]string{w.proposalCommentText(pc)})
		if err != nil {
			return err
		}
		cs[k] = store.ProposalCommentRow{ProposalID: cw.proposals[pc.proposal].id, AuthorID: w.userID(pc.author),
			Body: body, BodyHTML: html, At: atMS(pc.at)}
	}
	return q.BulkInsertProposalComments(ctx, cs)
}

// writeRounds writes the voting rounds with their tallies, and the ballots.
func (w *world) writeRounds(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	order := byTime(len(cw.rounds), func(i int) int64 { return cw.rounds[i].at })
	first, err := q.ReserveIDs(ctx, "vote_rounds", len(order))
	if err != nil {
		return err
	}
	rs := make([]*community.Round, len(order))
	for k, ri := range order {
		rd := cw.rounds[ri]
		rd.id = first + int64(k)
		cp := cw.list[rd.comm]
		row := &community.Round{ID: rd.id, SpaceID: cp.c.Space.ID, CreatedBy: w.userID(cp.host), Title: rd.title,
			Budget: rd.budget, ClosesAt: atMS(rd.closes), LiveResults: rd.live, Secret: rd.secret, VoterCount: rd.voters,
			CreatedAt: atMS(rd.at)}
		for i, o := range rd.options {
			row.Options = append(row.Options, community.Option{ProposalID: cw.proposals[o].id, Tally: rd.tallies[i]})
		}
		rs[k] = row
	}
	if err := q.BulkInsertRounds(ctx, rs); err != nil {
		return err
	}
	bs := make([]store.Ballot, len(cw.ballots))
	for i, b := range cw.ballots {
		rd := cw.rounds[b.round]
		ids := make([]int64, len(b.approve))
		for j, o := range b.approve {
			ids[j] = cw.proposals[o].id
		}
		bs[i] = store.Ballot{RoundID: rd.id, UserID: w.userID(b.person), Approve: ids, Secret: rd.secret}
	}
	return q.BulkInsertBallots(ctx, bs)
}

// writeBoards writes the default and named boards in order of creation.
func (w *world) writeBoards(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	order := byTime(len(cw.boards), func(i int) int64 { return cw.boards[i].at })
	first, err := q.ReserveIDs(ctx, "boards", len(order))
	if err != nil {
		return err
	}
	bs := make([]*discussion.Board, len(order))
	for k, bi := range order {
		b := cw.boards[bi]
		b.id = first + int64(k)
		bs[k] = &discussion.Board{ID: b.id, SpaceID: cw.list[b.comm].c.Space.ID, Name: b.name, Position: b.position,
			Default: b.name == "", CreatedAt: atMS(b.at)}
	}
	return q.BulkInsertBoards(ctx, bs)
}

// writeTopics composes and writes the topics in order of creation, with
// the counters their replies leave, and their mentions.
func (w *world) writeTopics(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	order := byTime(len(cw.topics), func(i int) int64 { return cw.topics[i].at })
	first, err := q.ReserveIDs(ctx, "topics", len(order))
	if err != nil {
		return err
	}
	br := newBlockRenderer()
	rows := make([]*discussion.Topic, 0, rowChunk)
	var mentions []store.Mention
	for k, ti := range order {
		tp := cw.topics[ti]
		tp.id = first + int64(k)
		cp := cw.list[tp.comm]
		title, blocks := w.topicText(ti)
		tp.title = title
		body, html, err := br.render(blocks)
		if err != nil {
			return err
		}
		t := &discussion.Topic{ID: tp.id, BoardID: cw.boards[tp.board].id, SpaceID: cp.c.Space.ID, AuthorID: w.userID(tp.author),
			Title: title, Body: body, BodyHTML: html, ReplyCount: int(tp.rhi - tp.rlo), LastReplyAt: atMS(tp.at),
			CreatedAt: atMS(tp.at), UpdatedAt: atMS(tp.at)}
		if tp.theme >= 0 {
			t.ThemeID = cw.proposals[tp.theme].id
		}
		if tp.pinnedAt != 0 {
			t.Pinned, t.UpdatedAt = true, atMS(tp.pinnedAt)
		}
		if tp.rhi > tp.rlo {
			last := &cw.replies[tp.rhi-1]
			t.LastReplyAt, t.LastReplyBy = atMS(last.at), w.userID(last.author)
		}
		if tp.mention >= 0 {
			name := w.people[tp.mention].user.Username
			t.BodyHTML = linkMention(t.BodyHTML, name)
			mentions = append(mentions, store.Mention{PostType: discussion.TopicPost, PostID: tp.id, UserID: w.userID(tp.mention),
				TopicID: tp.id, SpaceID: t.SpaceID, At: t.CreatedAt})
		}
		rows = append(rows, t)
		if len(rows) == rowChunk || k == len(order)-1 {
			if err := q.BulkInsertTopics(ctx, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return q.BulkInsertMentions(ctx, mentions)
}

// writeReplies gives the replies IDs in posting order across the district,
// composes and writes them, then their likes and mentions.
func (w *world) writeReplies(ctx context.Context, q *store.Q) error {
	cw := &w.comm
	if len(cw.replies) == 0 {
		return nil
	}
	order := byTime(len(cw.replies), func(i int) int64 { return cw.replies[i].at })
	first, err := q.ReserveIDs(ctx, "replies", len(order))
	if err != nil {
		return err
	}
	for k, ri := range order {
		cw.replies[ri].id = first + int64(k)
	}
	br := newBlockRenderer()
	md := markup.New()
	batch := make([]discussion.Reply, rowChunk)
	rows := make([]store.ReplyRow, 0, rowChunk)
	var mentions []store.Mention
	pipe := newWritePipe()
	defer pipe.wait() //nolint:errcheck // on the error paths; the normal one waits below
	for k, ri := range order {
		rp := &cw.replies[ri]
		tp := cw.topics[rp.topic]
		blocks := w.replyBlocks(ri)
		body, html, err := br.render(blocks)
		if err != nil {
			return err
		}
		r := &batch[len(rows)]
		*r = discussion.Reply{ID: rp.id, TopicID: tp.id, SpaceID: cw.list[tp.comm].c.Space.ID, Depth: int(rp.depth),
			AuthorID: w.userID(rp.author), Body: body, BodyHTML: html, LikeCount: int(rp.likes),
			CreatedAt: atMS(rp.at), UpdatedAt: atMS(rp.at)}
		if rp.parent >= 0 {
			r.ParentID = cw.replies[rp.parent].id
		}
		if rp.quote >= 0 {
			r.QuoteOf = cw.replies[rp.quote].id
			r.QuoteExcerpt = md.Excerpt(strings.Join(w.replyBlocks(rp.quote), "\n\n"), discussion.QuoteExcerptRunes)
		}
		row := store.ReplyRow{Reply: r}
		if rp.markedBy >= 0 {
			r.ExpertAnswer, r.UpdatedAt, row.ExpertMarkedBy = true, atMS(rp.markedAt), w.userID(rp.markedBy)
		}
		if rp.mention >= 0 {
			r.BodyHTML = linkMention(r.BodyHTML, w.people[rp.mention].user.Username)
			mentions = append(mentions, store.Mention{PostType: discussion.ReplyPost, PostID: rp.id,
				UserID: w.userID(rp.mention), TopicID: tp.id, SpaceID: r.SpaceID, At: r.CreatedAt})
		}
		rows = append(rows, row)
		if len(rows) == rowChunk || k == len(order)-1 {
			full := rows
			if err := pipe.send(func() error { return q.BulkInsertReplies(ctx, full) }); err != nil {
				return err
			}
			// The pipe's writer owns the sent rows: the next ones go to new arrays.
			batch, rows = make([]discussion.Reply, rowChunk), make([]store.ReplyRow, 0, rowChunk)
		}
		if k%200_000 == 0 && k > 0 {
			w.log("replies: %d written", k)
		}
	}
	if err := pipe.wait(); err != nil {
		return err
	}
	if err := q.BulkInsertMentions(ctx, mentions); err != nil {
		return err
	}
	likes := make([]store.LikeRow, 0, rowChunk)
	for i, l := range cw.likes {
		likes = append(likes, store.LikeRow{ReplyID: cw.replies[l.reply].id, UserID: w.userID(l.person), At: atMS(l.at)})
		if len(likes) == rowChunk || i == len(cw.likes)-1 {
			if err := q.BulkInsertLikes(ctx, likes); err != nil {
				return err
			}
			likes = likes[:0]
		}
	}
	return nil
}

// readAt decides whether and when a person read a notification: people
// who use the platform open most of theirs within a day or two.
func (w *world) readAt(r *rand.Rand, recipient int32, created int64) *time.Time {
	if w.people[recipient].weight == 0 || r.Float64() < 0.15 {
		return nil
	}
	t := created + int64(r.ExpFloat64()*float64(30*hour))
	if t >= msOf(w.cal.now) {
		return nil
	}
	v := atMS(t)
	return &v
}

package store

// Bulk loading of training communities for the demo district: communities,
// their join requests and invitations, theme proposals with their
// discussion, voting rounds with ballots, discussion boards, topics,
// replies, likes, mentions and notifications. As in bulk.go, each helper
// writes exactly the rows the one-at-a-time methods leave behind once every
// action of the community's history has run, with counters (member counts,
// tallies, reply and like counts) given by the caller rather than updated
// row by row; rows other rows point to carry IDs from ReserveIDs.

import (
	"context"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/space"
)

// BulkInsertCommunities writes communities whose space ID and path the
// caller has set (the path under the owner institution's), as
// CreateCommunity followed by the status changes of their history would:
// the space of kind community and the settings row with the status as it
// now is. Members are added with BulkAddMembers, which counts them.
func (q *Q) BulkInsertCommunities(ctx context.Context, cs []*community.Community) error {
	spaces := make([]*space.Space, len(cs))
	for i, c := range cs {
		if c.Space == nil || c.Space.Kind != space.Community {
			return fmt.Errorf("bulk insert community %d: its space must be of kind community", i)
		}
		spaces[i] = c.Space
	}
	if err := q.BulkInsertSpaces(ctx, spaces); err != nil {
		return err
	}
	w := q.rowWriter("communities", "space_id", "institution_id", "purpose", "subject", "grade_band", "starts_on",
		"ends_on", "status", "join_policy", "member_cap", "created_by")
	for _, c := range cs {
		if err := w.add(ctx, c.Space.ID, c.InstitutionID, c.Purpose, c.Subject, c.GradeBand, nullMS(c.StartsOn),
			nullMS(c.EndsOn), c.Status, c.JoinPolicy, c.MemberCap, c.CreatedBy); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// JoinRequestRow is a join request as it stands after its decision.
type JoinRequestRow struct {
	ID        int64 // from ReserveIDs: events name the request
	SpaceID   int64
	UserID    int64
	Message   string
	Status    string // pending | approved | declined | cancelled
	Reason    string
	DecidedBy int64 // 0 while pending
	CreatedAt time.Time
	DecidedAt *time.Time
}

// BulkInsertJoinRequests writes join requests as CreateJoinRequest and
// DecideJoinRequest leave them.
func (q *Q) BulkInsertJoinRequests(ctx context.Context, rs []JoinRequestRow) error {
	w := q.rowWriter("join_requests", "id", "space_id", "user_id", "message", "status", "reason", "decided_by",
		"created_at", "decided_at")
	for _, r := range rs {
		if r.ID == 0 {
			return fmt.Errorf("bulk insert join request of user %d: ID must be set", r.UserID)
		}
		if err := w.add(ctx, r.ID, r.SpaceID, r.UserID, r.Message, r.Status, r.Reason, nullInt(r.DecidedBy),
			ms(r.CreatedAt), nullMS(r.DecidedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertInvitations writes invitations by name or link, with their uses
// counted; the database assigns their IDs in the order given.
func (q *Q) BulkInsertInvitations(ctx context.Context, invs []*Invitation) error {
	w := q.rowWriter("invitations", "space_id", "inviter_id", "invitee_id", "token_hash", "role", "max_uses", "uses",
		"expires_at", "revoked_at", "created_at")
	for _, inv := range invs {
		if err := w.add(ctx, inv.SpaceID, inv.InviterID, nullInt(inv.InviteeID), nullStr(inv.TokenHash), inv.Role,
			inv.MaxUses, inv.Uses, ms(inv.ExpiresAt), nullMS(inv.RevokedAt), ms(inv.CreatedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertProposals writes theme proposals whose IDs the caller has set,
// with their decision (if any) and CommentCount as given: a decided
// proposal was last updated when it was decided, as DecideProposal leaves it.
func (q *Q) BulkInsertProposals(ctx context.Context, ps []*community.Proposal) error {
	w := q.rowWriter("theme_proposals", "id", "space_id", "author_id", "title", "problem", "rationale", "plan", "status",
		"decision_note", "decided_by", "decided_at", "comment_count", "created_at", "updated_at")
	for _, p := range ps {
		if p.ID == 0 {
			return fmt.Errorf("bulk insert proposal %q: ID must be set", p.Title)
		}
		updated := p.CreatedAt
		if p.DecidedAt != nil {
			updated = *p.DecidedAt
		}
		if err := w.add(ctx, p.ID, p.SpaceID, p.AuthorID, p.Title, p.Problem, p.Rationale, p.Plan, p.Status,
			p.DecisionNote, nullInt(p.DecidedBy), nullMS(p.DecidedAt), p.CommentCount, ms(p.CreatedAt), ms(updated)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// ProposalCommentRow is one comment in a proposal's discussion.
type ProposalCommentRow struct {
	ProposalID, AuthorID int64
	Body, BodyHTML       string
	At                   time.Time
}

// BulkInsertProposalComments writes proposal comments oldest first (the
// database assigns IDs in that order); the proposals' comment counts are
// the caller's to set.
func (q *Q) BulkInsertProposalComments(ctx context.Context, cs []ProposalCommentRow) error {
	w := q.rowWriter("proposal_comments", "proposal_id", "author_id", "body", "body_html", "created_at")
	for _, c := range cs {
		if err := w.add(ctx, c.ProposalID, c.AuthorID, c.Body, c.BodyHTML, ms(c.At)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertRounds writes voting rounds whose IDs the caller has set, with
// their options, tallies and voter counts as the ballots left them.
func (q *Q) BulkInsertRounds(ctx context.Context, rs []*community.Round) error {
	w := q.rowWriter("vote_rounds", "id", "space_id", "created_by", "title", "budget", "closes_at", "live_results",
		"secret", "voter_count", "created_at")
	for _, r := range rs {
		if r.ID == 0 {
			return fmt.Errorf("bulk insert round %q: ID must be set", r.Title)
		}
		if err := w.add(ctx, r.ID, r.SpaceID, r.CreatedBy, r.Title, r.Budget, ms(r.ClosesAt), r.LiveResults, r.Secret,
			r.VoterCount, ms(r.CreatedAt)); err != nil {
			return err
		}
	}
	if err := w.close(ctx); err != nil {
		return err
	}
	opts := q.rowWriter("vote_options", "round_id", "proposal_id", "tally")
	for _, r := range rs {
		for _, o := range r.Options {
			if err := opts.add(ctx, r.ID, o.ProposalID, o.Tally); err != nil {
				return err
			}
		}
	}
	return opts.close(ctx)
}

// Ballot is one person's vote in a round, for BulkInsertBallots.
type Ballot struct {
	RoundID, UserID int64
	Approve         []int64 // proposal IDs
	Secret          bool    // a secret round keeps who voted, never for what
}

// BulkInsertBallots writes who voted in each round and, for named rounds
// only, what they approved, as CastBallot does; the rounds' tallies and
// voter counts are the caller's (BulkInsertRounds).
func (q *Q) BulkInsertBallots(ctx context.Context, bs []Ballot) error {
	voters := q.rowWriter("vote_participants", "round_id", "user_id")
	for _, b := range bs {
		if err := voters.add(ctx, b.RoundID, b.UserID); err != nil {
			return err
		}
	}
	if err := voters.close(ctx); err != nil {
		return err
	}
	votes := q.rowWriter("votes", "round_id", "proposal_id", "user_id")
	for _, b := range bs {
		if b.Secret {
			continue
		}
		for _, pid := range b.Approve {
			if err := votes.add(ctx, b.RoundID, pid, b.UserID); err != nil {
				return err
			}
		}
	}
	return votes.close(ctx)
}

// BulkInsertBoards writes discussion boards whose IDs the caller has set.
func (q *Q) BulkInsertBoards(ctx context.Context, bs []*discussion.Board) error {
	w := q.rowWriter("boards", "id", "space_id", "name", "description", "position", "is_default", "created_at")
	for _, b := range bs {
		if b.ID == 0 {
			return fmt.Errorf("bulk insert board of space %d: ID must be set", b.SpaceID)
		}
		if err := w.add(ctx, b.ID, b.SpaceID, b.Name, b.Description, b.Position, b.Default, ms(b.CreatedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertTopics writes topics whose IDs the caller has set, with their
// reply counts and latest activity as their replies left them.
func (q *Q) BulkInsertTopics(ctx context.Context, ts []*discussion.Topic) error {
	w := q.rowWriter("topics", "id", "board_id", "space_id", "author_id", "theme_id", "title", "body", "body_html",
		"pinned", "locked", "hidden", "reply_count", "attachment_count", "last_reply_at", "last_reply_by", "created_at",
		"updated_at", "edited_at")
	for _, t := range ts {
		if t.ID == 0 {
			return fmt.Errorf("bulk insert topic %q: ID must be set", t.Title)
		}
		if err := w.add(ctx, t.ID, t.BoardID, t.SpaceID, t.AuthorID, nullInt(t.ThemeID), t.Title, t.Body, t.BodyHTML,
			t.Pinned, t.Locked, t.Hidden, t.ReplyCount, t.AttachmentCount, ms(t.LastReplyAt), nullInt(t.LastReplyBy),
			ms(t.CreatedAt), ms(t.UpdatedAt), nullMS(t.EditedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// ReplyRow is a reply with who marked it an expert answer (0 for nobody).
type ReplyRow struct {
	*discussion.Reply
	ExpertMarkedBy int64
}

// BulkInsertReplies writes replies whose IDs the caller has set, in ID
// order (posting order), with their like counts and expert marks as given.
// Their topics' counters are the caller's (BulkInsertTopics).
func (q *Q) BulkInsertReplies(ctx context.Context, rs []ReplyRow) error {
	w := q.rowWriter("replies", "id", "topic_id", "space_id", "parent_id", "quote_of", "quote_excerpt", "depth",
		"author_id", "body", "body_html", "like_count", "is_expert_answer", "expert_marked_by", "hidden", "created_at",
		"updated_at", "edited_at")
	for _, r := range rs {
		if r.ID == 0 {
			return fmt.Errorf("bulk insert reply in topic %d: ID must be set", r.TopicID)
		}
		if err := w.add(ctx, r.ID, r.TopicID, r.SpaceID, nullInt(r.ParentID), nullInt(r.QuoteOf), r.QuoteExcerpt, r.Depth,
			r.AuthorID, r.Body, r.BodyHTML, r.LikeCount, r.ExpertAnswer, nullInt(r.ExpertMarkedBy), r.Hidden,
			ms(r.CreatedAt), ms(r.UpdatedAt), nullMS(r.EditedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// LikeRow is one like of a reply.
type LikeRow struct {
	ReplyID, UserID int64
	At              time.Time
}

// BulkInsertLikes writes likes; each (reply, person) pair must be new. The
// replies' like counts are the caller's (BulkInsertReplies).
func (q *Q) BulkInsertLikes(ctx context.Context, ls []LikeRow) error {
	w := q.rowWriter("reply_likes", "reply_id", "user_id", "created_at")
	for _, l := range ls {
		if err := w.add(ctx, l.ReplyID, l.UserID, ms(l.At)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertMentions writes the @mentions of posts, as AddMention does.
func (q *Q) BulkInsertMentions(ctx context.Context, mentions []Mention) error {
	w := q.rowWriter("mentions", "post_type", "post_id", "user_id", "topic_id", "space_id", "created_at")
	for _, m := range mentions {
		if err := w.add(ctx, m.PostType, m.PostID, m.UserID, m.TopicID, m.SpaceID, ms(m.At)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// BulkInsertNotifications writes inbox entries oldest first (the database
// assigns IDs in that order, as the inbox expects), with ReadAt as given:
// reading a notification records no event, so a demo may show some read.
func (q *Q) BulkInsertNotifications(ctx context.Context, ns []notify.Notification) error {
	w := q.rowWriter("notifications", "user_id", "kind", "actor_id", "space_id", "object_type", "object_id", "title",
		"url", "read_at", "created_at", "emailed_at")
	for i := range ns {
		n := &ns[i]
		if err := w.add(ctx, n.UserID, n.Kind, nullInt(n.ActorID), n.SpaceID, n.ObjectType, n.ObjectID, n.Title, n.URL,
			nullMS(n.ReadAt), ms(n.CreatedAt), nullMS(n.EmailedAt)); err != nil {
			return err
		}
	}
	return w.close(ctx)
}

// GrowCache enlarges the page cache of the writer connection, which runs
// bulk loads, to mib mebibytes (with sorter threads for the index
// builds), and returns a function that puts both back
// (call it after the load commits; shrinking the cache frees it). A
// district's load writes over a gigabyte in one transaction: with the usual
// small cache SQLite spills pages to the write-ahead log and reads them back
// through its frame index again and again, and builds each index from many
// small sorted runs. PostgreSQL manages its own buffers, so there it does
// nothing.
func (db *DB) GrowCache(ctx context.Context, mib int) (func(context.Context) error, error) {
	if db.Dialect == Postgres {
		return func(context.Context) error { return nil }, nil
	}
	var was int64
	if err := db.write.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&was); err != nil {
		return nil, fmt.Errorf("read cache size: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -mib*1024)); err != nil {
		return nil, fmt.Errorf("grow cache: %w", err)
	}
	// Helper threads let SQLite sort in parallel when the load's indexes
	// are built again: the district's index phase took 64 s instead of
	// 101 s on two cores.
	if _, err := db.write.ExecContext(ctx, `PRAGMA threads = 4`); err != nil {
		return nil, fmt.Errorf("sorter threads: %w", err)
	}
	return func(ctx context.Context) error {
		if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, was)); err != nil {
			return fmt.Errorf("restore cache size: %w", err)
		}
		if _, err := db.write.ExecContext(ctx, `PRAGMA threads = 0`); err != nil {
			return fmt.Errorf("restore sorter threads: %w", err)
		}
		return nil
	}, nil
}

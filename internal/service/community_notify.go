package service

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Notifications about communities. Those addressed to a few people (the
// leads hearing of a join request, the requester hearing the decision, an
// invitee) go straight into the inboxes inside the transaction of the
// change. Those addressed to every member (a vote opened or closed, a theme
// adopted) could be thousands of rows, too many for the transaction of a
// web request: the change enqueues one JobCommunityFanout job instead, in
// its own transaction, and the job notifies the members batch by batch.

// JobCommunityFanout is the job kind that notifies every member of a
// community; the app registers FanOutToMembers for it.
const JobCommunityFanout = "community.fanout"

// DefaultFanoutBatch is how many members one fan-out job notifies in one
// transaction: small enough that SQLite's single writer is never held for
// long, large enough that a 10,000-member community takes few jobs.
const DefaultFanoutBatch = 200

// Object types of join-decision notifications: the request, approved or
// declined. Sentence words the two outcomes differently.
const (
	ObjJoinApproved = "join_request_approved"
	ObjJoinDeclined = "join_request_declined"
	objJoinRequest  = "join_request"
)

// CommunityURL is the home page of a community.
func CommunityURL(id int64) string { return "/c/" + strconv.FormatInt(id, 10) }

// roundURL points at a round, with its results once closed, on the themes page.
func roundURL(communityID, roundID int64) string {
	return fmt.Sprintf("/c/%d/themes#round-%d", communityID, roundID)
}

// notifyJoinRequest tells the hosts and facilitators of a community, who
// decide requests, that someone asks to join.
func (s *Service) notifyJoinRequest(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, r *store.JoinRequest) error {
	leads, err := q.MemberIDsWithRoles(ctx, c.Space.ID, community.RoleHost, community.RoleFacilitator)
	if err != nil {
		return err
	}
	for _, id := range leads {
		err := s.Notify(ctx, q, notify.Notification{UserID: id, Kind: notify.JoinRequest, ActorID: actor.ID,
			SpaceID: c.Space.ID, ObjectType: objJoinRequest, ObjectID: r.ID, Title: c.Space.Name,
			URL: CommunityURL(c.Space.ID) + "#join-requests"})
		if err != nil {
			return err
		}
	}
	return nil
}

// notifyJoinDecision tells the requester how their request was decided. A
// decline's reason follows the community's name in the title, as the host
// wrote it; the requester could read the community to ask, so the link
// goes there either way.
func (s *Service) notifyJoinDecision(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, r *store.JoinRequest, approved bool, reason string) error {
	objType, title := ObjJoinApproved, c.Space.Name
	if !approved {
		objType = ObjJoinDeclined
		if reason != "" {
			title += " — " + reason
		}
	}
	return s.Notify(ctx, q, notify.Notification{UserID: r.UserID, Kind: notify.JoinDecision, ActorID: actor.ID,
		SpaceID: c.Space.ID, ObjectType: objType, ObjectID: r.ID, Title: title, URL: CommunityURL(c.Space.ID)})
}

// notifyInvitation tells someone invited by name; the invitation lets them
// read the community before accepting, so the link works for them.
func (s *Service) notifyInvitation(ctx context.Context, q *store.Q, actor, invitee *account.User, c *community.Community) error {
	return s.Notify(ctx, q, notify.Notification{UserID: invitee.ID, Kind: notify.Invitation, ActorID: actor.ID,
		SpaceID: c.Space.ID, ObjectType: ObjCommunity, ObjectID: c.Space.ID, Title: c.Space.Name,
		URL: CommunityURL(c.Space.ID)})
}

// fanout is the payload of a JobCommunityFanout job: the notification every
// member gets, and how far the fan-out has come.
type fanout struct {
	// Key names the fan-out ("vote_opened:round:12"); with Batch it makes
	// the unique key of each batch's job.
	Key string `json:"key"`
	// Batch counts the fan-out's jobs from 0.
	Batch int `json:"batch,omitempty"`
	// After is the highest member ID already notified; members are taken
	// in ID order.
	After      int64       `json:"after,omitempty"`
	SpaceID    int64       `json:"space_id"`
	Kind       notify.Kind `json:"kind"`
	ActorID    int64       `json:"actor_id,omitempty"`
	ObjectType string      `json:"object_type"`
	ObjectID   int64       `json:"object_id"`
	Title      string      `json:"title"`
	URL        string      `json:"url"`
}

func (f fanout) notification(userID int64) notify.Notification {
	return notify.Notification{UserID: userID, Kind: f.Kind, ActorID: f.ActorID, SpaceID: f.SpaceID,
		ObjectType: f.ObjectType, ObjectID: f.ObjectID, Title: f.Title, URL: f.URL}
}

// fanoutKey is the unique key of a fan-out's job number batch.
func fanoutKey(key string, batch int) string {
	return JobCommunityFanout + ":" + key + "#" + strconv.Itoa(batch)
}

// enqueueFanout queues the notification of every member of a community
// inside the caller's transaction, to start at runAt (zero: now). The
// notification is checked here, so that a bad one fails the change that
// asked for it rather than a job later. Queueing the same key twice adds
// nothing.
func (s *Service) enqueueFanout(ctx context.Context, q *store.Q, runAt time.Time, f fanout) error {
	f.Batch, f.After = 0, 0
	f.Title = notify.ShortTitle(f.Title, notify.MaxTitle)
	probe := f.notification(1)
	if err := probe.Validate(); err != nil {
		return fmt.Errorf("fan out %s to community %d: %w", f.Kind, f.SpaceID, err)
	}
	if _, err := jobs.Enqueue(ctx, q, JobCommunityFanout, f, s.Now(), jobs.Options{RunAt: runAt, UniqueKey: fanoutKey(f.Key, 0)}); err != nil {
		return err
	}
	if s.notify.WakeJobs != nil && !runAt.After(s.Now()) {
		s.notify.WakeJobs()
	}
	return nil
}

// FanOutToMembers is the handler of JobCommunityFanout. Each job notifies
// one batch of members, in ID order, and in the same transaction queues the
// job of the next batch, so a fan-out survives restarts and never holds the
// database for long. The next batch's job is also this batch's receipt: its
// unique key (the fan-out's key and the batch number) is taken once this
// batch has committed, so a job run again (its instance died before
// recording the outcome) notifies nobody twice, even if members joined or
// left in between.
// A job that finds no members left ends the fan-out.
func (s *Service) FanOutToMembers(ctx context.Context, j jobs.Job) error {
	var f fanout
	if err := j.Decode(&f); err != nil {
		return jobs.Permanent(err)
	}
	if f.Key == "" || f.SpaceID <= 0 || !f.Kind.Valid() {
		return jobs.Permanent(fmt.Errorf("fan-out job %d: incomplete payload %s", j.ID, j.Payload))
	}
	more := false
	err := s.db.Tx(ctx, func(q *store.Q) error {
		ids, err := q.MemberIDsAfter(ctx, f.SpaceID, f.After, s.fanoutBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		next := f
		next.Batch, next.After = f.Batch+1, ids[len(ids)-1]
		queued, err := jobs.Enqueue(ctx, q, JobCommunityFanout, next, s.Now(), jobs.Options{UniqueKey: fanoutKey(f.Key, next.Batch)})
		if err != nil || queued == 0 {
			return err // 0: this batch was delivered by an earlier attempt
		}
		for _, id := range ids {
			if err := s.Notify(ctx, q, f.notification(id)); err != nil {
				return err
			}
		}
		more = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("fan out %s to community %d after member %d: %w", f.Kind, f.SpaceID, f.After, err)
	}
	if more && s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return nil
}

// announceRound queues the members' notifications of a new voting round:
// that it opened, now, and that it closed, when it closes. Rounds keep
// their deadline, so the second job can be scheduled once, here; its
// unique key makes it one per round.
func (s *Service) announceRound(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, r *community.Round) error {
	key := "round:" + strconv.FormatInt(r.ID, 10)
	opened := fanout{Key: "vote_opened:" + key, SpaceID: c.Space.ID, Kind: notify.VoteOpened, ActorID: actor.ID,
		ObjectType: ObjRound, ObjectID: r.ID, Title: c.Space.Name, URL: roundURL(c.Space.ID, r.ID)}
	if err := s.enqueueFanout(ctx, q, time.Time{}, opened); err != nil {
		return err
	}
	// Closing is nobody's action: the host is told as well.
	closed := opened
	closed.Key, closed.Kind, closed.ActorID = "vote_closed:"+key, notify.VoteClosed, 0
	return s.enqueueFanout(ctx, q, r.ClosesAt, closed)
}

// announceAdoption queues the members' notification of an adopted theme.
func (s *Service) announceAdoption(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, p *community.Proposal) error {
	return s.enqueueFanout(ctx, q, time.Time{}, fanout{Key: "theme_adopted:proposal:" + strconv.FormatInt(p.ID, 10),
		SpaceID: c.Space.ID, Kind: notify.ThemeAdopted, ActorID: actor.ID, ObjectType: ObjProposal, ObjectID: p.ID,
		Title: p.Title, URL: fmt.Sprintf("/proposals/%d", p.ID)})
}

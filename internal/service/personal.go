package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/imaging"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// PersonalSpace is everything a personal space page shows.
type PersonalSpace struct {
	Owner *account.User
	// Space and Institution are shared through the read cache: read-only.
	Space       *space.Space
	Institution *space.Space // home institution, nil for none
	Follow      store.FollowStats
	Entries     []*journal.Entry
	EntryTotal  int
	IsOwner     bool
}

// PersonalSpace loads the page of username as viewer sees it. Personal
// spaces are public by design (they are how teachers find each other); what
// they show is filtered by each entry's visibility.
func (s *Service) PersonalSpace(ctx context.Context, viewer *account.User, username string, limit, offset int) (*PersonalSpace, error) {
	o, err := cachedRead(ctx, s.reads, ownerKey(account.NormalizeUsername(username)), ownerTables,
		func(ctx context.Context) (*spaceOwner, error) { return s.loadOwner(ctx, username) })
	if err != nil {
		return nil, err
	}
	cp := *o.user // the caller's own copy
	owner := &cp
	r := s.db.R()
	p := &PersonalSpace{Owner: owner, Space: o.space, Institution: o.institution, IsOwner: viewer != nil && viewer.ID == owner.ID}
	var viewerID int64
	if viewer != nil {
		viewerID = viewer.ID
	}
	if p.Follow, err = r.FollowStats(ctx, owner.ID, viewerID); err != nil {
		return nil, err
	}
	if p.Entries, p.EntryTotal, err = s.Entries(ctx, viewer, owner, false, limit, offset); err != nil {
		return nil, err
	}
	return p, nil
}

// spaceOwner is who a personal space belongs to, with the space and their
// institution: the same for every visitor, so it comes from the read
// cache (the spaces are shared: read-only).
type spaceOwner struct {
	user               *account.User
	space, institution *space.Space
}

type ownerKey string

var ownerTables = []string{"users", "spaces"}

// loadOwner reads the owner of a personal space, refusing disabled ones.
func (s *Service) loadOwner(ctx context.Context, username string) (*spaceOwner, error) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	o := &spaceOwner{user: u}
	// The personal space and the owner's institution in one statement.
	spaces, err := s.db.R().SpacesByIDs(ctx, []int64{u.PersonalSpaceID, u.InstitutionID})
	if err != nil {
		return nil, err
	}
	for _, sp := range spaces {
		switch sp.ID {
		case u.PersonalSpaceID:
			o.space = sp
		case u.InstitutionID:
			o.institution = sp
		}
	}
	if o.space == nil {
		return nil, fmt.Errorf("personal space %d of %s: %w", u.PersonalSpaceID, u.Username, apperr.New(apperr.NotFound, "error.not_found"))
	}
	return o, nil
}

// Follow makes actor follow the user with the given username.
func (s *Service) Follow(ctx context.Context, actor *account.User, username string, follow bool) error {
	if actor == nil {
		return errUnauthorized
	}
	target, err := s.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	if target.ID == actor.ID {
		return apperr.New(apperr.Invalid, "follow.self")
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		var changed bool
		verb := event.Followed
		if follow {
			changed, err = q.Follow(ctx, actor.ID, target.ID, s.Now())
		} else {
			verb = event.Unfollowed
			changed, err = q.Unfollow(ctx, actor.ID, target.ID)
		}
		if err != nil || !changed {
			return err
		}
		if follow {
			if err := s.notifyFollow(ctx, q, actor, target); err != nil {
				return err
			}
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: event.ObjUser, ObjectID: target.ID,
			SpaceID: target.PersonalSpaceID, InstitutionID: actor.InstitutionID}, nil)
	})
}

// Following lists who u follows.
func (s *Service) Following(ctx context.Context, u *account.User, limit, offset int) ([]*account.User, error) {
	return s.db.R().Following(ctx, u.ID, limit, offset)
}

// Timeline is a person's own activity, newest first. The owner sees all of
// it; others see only what the person published or said, and only about
// content they may see themselves (an event's context records the
// visibility the content had), never logins, drafts or settings.
func (s *Service) Timeline(ctx context.Context, viewer, owner *account.User, beforeID int64, limit int) ([]*event.Event, error) {
	evs, err := s.db.R().Events(ctx, store.EventFilter{ActorID: owner.ID, BeforeID: beforeID, Limit: limit * 3})
	if err != nil {
		return nil, err
	}
	if viewer != nil && viewer.ID == owner.ID {
		return evs[:min(len(evs), limit)], nil
	}
	allowed, err := s.visibleTo(ctx, viewer, owner)
	if err != nil {
		return nil, err
	}
	out := evs[:0]
	for _, e := range evs {
		if publicVerb(e) && slices.Contains(allowed, contextVisibility(e)) {
			out = append(out, e)
		}
	}
	return out[:min(len(out), limit)], nil
}

// publicVerb reports whether an event may be shown to others at all.
func publicVerb(e *event.Event) bool {
	switch e.Verb {
	case event.Published, event.Commented, event.Followed, event.Registered:
		return true
	}
	return false
}

// contextVisibility reads the visibility an event's context recorded;
// events about things without one (a follow) count as public.
func contextVisibility(e *event.Event) space.Visibility {
	var c struct {
		Visibility space.Visibility `json:"visibility"`
	}
	if json.Unmarshal([]byte(e.Context), &c) != nil || c.Visibility == "" {
		return space.Public
	}
	return c.Visibility
}

// MaxAvatarBytes bounds an uploaded avatar before resizing.
const MaxAvatarBytes = 8 << 20

// AvatarSize is the edge of the stored square avatar in pixels.
const AvatarSize = 256

// SetAvatar resizes an uploaded picture server-side and makes it u's avatar.
func (s *Service) SetAvatar(ctx context.Context, u *account.User, r io.Reader) error {
	img, _, err := imaging.Avatar(r, MaxAvatarBytes, AvatarSize)
	if err != nil {
		f := apperr.Fields{}
		f.Add("avatar", avatarErrorKey(err), "max", MaxAvatarBytes>>20)
		return f.Err()
	}
	key, err := s.blobs.Save(ctx, bytes.NewReader(img))
	if err != nil {
		return err
	}
	u.AvatarKey, u.UpdatedAt = key, s.Now()
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.AvatarUpdated, ObjectType: event.ObjUser,
			ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, nil)
	})
}

// avatarErrorKey maps an imaging failure to the message the uploader sees.
func avatarErrorKey(err error) string {
	switch {
	case errors.Is(err, imaging.ErrTooLarge):
		return "profile.avatar_too_large"
	case errors.Is(err, imaging.ErrUnsupported):
		return "error.unsupported_type"
	}
	return "profile.avatar_corrupt"
}

package service

import (
	"context"
	"fmt"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Saving, publishing and reading briefings. Drafts are seen only by the
// community's hosts and facilitators; published briefings by everyone who
// may read the community. Saving recomputes the figures from the data, so
// the numbers stored beside a briefing are always the platform's own, never
// typed in.

// BriefingURL is the page of a briefing.
func BriefingURL(id int64) string { return fmt.Sprintf("/briefings/%d", id) }

// SaveBriefing stores a new briefing of a community, as a draft or
// published at once (hosts and facilitators, not when archived).
func (s *Service) SaveBriefing(ctx context.Context, actor *account.User, communityID int64, in briefing.Input) (*briefing.Briefing, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if err := requireLead(a); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	b := &briefing.Briefing{SpaceID: c.Space.ID, AuthorID: actor.ID, AuthorName: actor.Name(), Status: briefing.Draft,
		CreatedAt: now}
	if err := s.fillBriefing(ctx, c, b, in); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateBriefing(ctx, b); err != nil {
			return err
		}
		if err := s.recordBriefing(ctx, q, actor, c, b, event.Created); err != nil {
			return err
		}
		if b.Status == briefing.Published {
			return s.announceBriefing(ctx, q, actor, c, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// fillBriefing sets a briefing's text, period and figures from the input,
// publishing it when asked.
func (s *Service) fillBriefing(ctx context.Context, c *community.Community, b *briefing.Briefing, in briefing.Input) error {
	html, err := render("body", in.Body)
	if err != nil {
		return err
	}
	f, err := s.briefingFigures(ctx, c, in.Period)
	if err != nil {
		return err
	}
	now := s.Now()
	b.Title, b.BodyMarkdown, b.BodyHTML, b.Period, b.Figures, b.UpdatedAt = in.Title, in.Body, html, in.Period, *f, now
	if in.Publish && b.Status == briefing.Draft {
		b.Status, b.PublishedAt = briefing.Published, &now
	}
	return nil
}

// editableBriefing loads a briefing with its community for a host or
// facilitator about to change it.
func (s *Service) editableBriefing(ctx context.Context, actor *account.User, id int64) (*briefing.Briefing, *community.Community, error) {
	b, err := s.db.R().BriefingByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, a, err := s.community(ctx, actor, b.SpaceID)
	if err != nil {
		return nil, nil, err
	}
	if !a.Lead && b.Status == briefing.Draft {
		return nil, nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err := requireLead(a); err != nil {
		return nil, nil, err
	}
	return b, c, nil
}

// UpdateBriefing edits a briefing, publishing a draft when asked. Editing a
// published briefing keeps it published and notifies nobody again.
func (s *Service) UpdateBriefing(ctx context.Context, actor *account.User, id int64, in briefing.Input) (*briefing.Briefing, error) {
	b, c, err := s.editableBriefing(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	wasDraft := b.Status == briefing.Draft
	if err := s.fillBriefing(ctx, c, b, in); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateBriefing(ctx, b); err != nil {
			return err
		}
		if wasDraft && b.Status == briefing.Published {
			return s.announceBriefing(ctx, q, actor, c, b)
		}
		return s.recordBriefing(ctx, q, actor, c, b, event.Updated)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// PublishBriefing publishes a saved draft as it is.
func (s *Service) PublishBriefing(ctx context.Context, actor *account.User, id int64) (*briefing.Briefing, error) {
	b, c, err := s.editableBriefing(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if b.Status == briefing.Published {
		return b, nil
	}
	now := s.Now()
	b.Status, b.PublishedAt, b.UpdatedAt = briefing.Published, &now, now
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateBriefing(ctx, b); err != nil {
			return err
		}
		return s.announceBriefing(ctx, q, actor, c, b)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// announceBriefing records a publication and notifies every member of the
// community, inside the publishing transaction.
func (s *Service) announceBriefing(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, b *briefing.Briefing) error {
	if err := s.recordBriefing(ctx, q, actor, c, b, event.Published); err != nil {
		return err
	}
	members, err := q.MemberIDs(ctx, c.Space.ID)
	if err != nil {
		return err
	}
	for _, id := range members {
		err := s.Notify(ctx, q, notify.Notification{UserID: id, Kind: notify.BriefingPublished, ActorID: actor.ID,
			SpaceID: c.Space.ID, ObjectType: ObjBriefing, ObjectID: b.ID, Title: b.Title, URL: BriefingURL(b.ID)})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) recordBriefing(ctx context.Context, q *store.Q, actor *account.User, c *community.Community, b *briefing.Briefing, verb event.Verb) error {
	// The community's visibility goes into the context so that the
	// author's personal timeline, which shows "published" events to
	// others, filters this one as it filters journal entries.
	return s.recordTheme(ctx, q, actor, c, verb, ObjBriefing, b.ID, map[string]any{"title": truncate(b.Title, 200),
		"status": b.Status, "visibility": c.Space.Visibility})
}

// DeleteBriefing removes a briefing (hosts and facilitators, not when archived).
func (s *Service) DeleteBriefing(ctx context.Context, actor *account.User, id int64) (communityID int64, err error) {
	b, c, err := s.editableBriefing(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	return c.Space.ID, s.db.Tx(ctx, func(q *store.Q) error {
		ok, err := q.DeleteBriefing(ctx, c.Space.ID, b.ID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		return s.recordBriefing(ctx, q, actor, c, b, event.Deleted)
	})
}

// BriefingPage is a briefing with its community and the viewer's access.
type BriefingPage struct {
	Briefing  *briefing.Briefing
	Community *community.Community
	Access    Access
}

// Briefing returns a briefing to a reader of its community; a draft only
// to the community's hosts and facilitators (others get NotFound, which
// does not reveal that it exists).
func (s *Service) Briefing(ctx context.Context, viewer *account.User, id int64) (*BriefingPage, error) {
	b, err := s.db.R().BriefingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c, a, err := s.community(ctx, viewer, b.SpaceID)
	if err != nil {
		return nil, err
	}
	if b.Status != briefing.Published && !a.Lead {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return &BriefingPage{Briefing: b, Community: c, Access: a}, nil
}

// BriefingList is one page of a community's published briefings, and its
// drafts for the hosts and facilitators.
type BriefingList struct {
	Community *community.Community
	Access    Access
	Published []*briefing.Briefing
	Total     int
	Drafts    []*briefing.Briefing
}

// Briefings lists a community's briefings as the viewer may see them.
func (s *Service) Briefings(ctx context.Context, viewer *account.User, communityID int64, limit, offset int) (*BriefingList, error) {
	c, a, err := s.community(ctx, viewer, communityID)
	if err != nil {
		return nil, err
	}
	l := &BriefingList{Community: c, Access: a}
	r := s.db.R()
	if l.Published, l.Total, err = r.Briefings(ctx, c.Space.ID, briefing.Published, limit, offset); err != nil {
		return nil, err
	}
	if a.Lead {
		if l.Drafts, _, err = r.Briefings(ctx, c.Space.ID, briefing.Draft, 50, 0); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// LatestBriefings lists a community's newest published briefings, for its
// home page.
func (s *Service) LatestBriefings(ctx context.Context, viewer *account.User, communityID int64, n int) ([]*briefing.Briefing, error) {
	if _, _, err := s.community(ctx, viewer, communityID); err != nil {
		return nil, err
	}
	bs, _, err := s.db.R().Briefings(ctx, communityID, briefing.Published, n, 0)
	return bs, err
}

package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// What people do with resources they can see: rate, comment, favourite,
// reuse; and the co-editing of documents.

// RateResource records the viewer's rating, 1 to 5 stars; rating again
// replaces the earlier one. Owners do not rate their own resources.
func (s *Service) RateResource(ctx context.Context, actor *account.User, id int64, stars int) error {
	r, err := s.social(ctx, actor, id)
	if err != nil {
		return err
	}
	if actor.ID == r.OwnerID {
		return apperr.New(apperr.Forbidden, "resource.error.own_rating")
	}
	if stars < 1 || stars > 5 {
		f := apperr.Fields{}
		f.Add("stars", "form.out_of_range", "min", 1, "max", 5)
		return f.Err()
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.RateResource(ctx, id, actor.ID, stars, s.Now()); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, VerbResourceRated, map[string]any{"stars": stars})
	})
}

// social loads a resource for a signed-in viewer's rating, comment or
// favourite.
func (s *Service) social(ctx context.Context, actor *account.User, id int64) (*resource.Resource, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	return s.resourceFor(ctx, actor, id)
}

// CommentOnResource adds a comment (Markdown).
func (s *Service) CommentOnResource(ctx context.Context, actor *account.User, id int64, body string) (*store.ResourceComment, error) {
	r, err := s.social(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		f.Add("body", "form.required")
	case n > resource.MaxComment:
		f.Add("body", "form.too_long", "max", resource.MaxComment)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	html, err := render("body", body)
	if err != nil {
		return nil, err
	}
	c := &store.ResourceComment{ResourceID: id, AuthorID: actor.ID, AuthorName: actor.Name(), Body: body, BodyHTML: html,
		CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.AddResourceComment(ctx, c); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, event.Commented, map[string]any{"comment_id": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetFavourite marks or unmarks a resource as one of the viewer's
// favourites; doing what is already done changes nothing.
func (s *Service) SetFavourite(ctx context.Context, actor *account.User, id int64, on bool) error {
	r, err := s.social(ctx, actor, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		changed, err := q.SetFavourite(ctx, id, actor.ID, on, s.Now())
		if err != nil || !changed {
			return err
		}
		verb := VerbResourceFavourited
		if !on {
			verb = VerbResourceUnfavourited
		}
		return s.resourceEvent(ctx, q, actor, r, verb, nil)
	})
}

// ReuseResource copies a resource the actor may see into a space of theirs
// (0: their personal space), privately at first, with a link back to the
// original, which counts the reuse and lists it. A file is not copied:
// the copy points at the same content-addressed blob. A document's copy
// starts with the original's current text as its first revision.
func (s *Service) ReuseResource(ctx context.Context, actor *account.User, id, spaceID int64) (*resource.Resource, error) {
	r, err := s.social(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	rt, err := s.rights(ctx, actor, r)
	if err != nil {
		return nil, err
	}
	if !rt.Reuse {
		if actor.ID == r.OwnerID {
			return nil, apperr.New(apperr.Conflict, "resource.error.reuse_own")
		}
		return nil, apperr.New(apperr.Forbidden, "resource.error.licence")
	}
	in := resource.Input{Title: r.Title, Description: r.Description, Meta: r.Meta, Visibility: resource.VisPrivate,
		URL: r.URL, DocType: r.DocType}
	in.ThemeID = 0 // themes belong to the original's community
	h, err := s.prepare(ctx, actor, spaceID, r.Kind, &in)
	if err != nil {
		return nil, err
	}
	c := s.newResource(actor, h, r.Kind, in)
	c.CopiedFrom = r.ID
	c.BlobKey, c.FileName, c.Format, c.ContentType, c.Size, c.TextStatus = r.BlobKey, r.FileName, r.Format, r.ContentType, r.Size, r.TextStatus
	c.ThumbKey = r.ThumbKey
	// The copy shares the file and its thumbnail: the original's deletion
	// must not find them unused in between.
	defer s.blobLocks.lockAll(c.BlobKey, c.ThumbKey)()
	thumbQueued := false
	quota := s.resOpts.Quotas[h.sp.Kind]
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if c.Kind == resource.File {
			if err := q.LockSpaceForQuota(ctx, h.sp.ID); err != nil {
				return err
			}
			used, err := q.SpaceFileBytes(ctx, h.sp.ID)
			if err != nil {
				return err
			}
			if used+c.Size > quota {
				return quotaError(quota)
			}
		}
		if err := q.CreateResource(ctx, c); err != nil {
			return err
		}
		text, err := q.ResourceText(ctx, r.ID)
		if err != nil {
			return err
		}
		if r.RevisionID != 0 {
			orig, err := q.RevisionByID(ctx, r.RevisionID)
			if err != nil {
				return err
			}
			rev := &resource.Revision{ResourceID: c.ID, AuthorID: actor.ID, Title: c.Title, Body: orig.Body,
				Note: "reuse", CreatedAt: c.CreatedAt}
			if err := q.SaveRevision(ctx, rev); err != nil {
				return err
			}
			c.RevisionID = rev.ID
		}
		if err := s.index(ctx, q, c, text); err != nil {
			return err
		}
		if err := q.BumpResource(ctx, r.ID, store.CountReuses); err != nil {
			return err
		}
		// An original whose thumbnail is not made yet: the copy asks for
		// its own (the same bytes, so the same stored thumbnail).
		if thumbQueued, err = s.enqueueThumbnail(ctx, q, c); err != nil {
			return err
		}
		if err := s.resourceEvent(ctx, q, actor, r, VerbResourceReused, map[string]any{"copy_id": c.ID}); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, c, event.Created, map[string]any{"kind": c.Kind, "copied_from": r.ID})
	})
	if err != nil {
		return nil, err
	}
	if thumbQueued && s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return c, nil
}

// SaveRevision saves a new revision of a document, edited from the
// revision baseID. When someone else saved since baseID, nothing is
// written and the error is a Conflict carrying no data: the caller shows
// the current revision beside the editor's text to merge by hand (the
// conflict screen), and saves again with the current revision as base.
func (s *Service) SaveRevision(ctx context.Context, actor *account.User, id, baseID int64, title string, sections map[string]string, note string) (*resource.Revision, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	r, err := s.resourceFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	rt, err := s.rights(ctx, actor, r)
	if err != nil {
		return nil, err
	}
	if !rt.CoEdit {
		return nil, errForbidden
	}
	title, note = strings.TrimSpace(title), strings.TrimSpace(note)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > resource.MaxTitle:
		f.Add("title", "form.too_long", "max", resource.MaxTitle)
	}
	if utf8.RuneCountInString(note) > resource.MaxNote {
		f.Add("note", "form.too_long", "max", resource.MaxNote)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	body, err := resource.NewBody(r.DocType, sections)
	if err != nil {
		return nil, err
	}
	rev := &resource.Revision{ResourceID: id, AuthorID: actor.ID, AuthorName: actor.Name(), BaseID: baseID, Title: title,
		Body: body, Note: note, CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.SaveRevision(ctx, rev); err != nil {
			return err
		}
		r.Title, r.RevisionID = title, rev.ID
		if err := s.index(ctx, q, r, body.PlainText()); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, VerbResourceRevised, map[string]any{"revision": rev.Number})
	})
	if err != nil {
		return nil, err
	}
	return rev, nil
}

// ResourceRevisions lists a document's revisions, newest first, for its history.
// Numbers run 1, 2, ... without gaps, so the total is the current one's.
func (s *Service) ResourceRevisions(ctx context.Context, viewer *account.User, id int64, limit, offset int) ([]*resource.Revision, int, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, 0, err
	}
	if r.RevisionID == 0 {
		return nil, 0, nil
	}
	cur, err := s.db.R().RevisionByID(ctx, r.RevisionID)
	if err != nil {
		return nil, 0, err
	}
	revs, err := s.db.R().ResourceRevisions(ctx, id, limit, offset)
	return revs, cur.Number, err
}

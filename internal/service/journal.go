package service

import (
	"context"
	"slices"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// render turns Markdown into sanitised HTML, mapping an oversize input to a
// field error.
func render(field, src string) (string, error) {
	html, err := markup.Render(src)
	if err != nil {
		f := apperr.Fields{}
		f.Add(field, "form.too_long", "max", journal.MaxBody)
		return "", f.Err()
	}
	return string(html), nil
}

// CreateEntry writes a journal entry in the author's personal space.
func (s *Service) CreateEntry(ctx context.Context, author *account.User, in journal.Input) (*journal.Entry, error) {
	if author == nil {
		return nil, errUnauthorized
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	html, err := render("body", in.Body)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	e := &journal.Entry{AuthorID: author.ID, SpaceID: author.PersonalSpaceID, Title: in.Title, Body: in.Body,
		BodyHTML: html, Visibility: in.Visibility, Status: journal.Draft, CreatedAt: now, UpdatedAt: now,
		AuthorName: author.Name(), AuthorUsername: author.Username}
	if in.Publish {
		e.Status, e.PublishedAt = journal.Published, &now
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateEntry(ctx, e); err != nil {
			return err
		}
		if err := s.recordEntry(ctx, q, author, e, event.Created); err != nil {
			return err
		}
		if e.Status == journal.Published {
			return s.recordEntry(ctx, q, author, e, event.Published)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Service) recordEntry(ctx context.Context, q *store.Q, actor *account.User, e *journal.Entry, verb event.Verb) error {
	details := map[string]any{"title": truncate(e.Title, 200), "status": e.Status, "visibility": e.Visibility}
	return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: verb, ObjectType: event.ObjJournalEntry, ObjectID: e.ID,
		SpaceID: e.SpaceID, InstitutionID: actor.InstitutionID}, details)
}

// Entry returns an entry if viewer may read it: drafts and private entries
// only to their author, "institution" entries to the author's school.
func (s *Service) Entry(ctx context.Context, viewer *account.User, id int64) (*journal.Entry, error) {
	e, err := s.db.R().EntryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if viewer != nil && viewer.ID == e.AuthorID {
		return e, nil
	}
	if e.Status != journal.Published {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	author, err := s.db.R().UserByID(ctx, e.AuthorID)
	if err != nil {
		return nil, err
	}
	vis, err := s.visibleTo(ctx, viewer, author)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(vis, e.Visibility) {
		// Not revealing that the entry exists is kinder than a 403 here.
		if viewer == nil {
			return nil, errUnauthorized
		}
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return e, nil
}

// editableEntry loads an entry its author is about to change.
func (s *Service) editableEntry(ctx context.Context, actor *account.User, id int64) (*journal.Entry, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	e, err := s.db.R().EntryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.AuthorID != actor.ID {
		return nil, errForbidden
	}
	return e, nil
}

// UpdateEntry edits an entry; publishing a draft sets its publication time.
func (s *Service) UpdateEntry(ctx context.Context, actor *account.User, id int64, in journal.Input) (*journal.Entry, error) {
	e, err := s.editableEntry(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Publish || e.Status == journal.Published {
		in.Publish = true
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	html, err := render("body", in.Body)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	verb := event.Updated
	e.Title, e.Body, e.BodyHTML, e.Visibility, e.UpdatedAt = in.Title, in.Body, html, in.Visibility, now
	if in.Publish && e.Status == journal.Draft {
		e.Status, e.PublishedAt, verb = journal.Published, &now, event.Published
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateEntry(ctx, e); err != nil {
			return err
		}
		return s.recordEntry(ctx, q, actor, e, verb)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// DeleteEntry removes an entry of the actor's.
func (s *Service) DeleteEntry(ctx context.Context, actor *account.User, id int64) error {
	e, err := s.editableEntry(ctx, actor, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteEntry(ctx, e.ID); err != nil {
			return err
		}
		return s.recordEntry(ctx, q, actor, e, event.Deleted)
	})
}

// Entries lists the entries of author that viewer may see: their own
// drafts too when viewing themselves.
func (s *Service) Entries(ctx context.Context, viewer, author *account.User, drafts bool, limit, offset int) ([]*journal.Entry, int, error) {
	vis, err := s.visibleTo(ctx, viewer, author)
	if err != nil {
		return nil, 0, err
	}
	f := store.EntryFilter{AuthorID: author.ID, Status: journal.Published, Visibilities: vis, Limit: limit, Offset: offset}
	if viewer != nil && viewer.ID == author.ID {
		f.Visibilities = nil
		if drafts {
			f.Status = journal.Draft
		}
	}
	return s.db.R().Entries(ctx, f)
}

// PublicEntries lists an author's public, published entries, for the Atom feed.
func (s *Service) PublicEntries(ctx context.Context, author *account.User, limit int) ([]*journal.Entry, error) {
	es, _, err := s.db.R().Entries(ctx, store.EntryFilter{AuthorID: author.ID, Status: journal.Published,
		Visibilities: []space.Visibility{space.Public}, Limit: limit})
	return es, err
}

// Comments lists an entry's comments after checking the viewer may read it.
func (s *Service) Comments(ctx context.Context, viewer *account.User, entryID int64, limit, offset int) ([]*journal.Comment, error) {
	if _, err := s.Entry(ctx, viewer, entryID); err != nil {
		return nil, err
	}
	return s.db.R().Comments(ctx, entryID, limit, offset)
}

// AddComment lets a signed-in reader of a published entry comment on it.
func (s *Service) AddComment(ctx context.Context, actor *account.User, entryID int64, body string) (*journal.Comment, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	e, err := s.Entry(ctx, actor, entryID)
	if err != nil {
		return nil, err
	}
	if e.Status != journal.Published {
		return nil, apperr.New(apperr.Conflict, "journal.comment.draft")
	}
	body = strings.TrimSpace(body)
	if err := journal.ValidateComment(body); err != nil {
		return nil, err
	}
	html, err := render("body", body)
	if err != nil {
		return nil, err
	}
	c := &journal.Comment{EntryID: e.ID, AuthorID: actor.ID, Body: body, BodyHTML: html, CreatedAt: s.Now(),
		AuthorName: actor.Name(), AuthorUsername: actor.Username}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.AddComment(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: event.Commented, ObjectType: event.ObjJournalEntry,
			ObjectID: e.ID, SpaceID: e.SpaceID, InstitutionID: actor.InstitutionID}, map[string]any{"comment_id": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

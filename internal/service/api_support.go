package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The use cases below exist for the JSON API's listings, which need a total
// for every list and filters by ID where the pages navigate by link; they
// reuse the permission rules of the methods they build on.

// InstitutionQuery is what the API's institution listing filters by.
type InstitutionQuery struct {
	ParentID      int64 // only the direct children of this institution
	UnderID       int64 // the subtree rooted at this institution, itself included
	Level         space.Level
	Query         string // substring of the name
	Limit, Offset int
}

// FindInstitutions lists institutions. Institutions are public (see
// Institution), so any signed-in caller may list all of them.
func (s *Service) FindInstitutions(ctx context.Context, q InstitutionQuery) ([]*space.Space, int, error) {
	f := apperr.Fields{}
	if q.ParentID != 0 && q.UnderID != 0 {
		f.Add("under", "api.field.parent_or_under")
	}
	if q.ParentID != 0 && (q.Level != "" || q.Query != "") {
		f.Add("parent", "api.field.parent_no_filters")
	}
	if q.Level != "" && !q.Level.Valid() {
		f.Add("level", "form.invalid_choice")
	}
	var parent, under *space.Space
	var err error
	if q.ParentID != 0 {
		if parent, err = s.institution(ctx, q.ParentID); apperr.Is(err, apperr.NotFound) {
			f.Add("parent", "api.field.unknown_institution")
		} else if err != nil {
			return nil, 0, err
		}
	}
	if q.UnderID != 0 {
		if under, err = s.institution(ctx, q.UnderID); apperr.Is(err, apperr.NotFound) {
			f.Add("under", "api.field.unknown_institution")
		} else if err != nil {
			return nil, 0, err
		}
	}
	if err := f.Err(); err != nil {
		return nil, 0, err
	}
	if parent != nil {
		// Children lists every kind of child space; institutions have only
		// institutions below them so far.
		return s.db.R().Children(ctx, parent.ID, q.Limit, q.Offset)
	}
	filter := store.InstitutionFilter{Level: q.Level, Query: q.Query, Limit: q.Limit, Offset: q.Offset}
	if under != nil {
		filter.UnderPath = under.Path
	}
	return s.db.R().ListInstitutions(ctx, filter)
}

// PersonEntries lists the journal entries of the person with the username
// that viewer may see. Drafts are listed only to their author; asking for
// someone else's drafts finds none.
func (s *Service) PersonEntries(ctx context.Context, viewer *account.User, username string, drafts bool, limit, offset int) ([]*journal.Entry, int, error) {
	author, err := s.UserByUsername(ctx, username)
	if err != nil {
		return nil, 0, err
	}
	if author.Disabled {
		return nil, 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	if drafts && (viewer == nil || viewer.ID != author.ID) {
		return nil, 0, nil
	}
	return s.Entries(ctx, viewer, author, drafts, limit, offset)
}

// EntryComments lists one page of an entry's comments with their total,
// after checking that viewer may read the entry.
func (s *Service) EntryComments(ctx context.Context, viewer *account.User, entryID int64, limit, offset int) ([]*journal.Comment, int, error) {
	e, err := s.Entry(ctx, viewer, entryID)
	if err != nil {
		return nil, 0, err
	}
	cs, err := s.db.R().Comments(ctx, e.ID, limit, offset)
	return cs, e.CommentCount, err
}

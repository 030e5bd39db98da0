package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Reads of teaching resources for the JSON API, which pages comments on
// their own (the web page shows them with the resource, and counts a view)
// and reverts by revision ID without a history page in front of it. They
// reuse the rules of Resource and RevertRevision: whoever may see a
// resource reads its comments and its revisions.

// ResourceComments lists a resource's comments, oldest first, with their
// total.
func (s *Service) ResourceComments(ctx context.Context, viewer *account.User, id int64, limit, offset int) ([]*store.ResourceComment, int, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, 0, err
	}
	cs, err := s.db.R().ResourceComments(ctx, id, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	return cs, r.Comments, nil
}

// ResourceRevision loads one revision of a document the viewer may see; a
// revision of another document is not found.
func (s *Service) ResourceRevision(ctx context.Context, viewer *account.User, id, revID int64) (*resource.Revision, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	return s.revisionOf(ctx, r, revID)
}

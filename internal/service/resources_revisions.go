package service

import (
	"context"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
)

// Reading a document's history: the diff between any two revisions, the
// conflict screen's view of a refused save, and revert. Reverting writes a
// new revision with the old content rather than moving the pointer back,
// so history only ever grows and a revert can itself be reverted.

// RevisionComparison is the diff between two revisions of a document.
type RevisionComparison struct {
	Resource *resource.Resource
	From, To *resource.Revision
	Sections []resource.SectionDiff
}

// revisionOf loads a revision and makes sure it belongs to r: an ID from
// another document is simply not found.
func (s *Service) revisionOf(ctx context.Context, r *resource.Resource, revID int64) (*resource.Revision, error) {
	v, err := s.db.R().RevisionByID(ctx, revID)
	if err != nil {
		return nil, err
	}
	if v.ResourceID != r.ID {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return v, nil
}

// CompareRevisions diffs two revisions of a document the viewer may see.
func (s *Service) CompareRevisions(ctx context.Context, viewer *account.User, id, fromID, toID int64) (*RevisionComparison, error) {
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	c := &RevisionComparison{Resource: r}
	if c.From, err = s.revisionOf(ctx, r, fromID); err != nil {
		return nil, err
	}
	if c.To, err = s.revisionOf(ctx, r, toID); err != nil {
		return nil, err
	}
	c.Sections = resource.DiffBodies(r.DocType, c.From.Body, c.To.Body)
	return c, nil
}

// EditConflict is what the conflict screen shows after a refused save:
// the common base the editor started from, the current revision someone
// else saved since, both changes against the base, and a proposed merge
// (see resource.MergeBodies) to edit and save on top of the current one.
type EditConflict struct {
	Resource      *resource.Resource
	Base, Current *resource.Revision
	Theirs, Yours []resource.SectionDiff
	Merged        resource.Body
	Clashes       []string // sections both sides changed
	MergedTitle   string   // proposed title
}

// EditConflict builds the conflict screen for a save from baseID with the
// given text that was refused because the document moved on. The text is
// taken as typed (it passed validation before the save was refused).
func (s *Service) EditConflict(ctx context.Context, viewer *account.User, id, baseID int64, title string, sections map[string]string) (*EditConflict, error) {
	if viewer == nil {
		return nil, errUnauthorized
	}
	r, err := s.resourceFor(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if r.RevisionID == 0 {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	c := &EditConflict{Resource: r}
	if c.Current, err = s.db.R().RevisionByID(ctx, r.RevisionID); err != nil {
		return nil, err
	}
	if c.Base, err = s.revisionOf(ctx, r, baseID); err != nil {
		// A base from a hand-edited form: compare against an empty one.
		c.Base = &resource.Revision{ResourceID: id}
	}
	yours := make(resource.Body, 0, len(sections))
	for _, k := range r.DocType.Sections() {
		yours = append(yours, resource.Section{Key: k, Text: strings.TrimRight(strings.ReplaceAll(sections[k], "\r\n", "\n"), " \n\t")})
	}
	c.Theirs = resource.DiffBodies(r.DocType, c.Base.Body, c.Current.Body)
	c.Yours = resource.DiffBodies(r.DocType, c.Base.Body, yours)
	c.Merged, c.Clashes = resource.MergeBodies(r.DocType, c.Base.Body, c.Current.Body, yours)
	c.MergedTitle = strings.TrimSpace(title)
	if c.MergedTitle == c.Base.Title || c.MergedTitle == "" {
		c.MergedTitle = c.Current.Title
	}
	return c, nil
}

// RevertRevision saves the content of an old revision as a new revision,
// from baseID like any save: if someone saved since the history page was
// opened, the revert is refused with a conflict rather than undoing their
// work unseen.
func (s *Service) RevertRevision(ctx context.Context, actor *account.User, id, revID, baseID int64, note string) (*resource.Revision, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	r, err := s.resourceFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	old, err := s.revisionOf(ctx, r, revID)
	if err != nil {
		return nil, err
	}
	return s.SaveRevision(ctx, actor, id, baseID, old.Title, old.Body.Texts(), note)
}

// ResourceRights says what the viewer may do with a resource they can see,
// for pages that show a resource without counting a view.
func (s *Service) ResourceRights(ctx context.Context, viewer *account.User, r *resource.Resource) (ResourceRights, error) {
	return s.rights(ctx, viewer, r)
}

package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The review workflow that builds the featured collections (精品资源):
// the owner of a resource, or the host of the community it lives in,
// recommends it to an institution above it (its school or district); a
// reviewer there, an expert of that institution's subtree or an admin who
// manages it, approves it into the institution's featured collection or
// returns it with comments. The pages and lists are in
// resources_reviews.go.

// Review event verbs.
const (
	VerbResourceRecommended event.Verb = "recommended"
	VerbResourceFeatured    event.Verb = "featured"
	VerbResourceReturned    event.Verb = "returned"
)

// MaxReviewText bounds a recommendation's note and a reviewer's comments.
const MaxReviewText = 2000

// RecommendResource files a recommendation of a resource to an institution.
func (s *Service) RecommendResource(ctx context.Context, actor *account.User, id, institutionID int64, note string) (*store.ResourceReview, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	r, err := s.resourceFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	h, err := s.home(ctx, actor, r.SpaceID)
	if err != nil {
		return nil, err
	}
	if actor.ID != r.OwnerID && !(h.sp.Kind == space.Community && h.host) {
		return nil, errForbidden
	}
	f := apperr.Fields{}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxReviewText {
		f.Add("note", "form.too_long", "max", MaxReviewText)
	}
	inst, err := s.db.R().SpaceByID(ctx, institutionID)
	switch {
	case apperr.Is(err, apperr.NotFound):
		f.Add("institution_id", "resource.error.review_institution")
	case err != nil:
		return nil, err
	case inst.Kind != space.Institution || r.InstPath == "" || !strings.HasPrefix(r.InstPath, inst.Path):
		f.Add("institution_id", "resource.error.review_institution")
	}
	switch {
	case r.Visibility == resource.VisPrivate || r.Visibility == resource.VisCommunity:
		f.Add("visibility", "resource.error.review_visibility")
	case inst != nil && !reviewVisible(r.Visibility, r.InstPath, inst.Path):
		// Only its own school sees an "institution" resource: the
		// reviewers of an institution above it could not open it.
		f.Add("visibility", "resource.error.review_visibility_above")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	rev := &store.ResourceReview{ResourceID: id, InstitutionID: institutionID, RecommendedBy: actor.ID, Note: note,
		CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateReview(ctx, rev); err != nil {
			return err
		}
		if err := s.notifyReviewers(ctx, q, actor, r, inst); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, VerbResourceRecommended, map[string]any{"review_id": rev.ID,
			"institution_id": institutionID})
	})
	if err != nil {
		return nil, err
	}
	return rev, nil
}

// reviewVisible reports whether the reviewers of the institution at
// instPath may see a resource with this visibility and home subtree: a
// public one, or an "institution" one of that very institution (canSee
// shows it only to people inside its own school, so an institution above
// it must not be asked to review what its experts cannot open).
func reviewVisible(vis resource.Visibility, resInstPath, instPath string) bool {
	switch vis {
	case resource.VisPublic:
		return true
	case resource.VisInstitution:
		return resInstPath != "" && resInstPath == instPath
	}
	return false
}

// mayReview: an admin who manages the institution, or an expert whose home
// institution is in its subtree.
func (s *Service) mayReview(ctx context.Context, actor *account.User, inst *space.Space) (bool, error) {
	if ok, err := s.manages(ctx, actor, inst.Path); ok || err != nil {
		return ok, err
	}
	if actor.Role != account.Expert || actor.InstitutionID == 0 {
		return false, nil
	}
	home, err := s.spaces.get(ctx, actor.InstitutionID)
	if err != nil {
		return false, err
	}
	return strings.HasPrefix(home.Path, inst.Path), nil
}

// DecideReview approves a pending recommendation (the resource joins the
// institution's featured collection) or returns it with comments, which a
// return requires.
func (s *Service) DecideReview(ctx context.Context, actor *account.User, reviewID int64, approve bool, comments string) error {
	if actor == nil {
		return errUnauthorized
	}
	rev, err := s.db.R().ReviewByID(ctx, reviewID)
	if err != nil {
		return err
	}
	inst, err := s.db.R().SpaceByID(ctx, rev.InstitutionID)
	if err != nil {
		return err
	}
	ok, err := s.mayReview(ctx, actor, inst)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	comments = strings.TrimSpace(comments)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(comments); {
	case n > MaxReviewText:
		f.Add("comments", "form.too_long", "max", MaxReviewText)
	case n == 0 && !approve:
		f.Add("comments", "resource.error.return_comments")
	}
	if err := f.Err(); err != nil {
		return err
	}
	r, err := s.db.R().ResourceByID(ctx, rev.ResourceID)
	if err != nil {
		return err
	}
	if approve && !reviewVisible(r.Visibility, r.InstPath, inst.Path) {
		// The owner narrowed its visibility after recommending it: the
		// featured collection would list what its audience cannot open.
		return apperr.New(apperr.Conflict, "resource.error.review_no_longer_visible")
	}
	status, verb := store.ReviewReturned, VerbResourceReturned
	if approve {
		status, verb = store.ReviewApproved, VerbResourceFeatured
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DecideReview(ctx, rev, status, actor.ID, comments, s.Now()); err != nil {
			return err
		}
		if err := s.notifyDecision(ctx, q, actor, r, rev); err != nil {
			return err
		}
		return s.resourceEvent(ctx, q, actor, r, verb, map[string]any{"review_id": rev.ID, "institution_id": inst.ID})
	})
}

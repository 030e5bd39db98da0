package service

import (
	"context"
	"strconv"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The review workflow's lists and notifications: a reviewer's queue, what
// the owner of a resource sees of its recommendations, the institutions a
// resource may be recommended to, and the notifications that tell the
// reviewers about a recommendation and the recommender about the outcome.

// maxReviewNotices bounds how many reviewers one recommendation notifies:
// a district has a handful of admins and experts, never hundreds.
const maxReviewNotices = 30

// reviewScope is the institutions actor reviews for, as a filter; ok is
// false for people who review for none.
func (s *Service) reviewScope(ctx context.Context, actor *account.User) (store.ReviewFilter, bool, error) {
	var f store.ReviewFilter
	switch {
	case actor == nil:
		return f, false, nil
	case actor.Role == account.Admin:
		f.All = true
		return f, true, nil
	case actor.InstitutionID == 0:
		return f, false, nil
	}
	home, err := s.spaces.get(ctx, actor.InstitutionID)
	if err != nil {
		return f, false, err
	}
	switch {
	case actor.Role.ManagesInstitutions():
		f.UnderPath = home.Path // the subtree the admin manages
	case actor.Role == account.Expert:
		// An expert reviews for their institution and those above it.
		ids, err := space.AncestorIDs(home.Path)
		if err != nil {
			return f, false, err
		}
		f.InstitutionIDs = ids
	default:
		return f, false, nil
	}
	return f, true, nil
}

// Reviews is a reviewer's queue (Pending) or the decided ones.
func (s *Service) Reviews(ctx context.Context, actor *account.User, status store.ReviewStatus, limit, offset int) ([]*store.ReviewItem, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	f, ok, err := s.reviewScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errForbidden
	}
	f.Status, f.Limit, f.Offset = status, limit, offset
	items, err := s.db.R().ListReviews(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		// A resource narrowed to private or its community after the
		// recommendation keeps its title from the reviewers.
		if !reviewVisible(resource.Visibility(it.ResourceVisibility), it.ResourceInstPath, it.InstitutionPath) {
			it.ResourceTitle, it.Hidden = "", true
		}
	}
	return items, nil
}

// Reviewer reports whether the person reviews for any institution, for
// showing the queue's link.
func (s *Service) Reviewer(ctx context.Context, actor *account.User) (bool, error) {
	_, ok, err := s.reviewScope(ctx, actor)
	return ok, err
}

// ResourceReviews is what the owner of a resource (or whoever may
// recommend it) sees of its recommendations: status, reviewer, comments;
// and the institutions it may still be recommended to. Others see nothing:
// a return's comments are addressed to the owner.
func (s *Service) ResourceReviews(ctx context.Context, viewer *account.User, r *resource.Resource) ([]*store.ReviewItem, []*space.Space, error) {
	if viewer == nil {
		return nil, nil, nil
	}
	h, err := s.home(ctx, viewer, r.SpaceID)
	if err != nil {
		return nil, nil, err
	}
	if viewer.ID != r.OwnerID && !(h.sp.Kind == space.Community && h.host) {
		return nil, nil, nil
	}
	items, err := s.db.R().ListReviews(ctx, store.ReviewFilter{All: true, ResourceID: r.ID, Limit: 50})
	if err != nil {
		return nil, nil, err
	}
	if r.Visibility == resource.VisPrivate || r.Visibility == resource.VisCommunity || r.InstPath == "" {
		return items, nil, nil
	}
	ids, err := space.AncestorIDs(r.InstPath)
	if err != nil {
		return nil, nil, err
	}
	pending := map[int64]bool{}
	for _, it := range items {
		if it.Status == store.ReviewPending {
			pending[it.InstitutionID] = true
		}
	}
	var targets []*space.Space
	for i := len(ids) - 1; i >= 0; i-- { // the nearest institution first
		if pending[ids[i]] {
			continue
		}
		sp, err := s.db.R().SpaceByID(ctx, ids[i])
		if err != nil {
			return nil, nil, err
		}
		if sp.Kind == space.Institution {
			targets = append(targets, sp)
		}
	}
	return items, targets, nil
}

// notifyReviewers tells the people who review for inst about a new
// recommendation.
func (s *Service) notifyReviewers(ctx context.Context, q *store.Q, actor *account.User, r *resource.Resource, inst *space.Space) error {
	ids, err := q.InstitutionReviewers(ctx, inst.Path, maxReviewNotices)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Notify(ctx, q, notify.Notification{UserID: id, Kind: notify.ResourceReview, ActorID: actor.ID,
			SpaceID: inst.ID, ObjectType: ObjResource, ObjectID: r.ID, Title: r.Title, URL: "/resources/reviews"}); err != nil {
			return err
		}
	}
	return nil
}

// notifyDecision tells the recommender, and the owner if someone else
// recommended it, how the review ended.
func (s *Service) notifyDecision(ctx context.Context, q *store.Q, actor *account.User, r *resource.Resource, rev *store.ResourceReview) error {
	url := "/resources/" + strconv.FormatInt(r.ID, 10) + "#reviews"
	to := []int64{rev.RecommendedBy}
	if r.OwnerID != 0 && r.OwnerID != rev.RecommendedBy {
		to = append(to, r.OwnerID)
	}
	for _, id := range to {
		if err := s.Notify(ctx, q, notify.Notification{UserID: id, Kind: notify.ResourceDecision, ActorID: actor.ID,
			SpaceID: r.SpaceID, ObjectType: ObjResource, ObjectID: r.ID, Title: r.Title, URL: url}); err != nil {
			return err
		}
	}
	return nil
}

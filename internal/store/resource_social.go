package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// What people do with resources: ratings, comments, favourites, and the
// review workflow that features resources in an institution's collection.

// RateResource records a person's rating (1–5), replacing an earlier one,
// and keeps the resource's count and sum in step.
func (q *Q) RateResource(ctx context.Context, resourceID, userID int64, stars int, at time.Time) error {
	old := 0
	err := q.q.QueryRowContext(ctx, `SELECT stars FROM resource_ratings WHERE resource_id = $1 AND user_id = $2`,
		resourceID, userID).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("load rating: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO resource_ratings (resource_id, user_id, stars, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) ON CONFLICT (resource_id, user_id) DO UPDATE SET stars = excluded.stars,
		updated_at = excluded.updated_at`, resourceID, userID, stars, ms(at)); err != nil {
		return fmt.Errorf("rate resource %d: %w", resourceID, err)
	}
	added := 0
	if old == 0 {
		added = 1
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET rating_count = rating_count + $1, rating_sum = rating_sum + $2
		WHERE id = $3`, added, stars-old, resourceID); err != nil {
		return fmt.Errorf("count rating of resource %d: %w", resourceID, err)
	}
	return nil
}

// MyRating returns a person's rating of a resource, 0 for none.
func (q *Q) MyRating(ctx context.Context, resourceID, userID int64) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT stars FROM resource_ratings WHERE resource_id = $1 AND user_id = $2`,
		resourceID, userID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("load rating: %w", err)
	}
	return n, nil
}

// ResourceComment is a comment under a resource.
type ResourceComment struct {
	ID         int64
	ResourceID int64
	AuthorID   int64
	AuthorName string
	Body       string
	BodyHTML   string
	CreatedAt  time.Time
}

// AddResourceComment stores a comment and counts it.
func (q *Q) AddResourceComment(ctx context.Context, c *ResourceComment) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO resource_comments (resource_id, author_id, body, body_html, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.ResourceID, c.AuthorID, c.Body, c.BodyHTML, ms(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert comment on resource %d: %w", c.ResourceID, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET comment_count = comment_count + 1 WHERE id = $1`, c.ResourceID); err != nil {
		return fmt.Errorf("count comment on resource %d: %w", c.ResourceID, err)
	}
	return nil
}

// ResourceComments lists a resource's comments, oldest first.
func (q *Q) ResourceComments(ctx context.Context, resourceID int64, limit, offset int) ([]*ResourceComment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.resource_id, c.author_id, u.username, u.display_name, c.body,
		c.body_html, c.created_at FROM resource_comments c JOIN users u ON u.id = c.author_id
		WHERE c.resource_id = $1 ORDER BY c.id LIMIT $2 OFFSET $3`, resourceID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list comments of resource %d: %w", resourceID, err)
	}
	defer rows.Close()
	var out []*ResourceComment
	for rows.Next() {
		var c ResourceComment
		var username, display string
		var at int64
		if err := rows.Scan(&c.ID, &c.ResourceID, &c.AuthorID, &username, &display, &c.Body, &c.BodyHTML, &at); err != nil {
			return nil, fmt.Errorf("scan comment: %w", err)
		}
		c.AuthorName, c.CreatedAt = display, fromMS(at)
		if c.AuthorName == "" {
			c.AuthorName = username
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// SetFavourite adds or removes a favourite and reports whether anything
// changed, keeping the count in step.
func (q *Q) SetFavourite(ctx context.Context, resourceID, userID int64, on bool, at time.Time) (bool, error) {
	var res sql.Result
	var err error
	delta := 1
	if on {
		res, err = q.q.ExecContext(ctx, `INSERT INTO resource_favourites (resource_id, user_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, resourceID, userID, ms(at))
	} else {
		delta = -1
		res, err = q.q.ExecContext(ctx, `DELETE FROM resource_favourites WHERE resource_id = $1 AND user_id = $2`, resourceID, userID)
	}
	if err != nil {
		return false, fmt.Errorf("set favourite on resource %d: %w", resourceID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET favourite_count = favourite_count + $1 WHERE id = $2`,
		delta, resourceID); err != nil {
		return false, fmt.Errorf("count favourite on resource %d: %w", resourceID, err)
	}
	return true, nil
}

// IsFavourite reports whether a person has marked a resource.
func (q *Q) IsFavourite(ctx context.Context, resourceID, userID int64) (bool, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM resource_favourites WHERE resource_id = $1 AND user_id = $2`,
		resourceID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("check favourite: %w", err)
	}
	return n > 0, nil
}

// ReviewStatus is where a recommendation stands.
type ReviewStatus string

// Review states: a recommendation is pending until a reviewer approves it
// (the resource joins the institution's featured collection) or returns it
// with comments; the recommender may withdraw it while pending.
const (
	ReviewPending   ReviewStatus = "pending"
	ReviewApproved  ReviewStatus = "approved"
	ReviewReturned  ReviewStatus = "returned"
	ReviewWithdrawn ReviewStatus = "withdrawn"
)

// ResourceReview is a recommendation of a resource to an institution.
type ResourceReview struct {
	ID            int64
	ResourceID    int64
	InstitutionID int64
	RecommendedBy int64
	Note          string
	Status        ReviewStatus
	ReviewerID    int64
	Comments      string
	CreatedAt     time.Time
	DecidedAt     *time.Time
}

// CreateReview files a recommendation; a second pending one for the same
// resource and institution is a conflict.
func (q *Q) CreateReview(ctx context.Context, r *ResourceReview) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO resource_reviews (resource_id, institution_id, recommended_by, note, status,
		created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.ResourceID, r.InstitutionID, r.RecommendedBy, r.Note,
		ReviewPending, ms(r.CreatedAt)).Scan(&r.ID)
	if isUniqueViolation(err) {
		return apperr.New(apperr.Conflict, "resource.error.already_recommended")
	}
	if err != nil {
		return fmt.Errorf("recommend resource %d: %w", r.ResourceID, err)
	}
	r.Status = ReviewPending
	return nil
}

// ReviewByID loads a recommendation.
func (q *Q) ReviewByID(ctx context.Context, id int64) (*ResourceReview, error) {
	var r ResourceReview
	var reviewer sql.NullInt64
	var created int64
	var decided sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT id, resource_id, institution_id, recommended_by, note, status, reviewer_id,
		comments, created_at, decided_at FROM resource_reviews WHERE id = $1`, id).Scan(&r.ID, &r.ResourceID,
		&r.InstitutionID, &r.RecommendedBy, &r.Note, &r.Status, &reviewer, &r.Comments, &created, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load review %d: %w", id, err)
	}
	r.ReviewerID, r.CreatedAt = reviewer.Int64, fromMS(created)
	if decided.Valid {
		t := fromMS(decided.Int64)
		r.DecidedAt = &t
	}
	return &r, nil
}

// DecideReview moves a pending recommendation to approved, returned or
// withdrawn; approving also features the resource in the institution's
// collection. A recommendation decided meanwhile is a conflict.
func (q *Q) DecideReview(ctx context.Context, r *ResourceReview, status ReviewStatus, reviewerID int64, comments string, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE resource_reviews SET status = $1, reviewer_id = $2, comments = $3, decided_at = $4
		WHERE id = $5 AND status = 'pending'`, status, nullInt(reviewerID), comments, ms(at), r.ID)
	if err != nil {
		return fmt.Errorf("decide review %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "resource.error.review_decided")
	}
	if status != ReviewApproved {
		return nil
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO resource_featured (resource_id, institution_id, review_id, featured_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, r.ResourceID, r.InstitutionID, r.ID, ms(at)); err != nil {
		return fmt.Errorf("feature resource %d: %w", r.ResourceID, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE resources SET featured = TRUE WHERE id = $1`, r.ResourceID); err != nil {
		return fmt.Errorf("feature resource %d: %w", r.ResourceID, err)
	}
	return nil
}

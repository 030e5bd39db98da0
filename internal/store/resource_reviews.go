package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The lists the review workflow's pages read: a reviewer's queue, a
// resource's recommendations for its owner, and who reviews for an
// institution (to notify them).

// ReviewItem is a recommendation with the names its pages show.
type ReviewItem struct {
	ResourceReview
	ResourceTitle   string
	OwnerID         int64
	InstitutionName string
	RecommenderName string
	ReviewerName    string
	// For re-checking that the reviewers may still see the resource.
	ResourceVisibility string
	ResourceInstPath   string
	InstitutionPath    string
	// Hidden is set by the service when the reviewers may no longer see
	// the resource; ResourceTitle is then blank.
	Hidden bool
}

// ReviewFilter selects recommendations. Institutions are matched by
// InstitutionIDs or by a subtree (UnderPath); with neither and not All,
// nothing matches, so an empty reviewer scope can never list everything.
type ReviewFilter struct {
	All            bool
	InstitutionIDs []int64
	UnderPath      string
	ResourceID     int64
	Status         ReviewStatus // "" for any
	Limit, Offset  int
}

// ListReviews lists recommendations, oldest pending first for a queue
// (first come, first reviewed), newest first otherwise.
func (q *Q) ListReviews(ctx context.Context, f ReviewFilter) ([]*ReviewItem, error) {
	var a argList
	var where []string
	switch {
	case f.All:
	case len(f.InstitutionIDs) > 0 || f.UnderPath != "":
		var or []string
		if len(f.InstitutionIDs) > 0 {
			ids := make([]string, len(f.InstitutionIDs))
			for i, id := range f.InstitutionIDs {
				ids[i] = a.add(id)
			}
			or = append(or, "rr.institution_id IN ("+strings.Join(ids, ", ")+")")
		}
		if f.UnderPath != "" {
			or = append(or, "i.path LIKE "+a.add(f.UnderPath+"%"))
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	default:
		return nil, nil
	}
	if f.ResourceID != 0 {
		where = append(where, "rr.resource_id = "+a.add(f.ResourceID))
	}
	if f.Status != "" {
		where = append(where, "rr.status = "+a.add(string(f.Status)))
	}
	order := "rr.created_at DESC, rr.id DESC"
	if f.Status == ReviewPending {
		order = "rr.created_at, rr.id"
	}
	w := ""
	if len(where) > 0 {
		w = "WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	query := `SELECT rr.id, rr.resource_id, rr.institution_id, rr.recommended_by, rr.note, rr.status,
		COALESCE(rr.reviewer_id, 0), rr.comments, rr.created_at, rr.decided_at, r.title, r.owner_id, i.name,
		COALESCE(NULLIF(ru.display_name, ''), ru.username, ''), COALESCE(NULLIF(vu.display_name, ''), vu.username, ''),
		r.visibility, r.inst_path, i.path
		FROM resource_reviews rr JOIN resources r ON r.id = rr.resource_id JOIN spaces i ON i.id = rr.institution_id
		LEFT JOIN users ru ON ru.id = rr.recommended_by LEFT JOIN users vu ON vu.id = rr.reviewer_id
		` + w + ` ORDER BY ` + order + ` LIMIT ` + a.add(f.Limit) + ` OFFSET ` + a.add(max(f.Offset, 0))
	rows, err := q.q.QueryContext(ctx, query, a.args...)
	if err != nil {
		return nil, fmt.Errorf("list resource reviews: %w", err)
	}
	defer rows.Close()
	var out []*ReviewItem
	for rows.Next() {
		var it ReviewItem
		var created int64
		var decided sql.NullInt64
		if err := rows.Scan(&it.ID, &it.ResourceID, &it.InstitutionID, &it.RecommendedBy, &it.Note, &it.Status,
			&it.ReviewerID, &it.Comments, &created, &decided, &it.ResourceTitle, &it.OwnerID, &it.InstitutionName,
			&it.RecommenderName, &it.ReviewerName, &it.ResourceVisibility, &it.ResourceInstPath,
			&it.InstitutionPath); err != nil {
			return nil, fmt.Errorf("scan resource review: %w", err)
		}
		it.CreatedAt = fromMS(created)
		if decided.Valid {
			t := fromMS(decided.Int64)
			it.DecidedAt = &t
		}
		out = append(out, &it)
	}
	return out, rows.Err()
}

// InstitutionReviewers returns up to limit people who review for the
// institution at instPath: admins of it or of an institution above it, and
// experts whose home institution is in its subtree. Site admins are left
// out: they may review anywhere but are not told about every school's
// queue.
func (q *Q) InstitutionReviewers(ctx context.Context, instPath string, limit int) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT u.id FROM users u JOIN spaces h ON h.id = u.institution_id
		WHERE NOT u.disabled AND (
			(u.role IN ('district_admin', 'school_admin') AND $1 LIKE h.path || '%')
			OR (u.role = 'expert' AND h.path LIKE $2))
		ORDER BY u.id LIMIT $3`, instPath, instPath+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("list reviewers of %s: %w", instPath, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan reviewer: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

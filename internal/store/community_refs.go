package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/space"
)

// CommunityRef is what deciding whether a viewer sees a community takes,
// without the community's record.
type CommunityRef struct {
	ID              int64
	Visibility      space.Visibility
	InstitutionPath string
}

// CommunityRefs lists the communities owned by the subtree at path in the
// order of Communities (most members first): the same list for every
// viewer, which the service caches and filters per viewer.
func (q *Q) CommunityRefs(ctx context.Context, path string) ([]CommunityRef, error) {
	lo, hi := pathRange(path)
	rows, err := q.q.QueryContext(ctx, `SELECT s.id, s.visibility, i.path`+communityFrom+`WHERE `+communityJoin+`
		AND c.institution_id IN (SELECT id FROM spaces WHERE path >= $1 AND path < $2)
		ORDER BY s.member_count DESC, s.id DESC`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("list communities under %s: %w", path, err)
	}
	return scanCommunityRefs(rows)
}

func scanCommunityRefs(rows *sql.Rows) ([]CommunityRef, error) {
	defer rows.Close()
	var out []CommunityRef
	for rows.Next() {
		var r CommunityRef
		if err := rows.Scan(&r.ID, &r.Visibility, &r.InstitutionPath); err != nil {
			return nil, fmt.Errorf("scan community: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MemberCommunityRefs lists the communities a person belongs to in the
// order of Communities (most members first), whoever looks.
func (q *Q) MemberCommunityRefs(ctx context.Context, userID int64) ([]CommunityRef, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.id, s.visibility, i.path FROM space_members m CROSS JOIN`+
		strings.TrimPrefix(communityFrom, " FROM")+`WHERE m.user_id = $1 AND c.space_id = m.space_id AND `+communityJoin+`
		ORDER BY s.member_count DESC, s.id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list communities of %d: %w", userID, err)
	}
	return scanCommunityRefs(rows)
}

// MembershipIDs lists the spaces a person is a member of.
func (q *Q) MembershipIDs(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT space_id FROM space_members WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan membership: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/space"
)

// Member IDs for notifying: the few leads of a community, and the members
// of a large one batch by batch. Both read only the space_members primary
// key (space_id, user_id), never the users table.

// MemberIDsWithRoles lists the IDs of a space's members who hold one of
// roles, in ID order: the people who act on join requests.
func (q *Q) MemberIDsWithRoles(ctx context.Context, spaceID int64, roles ...space.MemberRole) ([]int64, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	args := []any{spaceID}
	ph := make([]string, len(roles))
	for i, r := range roles {
		args = append(args, r)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	return q.memberIDs(ctx, `SELECT user_id FROM space_members WHERE space_id = $1 AND role IN (`+strings.Join(ph, ",")+`)
		ORDER BY user_id`, args...)
}

// MemberIDsAfter lists at most limit IDs of a space's members greater than
// after, in ID order, so that a fan-out resumes exactly where its last batch
// stopped even while people join and leave.
func (q *Q) MemberIDsAfter(ctx context.Context, spaceID, after int64, limit int) ([]int64, error) {
	return q.memberIDs(ctx, `SELECT user_id FROM space_members WHERE space_id = $1 AND user_id > $2
		ORDER BY user_id LIMIT $3`, spaceID, after, limit)
}

func (q *Q) memberIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list member IDs of %v: %w", args[0], err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan member ID: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list member IDs of %v: %w", args[0], err)
	}
	return out, nil
}

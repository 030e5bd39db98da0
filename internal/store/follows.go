package store

import (
	"context"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
)

// Follow records that follower follows followee; it reports whether the
// follow is new, so a repeated click writes no second event.
func (q *Q) Follow(ctx context.Context, follower, followee int64, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (follower_id, followee_id) DO NOTHING`, follower, followee, ms(at))
	if err != nil {
		return false, fmt.Errorf("follow %d→%d: %w", follower, followee, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Unfollow removes a follow; it reports whether one existed.
func (q *Q) Unfollow(ctx context.Context, follower, followee int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2`, follower, followee)
	if err != nil {
		return false, fmt.Errorf("unfollow %d→%d: %w", follower, followee, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FollowStats are the numbers a personal space shows.
type FollowStats struct {
	Followers, Following int
	ViewerFollows        bool
}

// FollowStats counts a user's followers and followees, and whether viewer follows them.
func (q *Q) FollowStats(ctx context.Context, userID, viewerID int64) (FollowStats, error) {
	var s FollowStats
	err := q.q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM follows WHERE followee_id = $1),
		(SELECT count(*) FROM follows WHERE follower_id = $1),
		(SELECT count(*) FROM follows WHERE follower_id = $2 AND followee_id = $1)`, userID, viewerID).
		Scan(&s.Followers, &s.Following, &s.ViewerFollows)
	if err != nil {
		return s, fmt.Errorf("follow stats of %d: %w", userID, err)
	}
	return s, nil
}

// Following lists the people a user follows.
func (q *Q) Following(ctx context.Context, userID int64, limit, offset int) ([]*account.User, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+userColumns+` FROM follows f JOIN users u ON u.id = f.followee_id
		WHERE f.follower_id = $1 ORDER BY u.sort_name, u.id LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list followees of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("scan followee: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

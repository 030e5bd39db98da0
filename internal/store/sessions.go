package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
)

// CreateSession stores a new session.
func (q *Q) CreateSession(ctx context.Context, s *account.Session) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen, user_agent, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.UserID, s.CSRFToken, ms(s.CreatedAt), ms(s.ExpiresAt), ms(s.LastSeen), s.UserAgent, s.IP)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// SessionWithUser loads an unexpired session and its enabled user in one query,
// since every signed-in request needs both.
func (q *Q) SessionWithUser(ctx context.Context, id string, now time.Time) (*account.Session, *account.User, error) {
	var s account.Session
	var created, expires, seen int64
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+`, s.id, s.user_id, s.csrf_token, s.created_at,
		s.expires_at, s.last_seen, s.user_agent, s.ip
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = $1 AND s.expires_at > $2 AND NOT u.disabled`, id, ms(now)),
		&s.ID, &s.UserID, &s.CSRFToken, &created, &expires, &seen, &s.UserAgent, &s.IP)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = fromMS(created), fromMS(expires), fromMS(seen)
	return &s, u, nil
}

// TouchSession extends a session's expiry (sliding expiration).
func (q *Q) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE id = $3`, ms(seen), ms(expires), id)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (q *Q) DeleteSession(ctx context.Context, id string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user except keep ("" for all).
func (q *Q) DeleteUserSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return res.RowsAffected()
}

// CountUserSessions counts a user's live sessions.
func (q *Q) CountUserSessions(ctx context.Context, userID int64, now time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = $1 AND expires_at > $2`, userID, ms(now)).Scan(&n)
	return n, err
}

// DeleteExpiredSessions removes sessions past their expiry and old login failures.
func (q *Q) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, ms(now)); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, ms(now.Add(-24*time.Hour))); err != nil {
		return fmt.Errorf("delete old login failures: %w", err)
	}
	return nil
}

// RecordLoginFailure remembers a failed login for throttling.
func (q *Q) RecordLoginFailure(ctx context.Context, scope, key string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO login_failures (scope, key, at) VALUES ($1, $2, $3)`, scope, key, ms(at))
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// CountLoginFailures counts failures for a key since a time.
func (q *Q) CountLoginFailures(ctx context.Context, scope, key string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE scope = $1 AND key = $2 AND at >= $3`,
		scope, key, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count login failures: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets an account's failures after a successful login.
func (q *Q) ClearLoginFailures(ctx context.Context, scope, key string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE scope = $1 AND key = $2`, scope, key)
	if err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// CreateToken stores a personal access token (its hash) and sets t.ID.
func (q *Q) CreateToken(ctx context.Context, t *account.Token) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO access_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		t.UserID, t.Name, t.Prefix, t.Hash, ms(t.CreatedAt), nullMS(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

// UserByTokenHash resolves an API token to its enabled, unexpired user.
func (q *Q) UserByTokenHash(ctx context.Context, hash string, now time.Time) (*account.User, int64, error) {
	var tokenID int64
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+`, t.id FROM access_tokens t
		JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2) AND NOT u.disabled`, hash, ms(now)), &tokenID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("load token: %w", err)
	}
	return u, tokenID, nil
}

// TouchToken records a token's last use, at most once a minute per token.
func (q *Q) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE access_tokens SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`, ms(at), id, ms(at.Add(-time.Minute)))
	if err != nil {
		return fmt.Errorf("touch token %d: %w", id, err)
	}
	return nil
}

// Tokens lists a user's tokens, newest first.
func (q *Q) Tokens(ctx context.Context, userID int64) ([]*account.Token, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, user_id, name, prefix, token_hash, created_at, last_used_at, expires_at
		FROM access_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []*account.Token
	for rows.Next() {
		var t account.Token
		var created int64
		var used, expires *int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &created, &used, &expires); err != nil {
			return nil, fmt.Errorf("scan token: %w", err)
		}
		t.CreatedAt, t.LastUsedAt, t.ExpiresAt = fromMS(created), ptrMS(used), ptrMS(expires)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// DeleteToken revokes a token of a user; NotFound when it is not theirs.
func (q *Q) DeleteToken(ctx context.Context, userID, id int64) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM access_tokens WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return nil
}

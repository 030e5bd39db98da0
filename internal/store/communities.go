package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/space"
)

// CreateCommunity writes a community's settings row; its space must exist.
func (q *Q) CreateCommunity(ctx context.Context, c *community.Community) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO communities (space_id, institution_id, purpose, subject, grade_band,
		starts_on, ends_on, status, join_policy, member_cap, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.Space.ID, c.InstitutionID, c.Purpose, c.Subject, c.GradeBand, nullMS(c.StartsOn), nullMS(c.EndsOn),
		c.Status, c.JoinPolicy, c.MemberCap, c.CreatedBy)
	if err != nil {
		return fmt.Errorf("insert community %d: %w", c.Space.ID, err)
	}
	return nil
}

// UpdateCommunity writes a community's settings.
func (q *Q) UpdateCommunity(ctx context.Context, c *community.Community) error {
	_, err := q.q.ExecContext(ctx, `UPDATE communities SET purpose = $1, subject = $2, grade_band = $3, starts_on = $4,
		ends_on = $5, status = $6, join_policy = $7, member_cap = $8, cover_key = $9 WHERE space_id = $10`,
		c.Purpose, c.Subject, c.GradeBand, nullMS(c.StartsOn), nullMS(c.EndsOn), c.Status, c.JoinPolicy, c.MemberCap,
		c.CoverKey, c.Space.ID)
	if err != nil {
		return fmt.Errorf("update community %d: %w", c.Space.ID, err)
	}
	return q.UpdateSpace(ctx, c.Space)
}

const communityColumns = spaceColumns + `, c.institution_id, i.name, c.purpose, c.subject, c.grade_band, c.cover_key,
	c.starts_on, c.ends_on, c.status, c.join_policy, c.member_cap, c.created_by`

// communityFrom starts every community query from the communities table:
// SQLite keeps the order of a CROSS JOIN, and left to itself it sometimes
// scanned all spaces (a hundred thousand personal ones in a district) for
// the visibility test before looking at the few communities. PostgreSQL
// plans a CROSS JOIN with join conditions like any inner join.
const communityFrom = ` FROM communities c CROSS JOIN spaces s CROSS JOIN spaces i `

// communityJoin links the three tables of communityFrom.
const communityJoin = `s.id = c.space_id AND i.id = c.institution_id`

// scanCommunity reads communityColumns, then any extra columns into extra.
func scanCommunity(r rowScanner, extra ...any) (*community.Community, error) {
	var c community.Community
	var starts, ends *int64
	sp, err := scanSpaceWith(r, append([]any{&c.InstitutionID, &c.Institution, &c.Purpose, &c.Subject, &c.GradeBand, &c.CoverKey,
		&starts, &ends, &c.Status, &c.JoinPolicy, &c.MemberCap, &c.CreatedBy}, extra...)...)
	if err != nil {
		return nil, err
	}
	c.Space, c.StartsOn, c.EndsOn = sp, ptrMS(starts), ptrMS(ends)
	return &c, nil
}

// CommunityByID loads a community by its space ID.
func (q *Q) CommunityByID(ctx context.Context, id int64) (*community.Community, error) {
	c, err := scanCommunity(q.q.QueryRowContext(ctx, `SELECT `+communityColumns+communityFrom+`WHERE `+communityJoin+` AND c.space_id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load community %d: %w", id, err)
	}
	return c, nil
}

// CommunityFilter selects communities for listings. The service turns the
// viewer's rights into VisibleUnder/MemberID so that the query returns only
// what they may see.
type CommunityFilter struct {
	InstitutionPath string // communities owned by this subtree
	MemberID        int64  // only communities this person belongs to
	// ViewerID and ViewerPaths widen a listing to what a viewer may see:
	// public ones, institution ones whose owner path is a prefix of one of
	// ViewerPaths, and any the viewer is a member of.
	ViewerID    int64
	ViewerPaths []string
	// ManagedPaths are subtrees the viewer administers: every community
	// owned there is visible to them, as the service grants them read access.
	ManagedPaths  []string
	Query         string
	Status        community.Status
	Limit, Offset int
}

// Communities lists communities, most members first, with the total.
func (q *Q) Communities(ctx context.Context, f CommunityFilter) ([]*community.Community, int, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.InstitutionPath != "" {
		// A range on the path column rather than LIKE, so the subtree comes
		// from the spaces_path index instead of a scan of every space.
		lo, hi := pathRange(f.InstitutionPath)
		where = append(where, "c.institution_id IN (SELECT id FROM spaces WHERE path >= "+arg(lo)+" AND path < "+arg(hi)+")")
	}
	from := communityFrom
	if f.MemberID != 0 {
		// A person's communities start from their memberships (a handful)
		// rather than from every community: 80 µs instead of 200 µs in
		// SQLite on the district data, for every personal space page.
		from = ` FROM space_members m CROSS JOIN` + strings.TrimPrefix(communityFrom, " FROM")
		where = append(where, "m.user_id = "+arg(f.MemberID)+" AND c.space_id = m.space_id")
	}
	if f.Status != "" {
		where = append(where, "c.status = "+arg(f.Status))
	}
	if f.Query != "" {
		where = append(where, `lower(s.name) LIKE `+arg(likePattern(f.Query))+` ESCAPE '\'`)
	}
	// Visibility: public, or institution-visible to people under the owner, or a member.
	vis := []string{"s.visibility = 'public'"}
	for _, p := range f.ViewerPaths {
		vis = append(vis, "(s.visibility = 'institution' AND "+arg(p)+" LIKE i.path || '%')")
	}
	for _, p := range f.ManagedPaths {
		vis = append(vis, "i.path LIKE "+arg(p+"%"))
	}
	if f.ViewerID != 0 {
		vis = append(vis, "c.space_id IN (SELECT space_id FROM space_members WHERE user_id = "+arg(f.ViewerID)+")")
	}
	where = append(where, "("+strings.Join(vis, " OR ")+")")
	cond := "WHERE " + communityJoin + " AND " + strings.Join(where, " AND ")
	countArgs := args
	// The total rides along as a window over the same rows; only an empty
	// page past the first needs a separate count.
	rows, err := q.q.QueryContext(ctx, `SELECT `+communityColumns+`, count(*) OVER ()`+from+cond+
		` ORDER BY s.member_count DESC, s.id DESC`+limitOffset(f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list communities: %w", err)
	}
	defer rows.Close()
	var out []*community.Community
	total := 0
	for rows.Next() {
		c, err := scanCommunity(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("scan community: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 {
		if err := q.q.QueryRowContext(ctx, `SELECT count(*)`+from+cond, countArgs...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count communities: %w", err)
		}
	}
	return out, total, nil
}

// JoinRequest is a request to join a community.
type JoinRequest struct {
	ID        int64
	SpaceID   int64
	UserID    int64
	UserName  string
	Username  string
	Message   string
	Status    string
	Reason    string
	CreatedAt time.Time
}

// CreateJoinRequest records a pending request; a second pending request
// from the same person is a Conflict.
func (q *Q) CreateJoinRequest(ctx context.Context, r *JoinRequest) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO join_requests (space_id, user_id, message, status, created_at)
		VALUES ($1, $2, $3, 'pending', $4) RETURNING id`, r.SpaceID, r.UserID, r.Message, ms(r.CreatedAt)).Scan(&r.ID)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "community.join.already_requested", err)
	}
	if err != nil {
		return fmt.Errorf("insert join request: %w", err)
	}
	return nil
}

// PendingRequests lists a community's pending join requests, oldest first.
func (q *Q) PendingRequests(ctx context.Context, spaceID int64) ([]*JoinRequest, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.id, r.space_id, r.user_id, COALESCE(NULLIF(u.display_name, ''), u.username),
		u.username, r.message, r.status, r.reason, r.created_at
		FROM join_requests r JOIN users u ON u.id = r.user_id
		WHERE r.space_id = $1 AND r.status = 'pending' ORDER BY r.created_at, r.id`, spaceID)
	if err != nil {
		return nil, fmt.Errorf("list join requests: %w", err)
	}
	defer rows.Close()
	var out []*JoinRequest
	for rows.Next() {
		var r JoinRequest
		var at int64
		if err := rows.Scan(&r.ID, &r.SpaceID, &r.UserID, &r.UserName, &r.Username, &r.Message, &r.Status, &r.Reason, &at); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(at)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// PendingRequestOf returns a person's pending request to a community, or nil.
func (q *Q) PendingRequestOf(ctx context.Context, spaceID, userID int64) (*JoinRequest, error) {
	var r JoinRequest
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT id, space_id, user_id, message, status, created_at FROM join_requests
		WHERE space_id = $1 AND user_id = $2 AND status = 'pending'`, spaceID, userID).
		Scan(&r.ID, &r.SpaceID, &r.UserID, &r.Message, &r.Status, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load join request: %w", err)
	}
	r.CreatedAt = fromMS(at)
	return &r, nil
}

// DecideJoinRequest closes a pending request; it reports false when the
// request was not pending (decided by someone else meanwhile).
func (q *Q) DecideJoinRequest(ctx context.Context, id, spaceID int64, status, reason string, by int64, at time.Time) (*JoinRequest, error) {
	var r JoinRequest
	err := q.q.QueryRowContext(ctx, `UPDATE join_requests SET status = $1, reason = $2, decided_by = $3, decided_at = $4
		WHERE id = $5 AND space_id = $6 AND status = 'pending' RETURNING id, space_id, user_id`,
		status, reason, by, ms(at), id, spaceID).Scan(&r.ID, &r.SpaceID, &r.UserID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("decide join request %d: %w", id, err)
	}
	r.Status = status
	return &r, nil
}

// Invitation invites a named person, or anyone holding a link, into a community.
type Invitation struct {
	ID        int64
	SpaceID   int64
	InviterID int64
	InviteeID int64
	TokenHash string
	Role      space.MemberRole
	MaxUses   int
	Uses      int
	ExpiresAt time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// CreateInvitation stores an invitation and sets its ID.
func (q *Q) CreateInvitation(ctx context.Context, inv *Invitation) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO invitations (space_id, inviter_id, invitee_id, token_hash, role, max_uses,
		expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		inv.SpaceID, inv.InviterID, nullInt(inv.InviteeID), nullStr(inv.TokenHash), inv.Role, inv.MaxUses,
		ms(inv.ExpiresAt), ms(inv.CreatedAt)).Scan(&inv.ID)
	if err != nil {
		return fmt.Errorf("insert invitation: %w", err)
	}
	return nil
}

const invitationColumns = `id, space_id, inviter_id, COALESCE(invitee_id, 0), COALESCE(token_hash, ''), role, max_uses, uses,
	expires_at, revoked_at, created_at`

func scanInvitation(r rowScanner) (*Invitation, error) {
	var inv Invitation
	var expires, created int64
	var revoked *int64
	if err := r.Scan(&inv.ID, &inv.SpaceID, &inv.InviterID, &inv.InviteeID, &inv.TokenHash, &inv.Role, &inv.MaxUses,
		&inv.Uses, &expires, &revoked, &created); err != nil {
		return nil, err
	}
	inv.ExpiresAt, inv.RevokedAt, inv.CreatedAt = fromMS(expires), ptrMS(revoked), fromMS(created)
	return &inv, nil
}

// InvitationByToken finds a link invitation by its token hash.
func (q *Q) InvitationByToken(ctx context.Context, hash string) (*Invitation, error) {
	inv, err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "community.invite.invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	return inv, nil
}

// OpenInvitationFor finds an unexpired, unrevoked invitation of a named person.
func (q *Q) OpenInvitationFor(ctx context.Context, spaceID, userID int64, now time.Time) (*Invitation, error) {
	inv, err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE space_id = $1 AND invitee_id = $2 AND revoked_at IS NULL AND expires_at > $3 AND uses = 0
		ORDER BY id DESC LIMIT 1`, spaceID, userID, ms(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	return inv, nil
}

// UseInvitation counts one use of an invitation, refusing when it is used
// up; the check and the count are one statement so two people racing for
// the last use cannot both win.
func (q *Q) UseInvitation(ctx context.Context, id int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE invitations SET uses = uses + 1
		WHERE id = $1 AND revoked_at IS NULL AND (max_uses = 0 OR uses < max_uses)`, id)
	if err != nil {
		return false, fmt.Errorf("use invitation %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Invitations lists a community's invitations, newest first.
func (q *Q) Invitations(ctx context.Context, spaceID int64) ([]*Invitation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE space_id = $1 ORDER BY id DESC LIMIT 100`, spaceID)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []*Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// RevokeInvitation stops an invitation of a community from working.
func (q *Q) RevokeInvitation(ctx context.Context, spaceID, id int64, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND space_id = $3 AND revoked_at IS NULL`, ms(at), id, spaceID)
	if err != nil {
		return fmt.Errorf("revoke invitation %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return nil
}

// pathRange returns bounds [lo, hi) that select exactly the paths under a
// materialised path such as "/1/7/": every such path starts with it, and
// '0' is the byte after '/'.
func pathRange(prefix string) (string, string) {
	return prefix, prefix[:len(prefix)-1] + "0"
}

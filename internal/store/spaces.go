package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
)

const spaceColumns = `s.id, s.kind, s.level, COALESCE(s.parent_id, 0), s.path, s.name, s.code, s.description,
	s.location, s.visibility, s.modules, COALESCE(s.owner_id, 0), s.member_count, s.created_at, s.updated_at`

func scanSpace(r rowScanner) (*space.Space, error) { return scanSpaceWith(r) }

// scanSpaceWith reads spaceColumns, then any extra columns into extra.
func scanSpaceWith(r rowScanner, extra ...any) (*space.Space, error) {
	var s space.Space
	var modules string
	var created, updated int64
	dest := append([]any{&s.ID, &s.Kind, &s.Level, &s.ParentID, &s.Path, &s.Name, &s.Code, &s.Description,
		&s.Location, &s.Visibility, &modules, &s.OwnerID, &s.MemberCount, &created, &updated}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	for _, m := range strings.Split(modules, ",") {
		if m != "" {
			s.Modules = append(s.Modules, space.Module(m))
		}
	}
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return &s, nil
}

func joinModules(ms []space.Module) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, ",")
}

// CreateSpace inserts a space under its parent (parentPath is the parent's
// path, "" for a root) and fills in s.ID and s.Path.
func (q *Q) CreateSpace(ctx context.Context, s *space.Space, parentPath string) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO spaces (kind, level, parent_id, name, sort_name, code, description,
		location, visibility, modules, owner_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		s.Kind, s.Level, nullInt(s.ParentID), s.Name, SortKey(s.Name), s.Code, s.Description, s.Location,
		s.Visibility, joinModules(s.Modules), nullInt(s.OwnerID), ms(s.CreatedAt)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("insert space %q: %w", s.Name, err)
	}
	s.Path = space.ChildPath(parentPath, s.ID)
	if _, err := q.q.ExecContext(ctx, `UPDATE spaces SET path = $1 WHERE id = $2`, s.Path, s.ID); err != nil {
		return fmt.Errorf("set path of space %d: %w", s.ID, err)
	}
	return nil
}

// SpaceByID loads a space.
func (q *Q) SpaceByID(ctx context.Context, id int64) (*space.Space, error) {
	s, err := scanSpace(q.q.QueryRowContext(ctx, `SELECT `+spaceColumns+` FROM spaces s WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load space %d: %w", id, err)
	}
	return s, nil
}

// UpdateSpace writes the editable fields of an institution or space.
func (q *Q) UpdateSpace(ctx context.Context, s *space.Space) error {
	_, err := q.q.ExecContext(ctx, `UPDATE spaces SET name = $1, sort_name = $2, code = $3, description = $4,
		location = $5, visibility = $6, modules = $7, updated_at = $8 WHERE id = $9`,
		s.Name, SortKey(s.Name), s.Code, s.Description, s.Location, s.Visibility, joinModules(s.Modules),
		ms(s.UpdatedAt), s.ID)
	if err != nil {
		return fmt.Errorf("update space %d: %w", s.ID, err)
	}
	return nil
}

func (q *Q) listSpaces(ctx context.Context, query string, args ...any) ([]*space.Space, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+spaceColumns+` FROM spaces s `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("list spaces: %w", err)
	}
	defer rows.Close()
	var out []*space.Space
	for rows.Next() {
		s, err := scanSpace(rows)
		if err != nil {
			return nil, fmt.Errorf("scan space: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Children lists the sub-institutions of an institution in collation order
// (communities owned by it are spaces below it too, but listed apart).
func (q *Q) Children(ctx context.Context, parentID int64, limit, offset int) ([]*space.Space, int, error) {
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM spaces WHERE parent_id = $1 AND kind = 'institution'`, parentID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count children of %d: %w", parentID, err)
	}
	out, err := q.listSpaces(ctx, `WHERE s.parent_id = $1 AND s.kind = 'institution' ORDER BY s.sort_name, s.id`+limitOffset(limit, offset), parentID)
	return out, total, err
}

// Roots lists institutions without a parent.
func (q *Q) Roots(ctx context.Context) ([]*space.Space, error) {
	return q.listSpaces(ctx, `WHERE s.parent_id IS NULL AND s.kind = 'institution' ORDER BY s.sort_name, s.id`)
}

// SpacesByIDs loads the spaces with the given IDs (in no particular order).
func (q *Q) SpacesByIDs(ctx context.Context, ids []int64) ([]*space.Space, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return q.listSpaces(ctx, `WHERE s.id IN (`+strings.Join(ph, ",")+`)`, args...)
}

// InstitutionFilter selects institutions for listings and the API.
type InstitutionFilter struct {
	UnderPath     string // subtree, "" for all
	Level         space.Level
	Query         string
	Limit, Offset int
}

// ListInstitutions returns one page of institutions and the total.
func (q *Q) ListInstitutions(ctx context.Context, f InstitutionFilter) ([]*space.Space, int, error) {
	where := []string{"s.kind = 'institution'"}
	var args []any
	if f.UnderPath != "" {
		args = append(args, f.UnderPath+"%")
		where = append(where, fmt.Sprintf("s.path LIKE $%d", len(args)))
	}
	if f.Level != "" {
		args = append(args, f.Level)
		where = append(where, fmt.Sprintf("s.level = $%d", len(args)))
	}
	if f.Query != "" {
		args = append(args, likePattern(f.Query))
		where = append(where, fmt.Sprintf(`lower(s.name) LIKE $%d ESCAPE '\'`, len(args)))
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM spaces s`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count institutions: %w", err)
	}
	args = append(args, f.Limit, f.Offset)
	out, err := q.listSpaces(ctx, cond+fmt.Sprintf(" ORDER BY s.path, s.id LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	return out, total, err
}

// AddMember makes a user a member of a space with a role, or changes the
// role of an existing member; the member count follows.
func (q *Q) AddMember(ctx context.Context, spaceID, userID int64, role space.MemberRole, sortName string, at int64) error {
	res, err := q.q.ExecContext(ctx, `INSERT INTO space_members (space_id, user_id, role, sort_name, joined_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (space_id, user_id) DO NOTHING`, spaceID, userID, role, sortName, at)
	if err != nil {
		return fmt.Errorf("add member %d to space %d: %w", userID, spaceID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		_, err = q.q.ExecContext(ctx, `UPDATE spaces SET member_count = member_count + 1 WHERE id = $1`, spaceID)
	} else {
		_, err = q.q.ExecContext(ctx, `UPDATE space_members SET role = $1 WHERE space_id = $2 AND user_id = $3`, role, spaceID, userID)
	}
	if err != nil {
		return fmt.Errorf("update membership %d/%d: %w", spaceID, userID, err)
	}
	return nil
}

// RemoveMember removes a membership if present.
func (q *Q) RemoveMember(ctx context.Context, spaceID, userID int64) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM space_members WHERE space_id = $1 AND user_id = $2`, spaceID, userID)
	if err != nil {
		return fmt.Errorf("remove member %d from space %d: %w", userID, spaceID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if _, err := q.q.ExecContext(ctx, `UPDATE spaces SET member_count = member_count - 1 WHERE id = $1`, spaceID); err != nil {
			return fmt.Errorf("count members of space %d: %w", spaceID, err)
		}
	}
	return nil
}

// MemberRole returns a user's role in a space, "" when not a member.
func (q *Q) MemberRole(ctx context.Context, spaceID, userID int64) (space.MemberRole, error) {
	var role space.MemberRole
	err := q.q.QueryRowContext(ctx, `SELECT role FROM space_members WHERE space_id = $1 AND user_id = $2`, spaceID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load role of %d in %d: %w", userID, spaceID, err)
	}
	return role, nil
}

// Member is a user with their role in a space.
type Member struct {
	User *account.User
	Role space.MemberRole
}

// Members lists one page of a space's members in collation order.
func (q *Q) Members(ctx context.Context, spaceID int64, limit, offset int) ([]Member, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+userColumns+`, m.role FROM space_members m
		JOIN users u ON u.id = m.user_id
		WHERE m.space_id = $1 ORDER BY m.sort_name, m.user_id`+limitOffset(limit, offset), spaceID)
	if err != nil {
		return nil, fmt.Errorf("list members of %d: %w", spaceID, err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		u, err := scanUser(rows, &m.Role)
		if err != nil {
			return nil, fmt.Errorf("scan member: %w", err)
		}
		m.User = u
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountMembersWithRole counts a space's members holding a role.
func (q *Q) CountMembersWithRole(ctx context.Context, spaceID int64, role space.MemberRole) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM space_members WHERE space_id = $1 AND role = $2`, spaceID, role).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s members of %d: %w", role, spaceID, err)
	}
	return n, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
)

const userColumns = `u.id, u.username, u.role, COALESCE(u.institution_id, 0), COALESCE(u.personal_space_id, 0),
	u.display_name, u.email, u.gender, u.subjects, u.grade_band, u.title, u.years_of_teaching,
	COALESCE(u.staff_no, ''), u.bio, u.avatar_key, u.lang, u.disabled, u.created_at, u.updated_at, u.must_change_password`

type rowScanner interface{ Scan(dest ...any) error }

// scanUser reads userColumns, then any extra columns into extra.
func scanUser(r rowScanner, extra ...any) (*account.User, error) {
	var u account.User
	var subjects string
	var years sql.NullInt64
	var created, updated int64
	dest := append([]any{&u.ID, &u.Username, &u.Role, &u.InstitutionID, &u.PersonalSpaceID,
		&u.DisplayName, &u.Email, &u.Gender, &subjects, &u.GradeBand, &u.Title, &years,
		&u.StaffNo, &u.Bio, &u.AvatarKey, &u.Lang, &u.Disabled, &created, &updated, &u.MustChangePassword}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if subjects != "" {
		u.Subjects = strings.Split(subjects, ",")
	}
	if years.Valid {
		y := int(years.Int64)
		u.YearsOfTeaching = &y
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return &u, nil
}

func yearsArg(y *int) any {
	if y == nil {
		return nil
	}
	return *y
}

// CreateUser inserts a user and sets u.ID. A taken username or staff number
// is reported as a Conflict on the field.
func (q *Q) CreateUser(ctx context.Context, u *account.User, passwordHash string) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, role, institution_id,
		display_name, sort_name, email, gender, subjects, grade_band, title, years_of_teaching, staff_no, bio, lang,
		disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
		RETURNING id`,
		u.Username, passwordHash, u.Role, nullInt(u.InstitutionID), u.DisplayName, SortKey(u.Name()), u.Email,
		u.Gender, strings.Join(u.Subjects, ","), u.GradeBand, u.Title, yearsArg(u.YearsOfTeaching),
		nullStr(u.StaffNo), u.Bio, u.Lang, u.Disabled, ms(u.CreatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return userConflict(err)
	}
	if err != nil {
		return fmt.Errorf("insert user %s: %w", u.Username, err)
	}
	return nil
}

func userConflict(err error) error {
	f := apperr.Fields{}
	if strings.Contains(err.Error(), "staff_no") {
		f.Add("staff_no", "account.staff_no.taken")
	} else {
		f.Add("username", "account.username.taken")
	}
	return &apperr.Error{Code: apperr.Conflict, Key: "form.invalid", Fields: f, Err: err}
}

// SetPersonalSpace links a user to their personal space.
func (q *Q) SetPersonalSpace(ctx context.Context, userID, spaceID int64) error {
	_, err := q.q.ExecContext(ctx, `UPDATE users SET personal_space_id = $1 WHERE id = $2`, spaceID, userID)
	if err != nil {
		return fmt.Errorf("set personal space of user %d: %w", userID, err)
	}
	return nil
}

func (q *Q) oneUser(ctx context.Context, where string, arg any) (*account.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load user (%s): %w", where, err)
	}
	return u, nil
}

// UserByID loads a user.
func (q *Q) UserByID(ctx context.Context, id int64) (*account.User, error) {
	return q.oneUser(ctx, "u.id = $1", id)
}

// UserByUsername loads a user by normalised username.
func (q *Q) UserByUsername(ctx context.Context, username string) (*account.User, error) {
	return q.oneUser(ctx, "u.username = $1", username)
}

// PasswordHash returns the stored hash of a user.
func (q *Q) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := q.q.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&h)
	if err != nil {
		return "", fmt.Errorf("load password hash of user %d: %w", userID, err)
	}
	return h, nil
}

// SetPasswordHash replaces a user's password hash.
func (q *Q) SetPasswordHash(ctx context.Context, userID int64, hash string, at int64) error {
	_, err := q.q.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = FALSE, updated_at = $2 WHERE id = $3`,
		hash, at, userID)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// RequirePasswordChange makes a user choose a new password at the next
// sign-in, as accounts created with an initial password must.
func (q *Q) RequirePasswordChange(ctx context.Context, userID int64) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE users SET must_change_password = TRUE WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("require a password change of user %d: %w", userID, err)
	}
	return nil
}

// UpdateUser writes the profile fields and role/institution of u.
func (q *Q) UpdateUser(ctx context.Context, u *account.User) error {
	_, err := q.q.ExecContext(ctx, `UPDATE users SET display_name = $1, sort_name = $2, email = $3, gender = $4,
		subjects = $5, grade_band = $6, title = $7, years_of_teaching = $8, staff_no = $9, bio = $10,
		avatar_key = $11, lang = $12, role = $13, institution_id = $14, disabled = $15, updated_at = $16
		WHERE id = $17`,
		u.DisplayName, SortKey(u.Name()), u.Email, u.Gender, strings.Join(u.Subjects, ","), u.GradeBand, u.Title,
		yearsArg(u.YearsOfTeaching), nullStr(u.StaffNo), u.Bio, u.AvatarKey, u.Lang, u.Role,
		nullInt(u.InstitutionID), u.Disabled, ms(u.UpdatedAt), u.ID)
	if isUniqueViolation(err) {
		return userConflict(err)
	}
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	_, err = q.q.ExecContext(ctx, `UPDATE space_members SET sort_name = $1 WHERE user_id = $2`, SortKey(u.Name()), u.ID)
	if err != nil {
		return fmt.Errorf("update member sort names of user %d: %w", u.ID, err)
	}
	return nil
}

// UserByStaffNo finds a user by staff number within an institution.
func (q *Q) UserByStaffNo(ctx context.Context, institutionID int64, staffNo string) (*account.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u
		WHERE u.institution_id = $1 AND u.staff_no = $2`, institutionID, staffNo))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load user by staff number: %w", err)
	}
	return u, nil
}

// UserFilter selects users for listings.
type UserFilter struct {
	InstitutionPath string // users whose home institution lies in this subtree
	Query           string // substring of username or display name
	Limit, Offset   int
}

// ListUsers returns one page of users in collation order, and the total.
func (q *Q) ListUsers(ctx context.Context, f UserFilter) ([]*account.User, int, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.InstitutionPath != "" {
		args = append(args, f.InstitutionPath+"%")
		where = append(where, fmt.Sprintf("u.institution_id IN (SELECT id FROM spaces WHERE path LIKE $%d)", len(args)))
	}
	if f.Query != "" {
		args = append(args, likePattern(f.Query))
		where = append(where, fmt.Sprintf(`(lower(u.username) LIKE $%[1]d ESCAPE '\' OR lower(u.display_name) LIKE $%[1]d ESCAPE '\')`, len(args)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM users u WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := q.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+cond+
		fmt.Sprintf(` ORDER BY u.sort_name, u.id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var us []*account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan user: %w", err)
		}
		us = append(us, u)
	}
	return us, total, rows.Err()
}

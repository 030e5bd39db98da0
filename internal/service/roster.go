package service

import (
	"context"
	"crypto/rand"
	"slices"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/roster"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// What the import will do, or did, with one row.
const (
	RosterCreate    = "create"
	RosterUpdate    = "update"
	RosterUnchanged = "unchanged"
	RosterInvalid   = "invalid"
)

// RosterLine is one row's outcome.
type RosterLine struct {
	Row    roster.Row
	Action string
	Errors []roster.RowError
	// Password is the initial password of a created account, shown once.
	Password string
	UserID   int64
}

// RosterResult summarises a preview or an import.
type RosterResult struct {
	Institution                          *space.Space
	Sheet                                *roster.Sheet
	Lines                                []RosterLine
	Created, Updated, Unchanged, Invalid int
	Applied                              bool
}

// ErrRosterHasErrors refuses to import a file with invalid rows unless the
// admin asked for the valid rows only.
var ErrRosterHasErrors = apperr.New(apperr.Invalid, "roster.has_errors")

// PreviewRoster works out what importing sheet into the institution would do,
// writing nothing: the dry run behind the preview page and --dry-run.
func (s *Service) PreviewRoster(ctx context.Context, actor *account.User, institutionID int64, sheet *roster.Sheet) (*RosterResult, error) {
	return s.planRoster(ctx, s.db.R(), actor, institutionID, sheet)
}

// ImportRoster applies a roster in one transaction: every row or none. A
// re-import matches people by staff number (then username) and changes only
// what differs, so running it twice changes nothing the second time.
func (s *Service) ImportRoster(ctx context.Context, actor *account.User, institutionID int64, sheet *roster.Sheet, filename string, onlyValid bool) (*RosterResult, error) {
	// Hash initial passwords before the transaction so it stays short.
	res, err := s.planRoster(ctx, s.db.R(), actor, institutionID, sheet)
	if err != nil {
		return nil, err
	}
	if res.Invalid > 0 && !onlyValid {
		return res, ErrRosterHasErrors
	}
	hashes := make(map[int]string)
	for i := range res.Lines {
		if res.Lines[i].Action == RosterCreate {
			res.Lines[i].Password = initialPassword()
			h, err := s.hashPassword(ctx, res.Lines[i].Password)
			if err != nil {
				return nil, err
			}
			hashes[i] = h
		}
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		// Re-plan inside the transaction: someone may have changed people since.
		again, err := s.planRoster(ctx, q, actor, institutionID, sheet)
		if err != nil {
			return err
		}
		for i := range again.Lines {
			if again.Lines[i].Action != res.Lines[i].Action {
				return apperr.New(apperr.Conflict, "roster.changed")
			}
		}
		now := s.Now()
		for i := range res.Lines {
			l := &res.Lines[i]
			switch l.Action {
			case RosterCreate:
				u := rowUser(l.Row, &account.User{Role: account.Teacher, InstitutionID: institutionID}, sheet)
				if err := s.insertUser(ctx, q, actor, u, hashes[i]); err != nil {
					return err
				}
				if err := q.RequirePasswordChange(ctx, u.ID); err != nil {
					return err
				}
				u.MustChangePassword = true
				l.UserID = u.ID
			case RosterUpdate:
				u, err := q.UserByID(ctx, l.UserID)
				if err != nil {
					return err
				}
				rowUser(l.Row, u, sheet)
				u.UpdatedAt = now
				if err := q.UpdateUser(ctx, u); err != nil {
					return err
				}
				if err := s.record(ctx, q, event.Event{ActorID: actorID(actor), Verb: event.ProfileUpdated, ObjectType: event.ObjUser,
					ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, map[string]any{"via": "roster"}); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, q, event.Event{ActorID: actorID(actor), Verb: event.Imported, ObjectType: event.ObjRoster,
			ObjectID: institutionID, SpaceID: institutionID, InstitutionID: institutionID},
			map[string]any{"file": truncate(filename, 200), "created": res.Created, "updated": res.Updated,
				"unchanged": res.Unchanged, "skipped": res.Invalid})
	})
	if err != nil {
		return nil, err
	}
	res.Applied = true
	return res, nil
}

func actorID(u *account.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

func (s *Service) planRoster(ctx context.Context, q *store.Q, actor *account.User, institutionID int64, sheet *roster.Sheet) (*RosterResult, error) {
	inst, err := s.institution(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	if actor != nil {
		if err := s.requireManage(ctx, actor, inst.Path); err != nil {
			return nil, err
		}
	}
	res := &RosterResult{Institution: inst, Sheet: sheet}
	for _, row := range sheet.Rows {
		l := RosterLine{Row: row, Errors: sheet.RowErrors(row.Line)}
		if !row.Valid() {
			l.Action = RosterInvalid
			res.Invalid++
			res.Lines = append(res.Lines, l)
			continue
		}
		existing, err := s.matchRosterRow(ctx, q, inst, row)
		if err != nil {
			return nil, err
		}
		switch {
		case existing == nil:
			l.Action = RosterCreate
			res.Created++
		case existing.InstitutionID != inst.ID:
			// The username belongs to someone elsewhere: never take over an account.
			l.Action = RosterInvalid
			l.Errors = append(l.Errors, roster.RowError{Row: row.Line, Column: roster.ColUsername,
				Code: "roster.error.username_taken", Args: map[string]string{"value": row.Username}})
			res.Invalid++
		default:
			l.UserID = existing.ID
			before := *existing
			rowUser(row, existing, sheet)
			if sameProfile(&before, existing) {
				l.Action = RosterUnchanged
				res.Unchanged++
			} else {
				l.Action = RosterUpdate
				res.Updated++
			}
		}
		res.Lines = append(res.Lines, l)
	}
	return res, nil
}

func (s *Service) matchRosterRow(ctx context.Context, q *store.Q, inst *space.Space, row roster.Row) (*account.User, error) {
	if row.StaffNo != "" {
		u, err := q.UserByStaffNo(ctx, inst.ID, row.StaffNo)
		if err == nil || !apperr.Is(err, apperr.NotFound) {
			return u, err
		}
	}
	u, err := q.UserByUsername(ctx, row.Username)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	return u, err
}

// rowUser copies the columns the file had onto u; absent columns leave the
// profile as it was, so a file with fewer columns does not erase data.
func rowUser(row roster.Row, u *account.User, sheet *roster.Sheet) *account.User {
	if u.Username == "" {
		u.Username = row.Username
	}
	set := func(col string, apply func()) {
		if sheet.Has(col) {
			apply()
		}
	}
	u.DisplayName = row.Name
	set(roster.ColGender, func() { u.Gender = row.Gender })
	set(roster.ColSubjects, func() { u.Subjects = row.Subjects })
	set(roster.ColGradeBand, func() { u.GradeBand = row.GradeBand })
	set(roster.ColTitle, func() { u.Title = row.Title })
	set(roster.ColYears, func() { u.YearsOfTeaching = row.YearsOfTeaching })
	set(roster.ColEmail, func() { u.Email = row.Email })
	set(roster.ColStaffNo, func() { u.StaffNo = row.StaffNo })
	return u
}

func sameProfile(a, b *account.User) bool {
	eqYears := (a.YearsOfTeaching == nil) == (b.YearsOfTeaching == nil) &&
		(a.YearsOfTeaching == nil || *a.YearsOfTeaching == *b.YearsOfTeaching)
	return a.DisplayName == b.DisplayName && a.Gender == b.Gender && slices.Equal(a.Subjects, b.Subjects) &&
		a.GradeBand == b.GradeBand && a.Title == b.Title && eqYears && a.Email == b.Email && a.StaffNo == b.StaffNo
}

// initialPassword makes a 12-character password from an alphabet without
// look-alike characters, since admins hand these out on paper.
func initialPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3467"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

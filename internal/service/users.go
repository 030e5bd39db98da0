package service

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// NewUser is what creating an account takes.
type NewUser struct {
	Username      string
	Password      string
	Role          account.Role
	InstitutionID int64
	Profile       Profile
}

// Profile is the editable part of a user.
type Profile struct {
	DisplayName     string
	Email           string
	Gender          string
	Subjects        []string
	GradeBand       string
	Title           string
	YearsOfTeaching *int
	StaffNo         string
	Bio             string
}

// validate checks profile fields against the shared vocabulary.
func (p *Profile) validate(f apperr.Fields) {
	p.DisplayName = strings.TrimSpace(p.DisplayName)
	p.Email = strings.TrimSpace(p.Email)
	p.StaffNo = strings.TrimSpace(p.StaffNo)
	if utf8.RuneCountInString(p.DisplayName) > account.MaxDisplayName {
		f.Add("display_name", "form.too_long", "max", account.MaxDisplayName)
	}
	if p.Email != "" {
		if len(p.Email) > account.MaxEmail {
			f.Add("email", "form.too_long", "max", account.MaxEmail)
		} else if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			f.Add("email", "account.email.invalid")
		}
	}
	if p.Gender != "" {
		if _, ok := teacher.Lookup(teacher.KindGender, p.Gender); !ok {
			f.Add("gender", "form.invalid")
		}
	}
	for _, sub := range p.Subjects {
		if _, ok := teacher.Lookup(teacher.KindSubject, sub); !ok {
			f.Add("subjects", "form.invalid")
		}
	}
	if len(p.Subjects) > 6 {
		f.Add("subjects", "account.subjects.too_many", "max", 6)
	}
	if p.GradeBand != "" {
		if _, ok := teacher.Lookup(teacher.KindGradeBand, p.GradeBand); !ok {
			f.Add("grade_band", "form.invalid")
		}
	}
	if p.Title != "" {
		if _, ok := teacher.Lookup(teacher.KindTitle, p.Title); !ok {
			f.Add("title", "form.invalid")
		}
	}
	if y := p.YearsOfTeaching; y != nil && (*y < 0 || *y > account.MaxYears) {
		f.Add("years_of_teaching", "form.out_of_range", "min", 0, "max", account.MaxYears)
	}
	if len(p.StaffNo) > account.MaxStaffNo {
		f.Add("staff_no", "form.too_long", "max", account.MaxStaffNo)
	}
	if utf8.RuneCountInString(p.Bio) > account.MaxBio {
		f.Add("bio", "form.too_long", "max", account.MaxBio)
	}
}

func (p Profile) apply(u *account.User) {
	u.DisplayName, u.Email, u.Gender, u.Subjects = p.DisplayName, p.Email, p.Gender, p.Subjects
	u.GradeBand, u.Title, u.YearsOfTeaching, u.StaffNo, u.Bio = p.GradeBand, p.Title, p.YearsOfTeaching, p.StaffNo, p.Bio
}

// ProfileOf returns the editable fields of u.
func ProfileOf(u *account.User) Profile {
	return Profile{DisplayName: u.DisplayName, Email: u.Email, Gender: u.Gender, Subjects: u.Subjects,
		GradeBand: u.GradeBand, Title: u.Title, YearsOfTeaching: u.YearsOfTeaching, StaffNo: u.StaffNo, Bio: u.Bio}
}

// CreateUser makes an account with its personal space. actor nil means the
// server's operator at the command line; otherwise actor must manage the
// institution and may not grant a role above their own.
func (s *Service) CreateUser(ctx context.Context, actor *account.User, in NewUser) (*account.User, error) {
	in.Username = account.NormalizeUsername(in.Username)
	f := apperr.Fields{}
	if !account.ValidUsername(in.Username) {
		f.Add("username", "account.username.invalid")
	}
	account.ValidatePassword(f, "password", in.Password)
	if !in.Role.Valid() {
		f.Add("role", "form.invalid")
	}
	in.Profile.validate(f)
	var inst *space.Space
	if in.InstitutionID != 0 {
		var err error
		if inst, err = s.db.R().SpaceByID(ctx, in.InstitutionID); err != nil || inst.Kind != space.Institution {
			f.Add("institution", "account.institution.unknown")
		}
	} else if in.Role != account.Admin {
		f.Add("institution", "form.required")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if actor != nil {
		if err := s.requireManage(ctx, actor, inst.Path); err != nil {
			return nil, err
		}
	}
	if !canAssignRole(actor, in.Role) {
		return nil, errForbidden
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &account.User{Username: in.Username, Role: in.Role, InstitutionID: in.InstitutionID, CreatedAt: s.Now()}
	in.Profile.apply(u)
	err = s.db.Tx(ctx, func(q *store.Q) error {
		return s.insertUser(ctx, q, actor, u, hash)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// insertUser writes a user, their personal space and their memberships, and
// records the event; shared by account creation and the roster import.
func (s *Service) insertUser(ctx context.Context, q *store.Q, actor *account.User, u *account.User, hash string) error {
	now := s.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	if err := q.CreateUser(ctx, u, hash); err != nil {
		return err
	}
	ps := &space.Space{Kind: space.Personal, Name: u.Name(), Visibility: space.Public,
		Modules: space.DefaultModules(space.Personal), OwnerID: u.ID, CreatedAt: now}
	if err := q.CreateSpace(ctx, ps, ""); err != nil {
		return err
	}
	u.PersonalSpaceID = ps.ID
	if err := q.SetPersonalSpace(ctx, u.ID, ps.ID); err != nil {
		return err
	}
	sortKey := store.SortKey(u.Name())
	if err := q.AddMember(ctx, ps.ID, u.ID, space.RoleAdmin, sortKey, now.UnixMilli()); err != nil {
		return err
	}
	if u.InstitutionID != 0 {
		role := space.RoleMember
		if u.Role.ManagesInstitutions() {
			role = space.RoleAdmin
		}
		if err := q.AddMember(ctx, u.InstitutionID, u.ID, role, sortKey, now.UnixMilli()); err != nil {
			return err
		}
	}
	actorID := u.ID
	if actor != nil {
		actorID = actor.ID
	}
	return s.record(ctx, q, event.Event{ActorID: actorID, Verb: event.Registered, ObjectType: event.ObjUser,
		ObjectID: u.ID, SpaceID: ps.ID, InstitutionID: u.InstitutionID}, map[string]any{"role": u.Role})
}

// UserByUsername looks a user up for the edges (profile pages, CLI).
func (s *Service) UserByUsername(ctx context.Context, username string) (*account.User, error) {
	username = account.NormalizeUsername(username)
	if !account.ValidUsername(username) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return s.db.R().UserByUsername(ctx, username)
}

// UpdateProfile changes a user's profile; a user edits their own, admins
// edit the people of the institutions they manage.
func (s *Service) UpdateProfile(ctx context.Context, actor *account.User, userID int64, p Profile) (*account.User, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	u, err := s.db.R().UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if actor.ID != u.ID {
		if err := s.requireManageUser(ctx, actor, u); err != nil {
			return nil, err
		}
	}
	f := apperr.Fields{}
	p.validate(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	p.apply(u)
	u.UpdatedAt = s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: event.ProfileUpdated, ObjectType: event.ObjUser,
			ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, nil)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) requireManageUser(ctx context.Context, actor, u *account.User) error {
	if u.InstitutionID == 0 {
		if actor.Role == account.Admin {
			return nil
		}
		return errForbidden
	}
	ref, err := s.spaces.get(ctx, u.InstitutionID)
	if err != nil {
		return err
	}
	return s.requireManage(ctx, actor, ref.Path)
}

// SetLanguage remembers a user's UI language.
func (s *Service) SetLanguage(ctx context.Context, u *account.User, lang string) error {
	if lang != "zh-CN" && lang != "en" {
		f := apperr.Fields{}
		f.Add("lang", "form.invalid")
		return f.Err()
	}
	u.Lang, u.UpdatedAt = lang, s.Now()
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.LanguageChanged, ObjectType: event.ObjUser,
			ObjectID: u.ID, InstitutionID: u.InstitutionID}, map[string]any{"lang": lang})
	})
}

// Users lists people for the API and admin pages: admins see their subtree,
// everyone else the people of their own school.
func (s *Service) Users(ctx context.Context, actor *account.User, query string, limit, offset int) ([]*account.User, int, error) {
	if actor == nil {
		return nil, 0, errUnauthorized
	}
	f := store.UserFilter{Query: query, Limit: limit, Offset: offset}
	if actor.Role != account.Admin {
		var err error
		if actor.Role.ManagesInstitutions() {
			ref, err := s.spaces.get(ctx, actor.InstitutionID)
			if err != nil {
				return nil, 0, err
			}
			f.InstitutionPath = ref.Path
		} else if f.InstitutionPath, err = s.schoolPath(ctx, actor.InstitutionID); err != nil {
			return nil, 0, err
		}
		if f.InstitutionPath == "" {
			return nil, 0, nil
		}
	}
	return s.db.R().ListUsers(ctx, f)
}

// Package account owns people: users with their roles and teacher profiles,
// sessions and personal access tokens, and the password rules. It does no I/O.
package account

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Role is a platform role; it is scoped to the user's institution (except
// Admin, which is platform-wide).
type Role string

// The roles, from widest to narrowest reach.
const (
	Admin         Role = "admin"
	DistrictAdmin Role = "district_admin"
	SchoolAdmin   Role = "school_admin"
	Facilitator   Role = "facilitator"
	Expert        Role = "expert"
	Teacher       Role = "teacher"
)

// Roles lists every role in display order.
var Roles = []Role{Admin, DistrictAdmin, SchoolAdmin, Facilitator, Expert, Teacher}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// ManagesInstitutions reports whether the role administers its institution's subtree.
func (r Role) ManagesInstitutions() bool {
	return r == Admin || r == DistrictAdmin || r == SchoolAdmin
}

// User is a person with an account. Profile fields are the demographics the
// research module groups by, so they are typed rather than free text.
type User struct {
	ID              int64
	Username        string
	DisplayName     string
	Email           string
	Role            Role
	InstitutionID   int64 // 0 when the user belongs to no institution (platform admin)
	PersonalSpaceID int64
	Gender          string   // teacher.Genders key or ""
	Subjects        []string // teacher.Subjects keys
	GradeBand       string   // teacher.GradeBands key or ""
	Title           string   // teacher.Titles key or ""
	YearsOfTeaching *int
	StaffNo         string
	Bio             string
	AvatarKey       string // blob key of the resized avatar, "" for none
	Lang            string // preferred UI language, "" = negotiate
	Disabled        bool
	// MustChangePassword is set for accounts created with an initial
	// password (roster imports): the web pages send them to the password
	// form until they have chosen their own.
	MustChangePassword bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Name is what to show for the user.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// NormalizeUsername lowercases and trims a username so lookups are case-insensitive.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidUsername reports whether s (already normalised) is an acceptable username.
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }

// Limits on profile fields, shared by forms, API and roster import.
const (
	MaxDisplayName = 64
	MaxBio         = 2000
	MaxEmail       = 254
	MaxStaffNo     = 32
	MinPassword    = 8
	MaxPassword    = 256
	MaxYears       = 60
)

// ValidatePassword checks the password policy.
func ValidatePassword(f apperr.Fields, field, pw string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPassword:
		f.Add(field, "account.password.too_short", "min", MinPassword)
	case len(pw) > MaxPassword:
		f.Add(field, "form.too_long", "max", MaxPassword)
	}
}

// Session is a server-side login session; the cookie holds a random token
// whose hash is the session's ID, so a database reader cannot hijack it.
type Session struct {
	ID        string // hex SHA-256 of the cookie token
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	UserAgent string
	IP        string
}

// Token is a personal access token for the API; only its hash is stored.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string // first characters, shown so people can tell tokens apart
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
}

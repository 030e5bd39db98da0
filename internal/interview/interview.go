// Package interview owns qualitative interview research: a research project
// with its owner and co-researchers, interview outlines (ordered questions
// with probes), interview records (a pseudonymous interviewee described by
// the demographic attributes research groups by, a transcript and an
// optional audio file), a hierarchical code book, coded segments of
// transcripts, and code frequencies by group. It is the NVivo/ATLAS.ti core
// done simply, and it does no I/O: the store keeps these values and the
// service decides who may change them.
//
// Offsets into a transcript are counted in Unicode code points, not bytes or
// UTF-16 units, so that a segment of Chinese text means the same characters
// to Go, to the database, to the API's clients and to the browser script
// that turns a selection into offsets.
package interview

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Role is a person's place in a project.
type Role string

// The roles: the owner manages the project and its members; co-researchers
// (coders) write outlines, records, codes and segments.
const (
	RoleOwner Role = "owner"
	RoleCoder Role = "coder"
)

// Project is one piece of interview research.
type Project struct {
	ID            int64
	OwnerID       int64
	OwnerName     string // filled by reads
	InstitutionID int64  // the owner's institution when the project began; 0 for none
	Institution   string // its name, filled by reads
	Title         string
	Description   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Counts filled by listings and the project page.
	Records, Codes, Segments int
}

// Member is someone who may code in a project.
type Member struct {
	UserID   int64
	Username string
	Name     string
	Role     Role
	AddedAt  time.Time
}

// Project limits.
const (
	MaxTitle       = 100
	MaxDescription = 5000
	// MaxMembers bounds a project's team, owner included.
	MaxMembers = 50
	// MaxInvite bounds the usernames one invitation names.
	MaxInvite = 20
)

// ProjectInput is what creating or editing a project takes.
type ProjectInput struct {
	Title       string
	Description string
}

// Validate checks the input and trims it.
func (in *ProjectInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = NormalizeText(in.Description)
	f := apperr.Fields{}
	requiredText(f, "title", in.Title, MaxTitle)
	maxText(f, "description", in.Description, MaxDescription)
	return f.Err()
}

// requiredText adds a field error when s is empty or longer than max characters.
func requiredText(f apperr.Fields, field, s string, max int) {
	if s == "" {
		f.Add(field, "form.required")
		return
	}
	maxText(f, field, s, max)
}

// maxText adds a field error when s is longer than max characters.
func maxText(f apperr.Fields, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		f.Add(field, "form.too_long", "max", max)
	}
}

// NormalizeText turns every line ending into "\n" and trims the text, as a
// browser sends "\r\n" from a textarea and a file may hold "\r".
func NormalizeText(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimSpace(s)
}

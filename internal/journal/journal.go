// Package journal owns the reflective journal (研修日志): entries written in
// Markdown in a personal space, drafts, visibility and comments.
package journal

import (
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
)

// Status of an entry.
type Status string

// Entries start as drafts and become visible when published.
const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Entry is one journal entry. BodyHTML is rendered and sanitised at write time
// so that reading, the hot path, does no Markdown work.
type Entry struct {
	ID           int64
	AuthorID     int64
	SpaceID      int64
	Title        string
	Body         string
	BodyHTML     string
	Visibility   space.Visibility
	Status       Status
	CommentCount int
	PublishedAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time

	AuthorName     string // filled by listings
	AuthorUsername string
}

// Comment is a reply to an entry.
type Comment struct {
	ID             int64
	EntryID        int64
	AuthorID       int64
	Body           string
	BodyHTML       string
	CreatedAt      time.Time
	AuthorName     string
	AuthorUsername string
}

// Limits.
const (
	MaxTitle   = 120
	MaxBody    = 100_000
	MaxComment = 5_000
)

// Input is what a writer submits.
type Input struct {
	Title      string
	Body       string
	Visibility space.Visibility
	Publish    bool
}

// Validate checks the input, reporting field errors.
func (in Input) Validate() error {
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxTitle:
		f.Add("title", "form.too_long", "max", MaxTitle)
	}
	if len(in.Body) > MaxBody {
		f.Add("body", "form.too_long", "max", MaxBody)
	}
	if in.Publish && utf8.RuneCountInString(in.Body) == 0 {
		f.Add("body", "form.required")
	}
	if !in.Visibility.Valid() {
		f.Add("visibility", "form.invalid")
	}
	return f.Err()
}

// ValidateComment checks a comment body.
func ValidateComment(body string) error {
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		f.Add("body", "form.required")
	case n > MaxComment:
		f.Add("body", "form.too_long", "max", MaxComment)
	}
	return f.Err()
}

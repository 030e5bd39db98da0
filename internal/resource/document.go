package resource

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// DocType is the kind of native document.
type DocType string

// The native documents teachers write in the browser.
const (
	LessonPlan   DocType = "lesson_plan"   // 教学设计 / 教案, with a structured template
	TeachingCase DocType = "teaching_case" // 教学案例
	Reflection   DocType = "reflection"    // 教学反思
)

// DocTypes lists them for forms.
var DocTypes = []DocType{LessonPlan, TeachingCase, Reflection}

// Valid reports whether d is known.
func (d DocType) Valid() bool { return slices.Contains(DocTypes, d) }

// Sections returns the keys of the sections a document of this type has,
// in order. A lesson plan follows the template Chinese teaching-research
// groups use: objectives (教学目标), key and difficult points (教学重难点),
// process (教学过程), board design (板书设计) and reflection (教学反思).
// Cases and reflections are one free text.
func (d DocType) Sections() []string {
	if d == LessonPlan {
		return []string{"objectives", "key_points", "process", "board_design", "reflection"}
	}
	return []string{"body"}
}

// DefaultType is the resource type a new document of this kind gets.
func (d DocType) DefaultType() Type {
	switch d {
	case LessonPlan:
		return TypeLessonPlan
	case TeachingCase:
		return TypeCase
	}
	return TypeReflection
}

// Section is one part of a native document; Text is Markdown.
type Section struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// Body is the content of one revision of a native document: its sections in
// the order of its type's template.
type Body []Section

// NewBody builds a body of type d from section texts by key, keeping the
// template's order and refusing sections the template does not have, so
// that the editor can only ever produce the template's structure.
func NewBody(d DocType, texts map[string]string) (Body, error) {
	f := apperr.Fields{}
	keys := d.Sections()
	for k := range texts {
		if !slices.Contains(keys, k) {
			f.Add("section_"+k, "resource.error.unknown_section")
		}
	}
	b := make(Body, 0, len(keys))
	for _, k := range keys {
		t := strings.TrimRight(strings.ReplaceAll(texts[k], "\r\n", "\n"), " \n\t")
		switch {
		case utf8.RuneCountInString(t) > MaxSectionText:
			f.Add("section_"+k, "form.too_long", "max", MaxSectionText)
		case !utf8.ValidString(t) || strings.IndexFunc(t, badTextRune) >= 0:
			f.Add("section_"+k, "resource.error.control_chars")
		}
		b = append(b, Section{Key: k, Text: t})
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

// Text returns the section's text by key.
func (b Body) Text(key string) string {
	for _, s := range b {
		if s.Key == key {
			return s.Text
		}
	}
	return ""
}

// PlainText joins the sections for search indexing.
func (b Body) PlainText() string {
	parts := make([]string, 0, len(b))
	for _, s := range b {
		if s.Text != "" {
			parts = append(parts, s.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// Encode serialises the body for storage: a JSON array of sections, in
// template order, so two equal bodies encode to the same bytes.
func (b Body) Encode() string {
	out, _ := json.Marshal(b) // sections are plain strings: cannot fail
	return string(out)
}

// DecodeBody reads a stored body.
func DecodeBody(s string) (Body, error) {
	var b Body
	if err := json.Unmarshal([]byte(s), &b); err != nil {
		return nil, fmt.Errorf("decode document body: %w", err)
	}
	return b, nil
}

// Revision is one saved state of a native document. BaseID is the revision
// the author started editing from: saving succeeds only while BaseID is
// still the document's current revision, so two people who started from
// the same revision cannot overwrite each other (the second gets a
// conflict, to be resolved against both changes).
type Revision struct {
	ID         int64
	ResourceID int64
	Number     int // 1, 2, ... per document
	AuthorID   int64
	AuthorName string
	BaseID     int64 // 0 for the first revision
	Title      string
	Body       Body
	Note       string // what changed, optional
	CreatedAt  time.Time
}

// MaxNote bounds a revision's note.
const MaxNote = 200

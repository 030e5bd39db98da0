// Package resource owns teaching resources (教学资源): uploaded files (Word,
// PowerPoint, spreadsheets, PDF, images, audio, video), links, and native
// documents written in the browser (lesson plans with their structured
// sections, teaching cases, reflections), with their metadata, visibility,
// limits and validation, how an uploaded file's type is decided from its
// bytes, and how text is cut into search terms. It does no I/O: the store
// keeps resources, the service decides who may do what, blob keeps files.
package resource

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Kind is what a resource is made of.
type Kind string

// The kinds of resource.
const (
	File     Kind = "file"     // an uploaded file, kept in blob storage
	Link     Kind = "link"     // a URL elsewhere
	Document Kind = "document" // written in the browser, with revisions
)

// Kinds lists them for forms and facets.
var Kinds = []Kind{File, Link, Document}

// Valid reports whether k is known.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Visibility says who may see a resource. It extends space.Visibility with
// "community": the members of the community the resource lives in.
type Visibility string

// The visibilities, from narrowest to widest.
const (
	VisPrivate     Visibility = "private"     // the owner (and platform admins)
	VisCommunity   Visibility = "community"   // members of the resource's community
	VisInstitution Visibility = "institution" // people of the school (or institution) it belongs to, and its admins
	VisPublic      Visibility = "public"      // anyone, signed in or not
)

// Visibilities lists them for forms.
var Visibilities = []Visibility{VisPrivate, VisCommunity, VisInstitution, VisPublic}

// Valid reports whether v is known.
func (v Visibility) Valid() bool { return slices.Contains(Visibilities, v) }

// Type is the teaching purpose of a resource (资源类型), a facet.
type Type string

// The resource types.
const (
	TypeCourseware   Type = "courseware"    // 课件
	TypeLessonPlan   Type = "lesson_plan"   // 教案
	TypeStudyGuide   Type = "study_guide"   // 学案
	TypeExercise     Type = "exercise"      // 习题
	TypeLessonRecord Type = "lesson_record" // 课堂实录
	TypeMicroLesson  Type = "micro_lesson"  // 微课
	TypeCase         Type = "case"          // 案例
	TypeReflection   Type = "reflection"    // 反思
	TypeMaterial     Type = "material"      // 素材
	TypePaper        Type = "paper"         // 论文
	TypeOther        Type = "other"         // 其他
)

// Types lists them in the order forms offer them.
var Types = []Type{TypeCourseware, TypeLessonPlan, TypeStudyGuide, TypeExercise, TypeLessonRecord, TypeMicroLesson, TypeCase, TypeReflection,
	TypeMaterial, TypePaper, TypeOther}

// Licence is the terms under which others may reuse a resource.
type Licence string

// The licences offered.
const (
	AllRightsReserved Licence = "all_rights_reserved"
	CCBY              Licence = "cc_by"
	CCBYSA            Licence = "cc_by_sa"
	CCBYNC            Licence = "cc_by_nc"
	CCBYNCSA          Licence = "cc_by_nc_sa"
	CC0               Licence = "cc0"
)

// Licences lists them for forms.
var Licences = []Licence{CCBYNCSA, CCBY, CCBYSA, CCBYNC, CC0, AllRightsReserved}

// Reusable reports whether the licence lets others copy the resource into
// their own space: every licence except all rights reserved.
func (l Licence) Reusable() bool { return l != AllRightsReserved && l != "" }

// Grades are the school years a resource is for: 一年级 … 九年级 (g1–g9),
// 高一 … 高三 (g10–g12). Keys are stored; names come from the catalogues
// (resource.grade.g1 ...).
var Grades = []string{"g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9", "g10", "g11", "g12"}

// Limits on fields. Tags are few and short so that facets stay readable.
const (
	MaxTitle       = 120
	MaxDescription = 5000
	MaxEdition     = 40
	MaxChapter     = 100
	MaxTags        = 10
	MaxTag         = 20
	MaxURL         = 2000
	MaxFileName    = 120
	// MaxSectionText bounds each section of a native document.
	MaxSectionText = 50_000
	// MaxComment bounds a comment.
	MaxComment = 2000
)

// Meta is the descriptive metadata every resource carries; facets are
// built from it.
type Meta struct {
	Subject string // teacher subject key or ""
	Grade   string // one of Grades or ""
	Edition string // textbook edition (教材版本), free text such as 人教版
	Chapter string // textbook chapter (章节)
	Type    Type
	Tags    []string
	Licence Licence
	ThemeID int64 // an adopted theme of the resource's community, 0 for none
}

// Resource is one teaching resource.
type Resource struct {
	ID          int64
	SpaceID     int64
	OwnerID     int64
	Kind        Kind
	Title       string
	Description string
	Meta
	Visibility Visibility
	// InstPath is the institution subtree whose people see the resource
	// when its visibility is "institution": the owner's school for a
	// personal resource, the school of an institutional space, the owning
	// institution of a community. It is fixed when the resource is created.
	InstPath string
	// File resources.
	BlobKey     string
	FileName    string
	Format      Format
	ContentType string
	Size        int64
	// TextStatus tracks text extraction of files: "" for kinds without it.
	TextStatus TextStatus
	// ThumbKey is the blob key of the file's thumbnail (see Thumbnailable),
	// "" until a background job has made one or when none can be made.
	ThumbKey string
	// Link resources.
	URL string
	// Document resources: the doc type and the current revision.
	DocType    DocType
	RevisionID int64
	// Reuse provenance: the resource this one was copied from, 0 for none.
	CopiedFrom int64
	Featured   bool
	// Counters, kept on the row so that lists show them without counting.
	Views, Downloads, Favourites, Comments, Reuses int
	RatingCount, RatingSum                         int
	CreatedAt, UpdatedAt                           time.Time
	// Filled by listings: names for display.
	OwnerName, SpaceName string
}

// Rating returns the mean rating, 0 when nobody has rated.
func (r *Resource) Rating() float64 {
	if r.RatingCount == 0 {
		return 0
	}
	return float64(r.RatingSum) / float64(r.RatingCount)
}

// TextStatus is where text extraction of an uploaded file stands.
type TextStatus string

// Text extraction states.
const (
	TextNone    TextStatus = ""        // nothing to extract (images, audio, video, links, documents)
	TextPending TextStatus = "pending" // a job will extract it
	TextDone    TextStatus = "done"    // extracted and indexed
	TextFailed  TextStatus = "failed"  // the file could not be read; title and description stay searchable
)

// Input is what creating or editing a resource takes (not the file itself).
type Input struct {
	Title       string
	Description string
	Meta
	Visibility Visibility
	URL        string // links
	DocType    DocType
}

// Validate checks and normalises the input for a resource of kind k, with
// field-level errors. inCommunity says whether the resource lives in a
// community space, the only place "community" visibility means anything.
func (in *Input) Validate(k Kind, inCommunity bool) error {
	f := apperr.Fields{}
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Edition = strings.TrimSpace(in.Edition)
	in.Chapter = strings.TrimSpace(in.Chapter)
	textField(f, "title", in.Title, MaxTitle, true)
	textField(f, "description", in.Description, MaxDescription, false)
	textField(f, "edition", in.Edition, MaxEdition, false)
	textField(f, "chapter", in.Chapter, MaxChapter, false)
	if in.Subject != "" {
		if _, ok := teacher.Lookup(teacher.KindSubject, in.Subject); !ok {
			f.Add("subject", "form.invalid_choice")
		}
	}
	if in.Grade != "" && !slices.Contains(Grades, in.Grade) {
		f.Add("grade", "form.invalid_choice")
	}
	if in.Type == "" {
		in.Type = TypeOther
	}
	if !slices.Contains(Types, in.Type) {
		f.Add("type", "form.invalid_choice")
	}
	if in.Licence == "" {
		in.Licence = CCBYNCSA
	}
	if !slices.Contains(Licences, in.Licence) {
		f.Add("licence", "form.invalid_choice")
	}
	if in.ThemeID < 0 {
		f.Add("theme_id", "form.invalid_choice")
	}
	tags, key, args := CleanTags(in.Tags)
	if key != "" {
		f.Add("tags", key, args...)
	}
	in.Tags = tags
	switch {
	case !in.Visibility.Valid():
		f.Add("visibility", "form.invalid_choice")
	case in.Visibility == VisCommunity && !inCommunity:
		f.Add("visibility", "resource.error.community_only")
	}
	switch k {
	case Link:
		u, key := CleanURL(in.URL)
		if key != "" {
			f.Add("url", key)
		}
		in.URL = u
	case Document:
		if !in.DocType.Valid() {
			f.Add("doc_type", "form.invalid_choice")
		}
	}
	return f.Err()
}

// textField checks one text field: required, at most max characters, no
// control characters other than line breaks and tabs.
func textField(f apperr.Fields, name, v string, max int, required bool) {
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		f.Add(name, "form.required")
	case n > max:
		f.Add(name, "form.too_long", "max", max)
	case !utf8.ValidString(v) || strings.IndexFunc(v, badTextRune) >= 0:
		f.Add(name, "resource.error.control_chars")
	}
}

func badTextRune(r rune) bool {
	if r == '\n' || r == '\r' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || r == utf8.RuneError
}

// CleanTags trims, de-duplicates (ignoring case) and checks tags. It returns
// the tags and, when they break a rule, a message key with its arguments.
func CleanTags(in []string) (tags []string, key string, args []any) {
	seen := map[string]bool{}
	for _, t := range in {
		// People type several tags in one field, separated the Chinese or
		// the English way.
		for _, part := range strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune(",，、;；#", r) || unicode.IsSpace(r) }) {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if utf8.RuneCountInString(part) > MaxTag {
				return nil, "resource.error.tag_too_long", []any{"max", MaxTag}
			}
			if strings.IndexFunc(part, func(r rune) bool { return unicode.IsControl(r) || r == '/' || r == '\\' }) >= 0 {
				return nil, "resource.error.control_chars", nil
			}
			low := strings.ToLower(part)
			if seen[low] {
				continue
			}
			seen[low] = true
			tags = append(tags, part)
		}
	}
	if len(tags) > MaxTags {
		return nil, "resource.error.too_many_tags", []any{"max", MaxTags}
	}
	return tags, "", nil
}

// CleanURL checks a link: absolute http or https with a host, no
// credentials, no control characters. A link to javascript: or data:
// would run in the viewer's browser, so only the web's own schemes pass.
func CleanURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "form.required"
	}
	if utf8.RuneCountInString(raw) > MaxURL {
		return "", "form.too_long"
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return "", "resource.error.bad_url"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", "resource.error.bad_url"
	}
	return u.String(), ""
}

// CheckFileName refuses an uploaded file's name instead of silently
// repairing it: a name holding a path separator, a control or format
// character, or "." / ".." is a sign of a tampered request, and the name is
// shown to others, so it must be exactly what they will see. It returns the
// trimmed name or a message key.
func CheckFileName(name string) (string, string) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", "resource.error.file_name_missing"
	case !utf8.ValidString(name):
		return "", "resource.error.file_name_bad"
	case strings.ContainsAny(name, `/\`):
		return "", "resource.error.file_name_path"
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
		return "", "resource.error.file_name_bad"
	case strings.Trim(name, ".") == "":
		return "", "resource.error.file_name_bad"
	case utf8.RuneCountInString(name) > MaxFileName:
		return "", "resource.error.file_name_long"
	}
	return name, ""
}

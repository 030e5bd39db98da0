// Package discussion owns a training community's discussion: boards, topics,
// threaded replies, likes, expert answers, edit history, abuse reports,
// @mentions and attachments. It holds the entities, the limits and the rules
// that need no I/O (validation, mention parsing, thread layout, file type
// sniffing); who may do what is decided in the service layer, which knows a
// viewer's access to the community.
package discussion

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
)

// PostType says whether a post is a topic's opening post or a reply.
type PostType string

// Post types, as stored in revisions, reports and mentions.
const (
	TopicPost PostType = "topic"
	ReplyPost PostType = "reply"
)

// Valid reports whether t is a post type.
func (t PostType) Valid() bool { return t == TopicPost || t == ReplyPost }

// Event verbs and object types of the discussion. A verb never changes
// meaning once recorded; toggles (pin, lock, hide, expert answer) record the
// new state in the event's context.
const (
	VerbCreated                       = event.Created
	VerbReplied            event.Verb = "replied"
	VerbLiked              event.Verb = "liked"
	VerbUnliked            event.Verb = "unliked"
	VerbEdited             event.Verb = "edited"
	VerbHidden             event.Verb = "hidden"
	VerbRestored           event.Verb = "restored"
	VerbReported           event.Verb = "reported"
	VerbDismissed          event.Verb = "dismissed"
	VerbPinned             event.Verb = "pinned"
	VerbLocked             event.Verb = "locked"
	VerbMoved              event.Verb = "moved"
	VerbMarkedExpertAnswer event.Verb = "marked_expert_answer"
	ObjTopic                          = "topic"
	ObjReply                          = "reply"
	ObjBoard                          = "board"
)

// Limits. Bodies are counted in characters (runes) so that a Chinese post
// gets as much room as an English one; the longest body stays below the
// Markdown renderer's byte limit even in three-byte characters.
const (
	MaxTitle          = 120
	MaxTopicBody      = 30_000
	MaxReplyBody      = 10_000
	MaxBoardName      = 40
	MaxBoardDesc      = 200
	MaxBoards         = 30
	MaxReportNote     = 500
	MaxMentions       = 20 // per post: more @names than this are ignored, not notified
	PageSize          = 50 // replies per topic page
	TopicsPerPage     = 30
	QuoteExcerptRunes = 140
)

// Board groups a community's topics.
type Board struct {
	ID          int64
	SpaceID     int64
	Name        string // "" for the default board, shown under a translated name
	Description string
	Position    int
	Default     bool
	CreatedAt   time.Time
}

// Topic is a discussion thread's opening post and its counters.
type Topic struct {
	ID              int64
	BoardID         int64
	SpaceID         int64
	AuthorID        int64
	AuthorName      string
	AuthorUsername  string
	BoardName       string
	BoardDefault    bool
	ThemeID         int64 // 0 when not linked to a theme
	ThemeTitle      string
	Title           string
	Body            string
	BodyHTML        string
	Pinned          bool
	Locked          bool
	Hidden          bool
	ReplyCount      int
	AttachmentCount int
	LastReplyAt     time.Time
	LastReplyBy     int64
	LastReplyName   string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	EditedAt        *time.Time
}

// Reply is one post in a topic, possibly answering another reply.
type Reply struct {
	ID             int64
	TopicID        int64
	SpaceID        int64
	ParentID       int64 // 0 when it answers the topic
	QuoteOf        int64 // 0 when it quotes nothing
	QuoteExcerpt   string
	Depth          int
	AuthorID       int64
	AuthorName     string
	AuthorUsername string
	Body           string
	BodyHTML       string
	LikeCount      int
	ExpertAnswer   bool
	Hidden         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	EditedAt       *time.Time

	// Filled when a page of a topic is read: what the page shows of the
	// replies this one answers and quotes, and whether the viewer likes it.
	ParentAuthor string
	ParentHidden bool
	QuoteHidden  bool
	Liked        bool

	// Position is the 0-based place of a reply just created in its topic.
	Position int
}

// Revision is a post's text before one edit.
type Revision struct {
	ID         int64
	TopicID    int64
	PostType   PostType
	PostID     int64
	EditorID   int64
	EditorName string
	OldTitle   string
	OldBody    string
	CreatedAt  time.Time
}

// ReportStatus is where an abuse report stands.
type ReportStatus string

// Report statuses: open until a moderator hides the post or dismisses the report.
const (
	ReportOpen      ReportStatus = "open"
	ReportHidden    ReportStatus = "hidden"
	ReportDismissed ReportStatus = "dismissed"
)

// ReportReasons are the reasons a reader can give; each is a message key suffix.
var ReportReasons = []string{"spam", "abuse", "off_topic", "privacy", "other"}

// Report is a reader's complaint about a post.
type Report struct {
	ID           int64
	SpaceID      int64
	TopicID      int64
	TopicTitle   string
	PostType     PostType
	PostID       int64
	ReporterID   int64
	ReporterName string
	Reason       string
	Note         string
	Status       ReportStatus
	HandledBy    int64
	HandledAt    *time.Time
	CreatedAt    time.Time
	PostAuthor   string
	PostBody     string // the reported text, for the moderation queue
	PostHidden   bool
}

// Attachment is a file attached to a topic or a reply.
type Attachment struct {
	ID          int64
	SpaceID     int64
	TopicID     int64
	ReplyID     int64 // 0 for the topic's own files
	UploaderID  int64
	Key         string // blob key
	Name        string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// Image reports whether the attachment is shown inline as a picture.
func (a *Attachment) Image() bool { return strings.HasPrefix(a.ContentType, "image/") }

// TopicInput is what a member writes to open a topic.
type TopicInput struct {
	BoardID int64 // 0 = the default board
	ThemeID int64 // 0 = no theme
	Title   string
	Body    string
}

// Validate checks a new topic and trims its text.
func (in *TopicInput) Validate() error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	f := apperr.Fields{}
	checkTitle(f, in.Title)
	checkBody(f, in.Body, MaxTopicBody)
	return f.Err()
}

// ReplyInput is what a member writes to answer a topic or a reply.
type ReplyInput struct {
	ParentID int64 // the reply answered, 0 for the topic
	QuoteOf  int64 // a reply quoted, 0 for none
	Body     string
}

// Validate checks a reply and trims its text.
func (in *ReplyInput) Validate() error {
	in.Body = strings.TrimSpace(in.Body)
	f := apperr.Fields{}
	checkBody(f, in.Body, MaxReplyBody)
	if in.ParentID < 0 {
		f.Add("parent", "form.invalid")
	}
	if in.QuoteOf < 0 {
		f.Add("quote", "form.invalid")
	}
	return f.Err()
}

// EditInput is a post's new text; Title is ignored for replies.
type EditInput struct {
	Title string
	Body  string
}

// Validate checks an edit of a post of type t.
func (in *EditInput) Validate(t PostType) error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	f := apperr.Fields{}
	if t == TopicPost {
		checkTitle(f, in.Title)
		checkBody(f, in.Body, MaxTopicBody)
	} else {
		checkBody(f, in.Body, MaxReplyBody)
	}
	return f.Err()
}

// BoardInput names a new board.
type BoardInput struct {
	Name        string
	Description string
}

// Validate checks a board.
func (in *BoardInput) Validate() error {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f.Add("name", "form.required")
	case n > MaxBoardName:
		f.Add("name", "form.too_long", "max", MaxBoardName)
	}
	if utf8.RuneCountInString(in.Description) > MaxBoardDesc {
		f.Add("description", "form.too_long", "max", MaxBoardDesc)
	}
	return f.Err()
}

// ReportInput is a reader's complaint.
type ReportInput struct {
	Reason string
	Note   string
}

// Validate checks a report.
func (in *ReportInput) Validate() error {
	in.Note = strings.TrimSpace(in.Note)
	f := apperr.Fields{}
	if !slices.Contains(ReportReasons, in.Reason) {
		f.Add("reason", "form.invalid_choice")
	}
	if utf8.RuneCountInString(in.Note) > MaxReportNote {
		f.Add("note", "form.too_long", "max", MaxReportNote)
	}
	if in.Reason == "other" && in.Note == "" {
		f.Add("note", "form.required")
	}
	return f.Err()
}

func checkTitle(f apperr.Fields, title string) {
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		f.Add("title", "form.required")
	case n > MaxTitle:
		f.Add("title", "form.too_long", "max", MaxTitle)
	}
}

func checkBody(f apperr.Fields, body string, max int) {
	switch {
	case body == "":
		f.Add("body", "form.required")
	case len(body) > max*4 || utf8.RuneCountInString(body) > max:
		f.Add("body", "form.too_long", "max", max)
	}
}

// Pages returns how many pages of PageSize replies a topic with n replies has (at least 1).
func Pages(n int) int { return max(1, (n+PageSize-1)/PageSize) }

// PageOf returns the page (1-based) on which the reply with the given
// 0-based position in its topic appears.
func PageOf(position int) int { return position/PageSize + 1 }

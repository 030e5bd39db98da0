// Package message owns direct messages (私信) between members who share a
// training community: one-to-one conversations, the messages in them, blocks
// and reports to moderators. It holds the entities, the limits and the rules
// that need no I/O (validation, the key that pairs two people); who may
// write to whom is decided in the service layer, which knows communities.
//
// Messages are private to their two participants. Moderators see a message
// only when one of the two reports it, and then only that message.
package message

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
)

// Event verbs and object types of direct messages. Events never carry a
// message's text: the log is read by analytics and activity streams, and a
// private conversation must not leak into either.
const (
	VerbSent      event.Verb = "sent"
	VerbBlocked   event.Verb = "blocked"
	VerbUnblocked event.Verb = "unblocked"
	VerbReported  event.Verb = "reported"
	VerbHidden    event.Verb = "hidden"
	VerbDismissed event.Verb = "dismissed"
	ObjMessage               = "message"
	ObjReport                = "message_report"
)

// Limits. A body is counted in characters so a Chinese message gets as much
// room as an English one; the longest stays far below the Markdown
// renderer's byte limit even in four-byte characters.
const (
	MaxBody = 5_000
	// PageSize is how many messages a conversation page shows.
	PageSize = 30
	// ConversationsPerPage is the length of one inbox page.
	ConversationsPerPage = 20
	// MaxPerMinute bounds how many messages one person may send in a
	// minute, whoever to: enough for a lively exchange, too few for a
	// spam run across a district.
	MaxPerMinute = 20
	// PreviewRunes is the length of the last-message preview in the inbox.
	PreviewRunes = 60
)

// Message is one message in a conversation. BodyHTML is rendered and
// sanitised when the message is written, so reading does no Markdown work.
type Message struct {
	ID             int64
	ConversationID int64
	SenderID       int64
	Body           string
	BodyHTML       string
	CreatedAt      time.Time
	// Hidden is set by a moderator acting on a report; the participants
	// then see a notice instead of the text.
	Hidden bool
}

// Conversation is one line of a person's inbox: the other participant, the
// newest message and how many messages the person has not read yet.
type Conversation struct {
	ID            int64
	Other         *account.User // only ID, Username, DisplayName and AvatarKey are filled
	LastMessageAt time.Time
	LastSenderID  int64
	LastBody      string
	LastHidden    bool
	Unread        int
}

// PairKey names the conversation of two people whatever the order they are
// given in, so that the database's unique key keeps them to one
// conversation even when both write their first message at the same moment.
func PairKey(a, b int64) string {
	if a > b {
		a, b = b, a
	}
	return fmt.Sprintf("%d:%d", a, b)
}

// ValidateBody trims a message body and checks it, returning the trimmed text.
func ValidateBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		f.Add("body", "form.required")
	case n > MaxBody:
		f.Add("body", "form.too_long", "max", MaxBody)
	}
	return body, f.Err()
}

// ReportStatus is where a report stands.
type ReportStatus string

// Report statuses: open until a moderator hides the message or dismisses the report.
const (
	ReportOpen      ReportStatus = "open"
	ReportHidden    ReportStatus = "hidden"
	ReportDismissed ReportStatus = "dismissed"
)

// ReportStatuses lists them in the order the moderation page offers them.
var ReportStatuses = []ReportStatus{ReportOpen, ReportHidden, ReportDismissed}

// Valid reports whether s is a report status.
func (s ReportStatus) Valid() bool { return slices.Contains(ReportStatuses, s) }

// ReportReasons are the reasons a participant can give; each is the suffix
// of a message key ("message.reason.spam"), so they are shown translated.
var ReportReasons = []string{"spam", "harassment", "inappropriate", "other"}

// ValidReason reports whether r is one of ReportReasons.
func ValidReason(r string) bool { return slices.Contains(ReportReasons, r) }

// Report is a participant's complaint about a message, with what a
// moderator needs to judge it: the message itself and who sent it, never
// the rest of the conversation.
type Report struct {
	ID         int64
	MessageID  int64
	ReporterID int64
	Reason     string
	Status     ReportStatus
	HandledBy  int64
	HandledAt  *time.Time
	CreatedAt  time.Time

	// Filled by the moderation listing.
	Reporter *account.User // ID, Username, DisplayName
	Sender   *account.User // ID, Username, DisplayName
	Message  *Message
}

// Package notify defines notifications: what happened that a person should
// know about (someone mentioned them, replied to their topic, decided their
// join request ...), and how each person wants to hear about each kind by
// e-mail: at once, in a daily digest, or not at all. The in-app inbox always
// keeps every notification; the preference governs e-mail only, so turning
// e-mail off never hides anything. It does no I/O.
package notify

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Kind is what a notification is about.
type Kind string

// The kinds. Later capabilities create them through service.Notify; a kind
// never changes meaning once sent.
const (
	Mention           Kind = "mention"            // someone @mentioned the person
	Reply             Kind = "reply"              // a reply to the person's topic
	JoinRequest       Kind = "join_request"       // someone asks to join a community the person hosts
	JoinDecision      Kind = "join_decision"      // the person's join request was approved or declined
	Invitation        Kind = "invitation"         // the person was invited to a community
	VoteOpened        Kind = "vote_opened"        // a theme vote opened in the person's community
	VoteClosed        Kind = "vote_closed"        // a theme vote closed
	ThemeAdopted      Kind = "theme_adopted"      // the community adopted a theme
	BriefingPublished Kind = "briefing_published" // a briefing was published
	Follow            Kind = "follow"             // someone started following the person
	Message           Kind = "message"            // someone sent the person a direct message
	SurveyReminder    Kind = "survey_reminder"    // a questionnaire the person was asked to answer awaits them
	ResourceReview    Kind = "resource_review"    // a resource was recommended to an institution the person reviews for
	ResourceDecision  Kind = "resource_decision"  // the person's recommended resource was approved or returned
	Generic           Kind = "generic"            // anything else; the title says it all
)

// Kinds lists every kind in the order the preferences page shows them.
func Kinds() []Kind {
	return []Kind{Mention, Reply, Message, JoinRequest, JoinDecision, Invitation, VoteOpened, VoteClosed,
		ThemeAdopted, BriefingPublished, Follow, SurveyReminder, ResourceReview, ResourceDecision, Generic}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Mode is how a person gets e-mail about a kind.
type Mode string

// The modes.
const (
	Immediately Mode = "immediately"
	Digest      Mode = "digest"
	Off         Mode = "off"
)

// Modes lists the modes in the order forms offer them.
func Modes() []Mode { return []Mode{Immediately, Digest, Off} }

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == Immediately || m == Digest || m == Off }

// DefaultMode is the mode of a person who has not chosen: what is addressed
// to the person alone, or waits on them, comes at once; news about a
// community comes in the daily digest.
func DefaultMode(k Kind) Mode {
	switch k {
	case Mention, Reply, Message, JoinRequest, JoinDecision, Invitation, SurveyReminder, ResourceDecision:
		return Immediately
	}
	return Digest
}

// Preferences are a person's modes by kind.
type Preferences map[Kind]Mode

// Mode returns the mode for k, the default when none was chosen.
func (p Preferences) Mode(k Kind) Mode {
	if m, ok := p[k]; ok && m.Valid() {
		return m
	}
	return DefaultMode(k)
}

// Notification is one entry of a person's inbox.
type Notification struct {
	ID     int64
	UserID int64 // the recipient
	Kind   Kind
	// ActorID is who caused it; 0 for the system.
	ActorID int64
	// SpaceID is where it happened (a community, a personal space); 0 for none.
	SpaceID    int64
	ObjectType string
	ObjectID   int64
	// Title is the object's own title (a topic's, a briefing's), shown as
	// written; the sentence around it is translated per kind.
	Title string
	// URL is the site-relative link to the object ("/c/12/t/34").
	URL       string
	ReadAt    *time.Time
	CreatedAt time.Time
	EmailedAt *time.Time

	// Filled when listing, for display.
	ActorName     string
	ActorUsername string
}

// Limits on the free-text fields.
const (
	MaxTitle = 200
	MaxURL   = 500
)

// Validate checks a notification before it is stored; a bad one is a
// programming error in the caller, reported as Invalid.
func (n *Notification) Validate() error {
	f := apperr.Fields{}
	if n.UserID <= 0 {
		f.Add("user", "form.required")
	}
	if !n.Kind.Valid() {
		f.Add("kind", "form.invalid")
	}
	if utf8.RuneCountInString(n.Title) > MaxTitle {
		f.Add("title", "form.too_long", "max", MaxTitle)
	}
	if n.URL != "" && (!strings.HasPrefix(n.URL, "/") || strings.HasPrefix(n.URL, "//") ||
		strings.HasPrefix(n.URL, "/\\") || len(n.URL) > MaxURL || strings.ContainsAny(n.URL, " \r\n\t")) {
		f.Add("url", "form.invalid")
	}
	return f.Err()
}

// Unread reports whether the recipient has not read it yet.
func (n *Notification) Unread() bool { return n.ReadAt == nil }

// ShortTitle cuts the title to at most max characters for subjects and
// lists, marking the cut with an ellipsis.
func ShortTitle(title string, max int) string {
	if utf8.RuneCountInString(title) <= max {
		return title
	}
	r := []rune(title)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// Package event defines the append-only event log's record: who did what to
// which object, in which space and institution, when. Every meaningful action
// writes one through the store's AppendEvent, inside the same transaction as
// the change itself, so analytics never disagree with the data. The shape
// follows xAPI (actor, verb, object, context) so statements can be exported.
package event

import "time"

// Verb is what happened.
type Verb string

// Verbs recorded so far. Later capabilities add theirs; a verb never changes
// meaning once recorded.
const (
	LoggedIn         Verb = "logged_in"
	LoggedOut        Verb = "logged_out"
	PasswordChanged  Verb = "password_changed"
	Registered       Verb = "registered"
	ProfileUpdated   Verb = "profile_updated"
	AvatarUpdated    Verb = "avatar_updated"
	Created          Verb = "created"
	Updated          Verb = "updated"
	Published        Verb = "published"
	Deleted          Verb = "deleted"
	Commented        Verb = "commented"
	Followed         Verb = "followed"
	Unfollowed       Verb = "unfollowed"
	Imported         Verb = "imported"
	TokenCreated     Verb = "token_created"
	TokenRevoked     Verb = "token_revoked"
	Announced        Verb = "announced"
	Viewed           Verb = "viewed"
	LanguageChanged  Verb = "language_changed"
	SessionsRevoked  Verb = "sessions_revoked"
	InstitutionAdded Verb = "institution_added"
)

// Object types.
const (
	ObjUser         = "user"
	ObjSpace        = "space"
	ObjJournalEntry = "journal_entry"
	ObjComment      = "comment"
	ObjAnnouncement = "announcement"
	ObjToken        = "token"
	ObjRoster       = "roster"
	ObjSession      = "session"
)

// Event is one row of the log.
type Event struct {
	ID            int64
	At            time.Time
	ActorID       int64
	Verb          Verb
	ObjectType    string
	ObjectID      int64
	SpaceID       int64
	InstitutionID int64
	// Context is a small JSON object (at most MaxContext bytes) with details
	// such as a title; never personal data beyond what the object holds.
	Context string
}

// MaxContext bounds the JSON context so the table stays narrow.
const MaxContext = 1024

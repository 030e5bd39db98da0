package api

import (
	"encoding/json"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
)

// The response DTOs: what the API promises, kept apart from the domain
// structs so that a new column never leaks out by accident. Password and
// token hashes have no field here at all; e-mail, staff number and language
// appear only in Me, the caller's own record. Times are UTC and marshal as
// RFC 3339. The OpenAPI document in openapi.json describes each of them
// (with additionalProperties false, so a test notices any drift).

// list is the envelope of every list answer.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func newList[S any, T any](items []S, total int, conv func(S) T) list[T] {
	out := list[T]{Items: make([]T, 0, len(items)), Total: total}
	for _, it := range items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// userDTO is a person as anyone signed in may see them.
type userDTO struct {
	ID              int64        `json:"id"`
	Username        string       `json:"username"`
	DisplayName     string       `json:"display_name"`
	Role            account.Role `json:"role"`
	InstitutionID   *int64       `json:"institution_id"`
	Gender          string       `json:"gender"`
	Subjects        []string     `json:"subjects"`
	GradeBand       string       `json:"grade_band"`
	Title           string       `json:"title"`
	YearsOfTeaching *int         `json:"years_of_teaching"`
	Bio             string       `json:"bio"`
	CreatedAt       time.Time    `json:"created_at"`
}

func newUser(u *account.User) userDTO {
	subjects := u.Subjects
	if subjects == nil {
		subjects = []string{}
	}
	return userDTO{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		InstitutionID: optID(u.InstitutionID), Gender: u.Gender, Subjects: subjects, GradeBand: u.GradeBand,
		Title: u.Title, YearsOfTeaching: u.YearsOfTeaching, Bio: u.Bio, CreatedAt: u.CreatedAt.UTC()}
}

// meDTO is the caller's own record, with the private fields.
type meDTO struct {
	userDTO
	Email           string    `json:"email"`
	StaffNo         string    `json:"staff_no"`
	Lang            string    `json:"lang"`
	PersonalSpaceID int64     `json:"personal_space_id"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func newMe(u *account.User) meDTO {
	return meDTO{userDTO: newUser(u), Email: u.Email, StaffNo: u.StaffNo, Lang: u.Lang,
		PersonalSpaceID: u.PersonalSpaceID, UpdatedAt: u.UpdatedAt.UTC()}
}

// profileDTO is a person's public page in data form.
type profileDTO struct {
	userDTO
	Institution   *institutionRef `json:"institution"`
	Followers     int             `json:"followers"`
	Following     int             `json:"following"`
	ViewerFollows bool            `json:"viewer_follows"`
	EntryCount    int             `json:"entry_count"`
}

// institutionRef names an institution inside another object.
type institutionRef struct {
	ID    int64       `json:"id"`
	Name  string      `json:"name"`
	Level space.Level `json:"level"`
}

func newProfile(p *service.PersonalSpace) profileDTO {
	out := profileDTO{userDTO: newUser(p.Owner), Followers: p.Follow.Followers, Following: p.Follow.Following,
		ViewerFollows: p.Follow.ViewerFollows, EntryCount: p.EntryTotal}
	if p.Institution != nil {
		out.Institution = &institutionRef{ID: p.Institution.ID, Name: p.Institution.Name, Level: p.Institution.Level}
	}
	return out
}

// institutionDTO is an institution's public profile.
type institutionDTO struct {
	ID          int64       `json:"id"`
	ParentID    *int64      `json:"parent_id"`
	Level       space.Level `json:"level"`
	Name        string      `json:"name"`
	Code        string      `json:"code"`
	Description string      `json:"description"`
	Location    string      `json:"location"`
	MemberCount int         `json:"member_count"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

func newInstitution(s *space.Space) institutionDTO {
	return institutionDTO{ID: s.ID, ParentID: optID(s.ParentID), Level: s.Level, Name: s.Name, Code: s.Code,
		Description: s.Description, Location: s.Location, MemberCount: s.MemberCount,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

// authorDTO names the writer of an entry or comment.
type authorDTO struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
}

// entryDTO is a journal entry with its Markdown source and the sanitised
// HTML rendered from it.
type entryDTO struct {
	ID           int64            `json:"id"`
	Author       authorDTO        `json:"author"`
	SpaceID      int64            `json:"space_id"`
	Title        string           `json:"title"`
	Body         string           `json:"body"`
	BodyHTML     string           `json:"body_html"`
	Visibility   space.Visibility `json:"visibility"`
	Status       journal.Status   `json:"status"`
	CommentCount int              `json:"comment_count"`
	PublishedAt  *time.Time       `json:"published_at"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
}

func newEntry(e *journal.Entry) entryDTO {
	return entryDTO{ID: e.ID, Author: authorDTO{ID: e.AuthorID, Username: e.AuthorUsername, DisplayName: e.AuthorName},
		SpaceID: e.SpaceID, Title: e.Title, Body: e.Body, BodyHTML: e.BodyHTML, Visibility: e.Visibility,
		Status: e.Status, CommentCount: e.CommentCount, PublishedAt: optTime(e.PublishedAt),
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC()}
}

// commentDTO is a reply to an entry.
type commentDTO struct {
	ID        int64     `json:"id"`
	EntryID   int64     `json:"entry_id"`
	Author    authorDTO `json:"author"`
	Body      string    `json:"body"`
	BodyHTML  string    `json:"body_html"`
	CreatedAt time.Time `json:"created_at"`
}

func newComment(c *journal.Comment) commentDTO {
	return commentDTO{ID: c.ID, EntryID: c.EntryID,
		Author: authorDTO{ID: c.AuthorID, Username: c.AuthorUsername, DisplayName: c.AuthorName},
		Body:   c.Body, BodyHTML: c.BodyHTML, CreatedAt: c.CreatedAt.UTC()}
}

// eventDTO is one of the caller's events.
type eventDTO struct {
	ID            int64           `json:"id"`
	At            time.Time       `json:"at"`
	Verb          event.Verb      `json:"verb"`
	ObjectType    string          `json:"object_type"`
	ObjectID      int64           `json:"object_id"`
	SpaceID       *int64          `json:"space_id"`
	InstitutionID *int64          `json:"institution_id"`
	Context       json.RawMessage `json:"context"`
}

func newEvent(e *event.Event) eventDTO {
	ctx := json.RawMessage(e.Context)
	if len(ctx) == 0 || ctx[0] != '{' || !json.Valid(ctx) {
		ctx = json.RawMessage("{}")
	}
	return eventDTO{ID: e.ID, At: e.At.UTC(), Verb: e.Verb, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		SpaceID: optID(e.SpaceID), InstitutionID: optID(e.InstitutionID), Context: ctx}
}

// tokenDTO describes a personal access token without its secret.
type tokenDTO struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

func newToken(t *account.Token) tokenDTO {
	return tokenDTO{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt.UTC(),
		LastUsedAt: optTime(t.LastUsedAt), ExpiresAt: optTime(t.ExpiresAt)}
}

// createdTokenDTO is the one answer that carries a token in plain text.
type createdTokenDTO struct {
	tokenDTO
	Token string `json:"token"`
}

// optID maps the domain's "0 means none" to JSON null.
func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func optTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

package api

import (
	"encoding/json"

	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
)

// The request DTOs: what each endpoint accepts. Unknown fields are refused
// (see decodeBody), so a misspelt field fails loudly instead of being
// dropped. PATCH bodies use pointers: an absent field keeps its value.

// profileUpdate is the body of PATCH /me. Strings are cleared with "", and
// years_of_teaching with null.
type profileUpdate struct {
	DisplayName     *string     `json:"display_name"`
	Email           *string     `json:"email"`
	Gender          *string     `json:"gender"`
	Subjects        *[]string   `json:"subjects"`
	GradeBand       *string     `json:"grade_band"`
	Title           *string     `json:"title"`
	YearsOfTeaching optionalInt `json:"years_of_teaching"`
	Bio             *string     `json:"bio"`
}

// apply merges the fields present in the body into p.
func (u profileUpdate) apply(p *service.Profile) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&p.DisplayName, u.DisplayName)
	set(&p.Email, u.Email)
	set(&p.Gender, u.Gender)
	set(&p.GradeBand, u.GradeBand)
	set(&p.Title, u.Title)
	set(&p.Bio, u.Bio)
	if u.Subjects != nil {
		p.Subjects = *u.Subjects
	}
	if u.YearsOfTeaching.Set {
		p.YearsOfTeaching = u.YearsOfTeaching.Value
	}
}

// optionalInt tells an absent field (Set false) from an explicit null
// (Set true, Value nil), which plain pointers cannot.
type optionalInt struct {
	Set   bool
	Value *int
}

// UnmarshalJSON is called for null too, which is the point of the type.
func (o *optionalInt) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v int
	if err := json.Unmarshal(b, &v); err != nil {
		return err // an *json.UnmarshalTypeError; the decoder adds the field name
	}
	o.Value = &v
	return nil
}

// institutionCreate is the body of POST /institutions. A missing parent_id
// creates a root region (platform admins only); level may be left out under
// a parent, since the parent decides it.
type institutionCreate struct {
	ParentID    int64       `json:"parent_id"`
	Name        string      `json:"name"`
	Level       space.Level `json:"level"`
	Code        string      `json:"code"`
	Description string      `json:"description"`
	Location    string      `json:"location"`
}

func (in institutionCreate) input() service.InstitutionInput {
	return service.InstitutionInput{Name: in.Name, Level: in.Level, Code: in.Code, Description: in.Description,
		Location: in.Location}
}

// entryCreate is the body of POST /journal.
type entryCreate struct {
	Title      string           `json:"title"`
	Body       string           `json:"body"`
	Visibility space.Visibility `json:"visibility"`
	Publish    bool             `json:"publish"`
}

func (in entryCreate) input() journal.Input {
	return journal.Input{Title: in.Title, Body: in.Body, Visibility: in.Visibility, Publish: in.Publish}
}

// entryUpdate is the body of PATCH /journal/{id}. A published entry stays
// published; "publish": true publishes a draft.
type entryUpdate struct {
	Title      *string           `json:"title"`
	Body       *string           `json:"body"`
	Visibility *space.Visibility `json:"visibility"`
	Publish    *bool             `json:"publish"`
}

// input merges the fields present in the body into the entry's current state.
func (u entryUpdate) input(e *journal.Entry) journal.Input {
	in := journal.Input{Title: e.Title, Body: e.Body, Visibility: e.Visibility, Publish: e.Status == journal.Published}
	if u.Title != nil {
		in.Title = *u.Title
	}
	if u.Body != nil {
		in.Body = *u.Body
	}
	if u.Visibility != nil {
		in.Visibility = *u.Visibility
	}
	if u.Publish != nil && *u.Publish {
		in.Publish = true
	}
	return in
}

// commentCreate is the body of POST /journal/{id}/comments.
type commentCreate struct {
	Body string `json:"body"`
}

// tokenCreate is the body of POST /me/tokens.
type tokenCreate struct {
	Name string `json:"name"`
}

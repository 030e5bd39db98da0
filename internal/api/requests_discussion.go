package api

import (
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/discussion"
)

// Request DTOs of the community discussion. The service names a few fields
// differently from the API (board, theme, parent, quote); discussionFields
// reports its errors under the API's names.

// boardCreate is the body of POST /communities/{id}/boards.
type boardCreate struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (in boardCreate) input() discussion.BoardInput {
	return discussion.BoardInput{Name: in.Name, Description: in.Description}
}

// topicCreate is the body of POST /communities/{id}/topics; without
// board_id the topic goes on the default board.
type topicCreate struct {
	Title   string `json:"title"`
	Body    string `json:"body"`
	BoardID int64  `json:"board_id"`
	ThemeID int64  `json:"theme_id"`
}

// input checks the IDs (the service takes 0 for "none", so a negative one
// must not reach it as a choice) and returns the domain input.
func (in topicCreate) input() (discussion.TopicInput, error) {
	f := apperr.Fields{}
	if in.BoardID < 0 {
		f.Add("board_id", "api.field.id")
	}
	if in.ThemeID < 0 {
		f.Add("theme_id", "api.field.id")
	}
	return discussion.TopicInput{BoardID: in.BoardID, ThemeID: in.ThemeID, Title: in.Title, Body: in.Body}, f.Err()
}

// postUpdate is the body of PATCH /topics/{id} and PATCH /replies/{id}:
// absent fields keep their text; a reply has no title.
type postUpdate struct {
	Title *string `json:"title"`
	Body  *string `json:"body"`
}

// input merges the fields present in the body into the post's current text.
func (u postUpdate) input(title, body string) discussion.EditInput {
	in := discussion.EditInput{Title: title, Body: body}
	if u.Title != nil {
		in.Title = *u.Title
	}
	if u.Body != nil {
		in.Body = *u.Body
	}
	return in
}

// replyUpdate is the body of PATCH /replies/{id}.
type replyUpdate struct {
	Body *string `json:"body"`
}

// replyCreate is the body of POST /topics/{id}/replies: parent_id answers
// a reply of the topic (threading), quote_of quotes one.
type replyCreate struct {
	Body     string `json:"body"`
	ParentID int64  `json:"parent_id"`
	QuoteOf  int64  `json:"quote_of"`
}

func (in replyCreate) input() discussion.ReplyInput {
	return discussion.ReplyInput{ParentID: in.ParentID, QuoteOf: in.QuoteOf, Body: in.Body}
}

// topicMove is the body of POST /topics/{id}/move.
type topicMove struct {
	BoardID *int64 `json:"board_id"`
}

// reportCreate is the body of POST /posts/{type}/{id}/reports; a note is
// required when the reason is "other".
type reportCreate struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

func (in reportCreate) input() discussion.ReportInput {
	return discussion.ReportInput{Reason: in.Reason, Note: in.Note}
}

// discussionFields renames the service's field names in err to the API's.
func discussionFields(err error) error {
	for from, to := range map[string]string{"board": "board_id", "theme": "theme_id", "parent": "parent_id", "quote": "quote_of"} {
		err = renameField(err, from, to)
	}
	return err
}

package api

import (
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/stats"
)

// DTOs of interview research: projects, records, codes, coded segments and
// code frequencies. Offsets (start, end) count Unicode code points of the
// transcript, not bytes or UTF-16 units.

// interviewProjectDTO is a project as its team sees it.
type interviewProjectDTO struct {
	ID            int64          `json:"id"`
	Title         string         `json:"title"`
	Description   string         `json:"description"`
	OwnerID       int64          `json:"owner_id"`
	OwnerName     string         `json:"owner_name"`
	InstitutionID *int64         `json:"institution_id"`
	Institution   string         `json:"institution"`
	Role          interview.Role `json:"role"`
	Records       int            `json:"records"`
	Codes         int            `json:"codes"`
	Segments      int            `json:"segments"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

func newInterviewProject(p *interview.Project, role interview.Role) interviewProjectDTO {
	return interviewProjectDTO{ID: p.ID, Title: p.Title, Description: p.Description, OwnerID: p.OwnerID, OwnerName: p.OwnerName,
		InstitutionID: optID(p.InstitutionID), Institution: p.Institution, Role: role, Records: p.Records, Codes: p.Codes,
		Segments: p.Segments, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

// interviewMemberDTO is one person of a project's team.
type interviewMemberDTO struct {
	UserID      int64          `json:"user_id"`
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Role        interview.Role `json:"role"`
	AddedAt     time.Time      `json:"added_at"`
}

// interviewProjectDetailDTO is a project with its team.
type interviewProjectDetailDTO struct {
	interviewProjectDTO
	Members []interviewMemberDTO `json:"members"`
}

// interviewAttrDTO is a free attribute of a record.
type interviewAttrDTO struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// interviewAudioDTO describes a record's recording; the web pages serve it.
type interviewAudioDTO struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// interviewRecordDTO is an interview record; lists leave the transcript null.
type interviewRecordDTO struct {
	ID            int64              `json:"id"`
	ProjectID     int64              `json:"project_id"`
	OutlineID     *int64             `json:"outline_id"`
	Pseudonym     string             `json:"pseudonym"`
	Gender        string             `json:"gender"`
	YearsBand     string             `json:"years_band"`
	Title         string             `json:"title"`
	Location      string             `json:"location"`
	Subject       string             `json:"subject"`
	Attributes    []interviewAttrDTO `json:"attributes"`
	InterviewedOn *string            `json:"interviewed_on"`
	Interviewer   string             `json:"interviewer"`
	Audio         *interviewAudioDTO `json:"audio"`
	Segments      int                `json:"segments"`
	Transcript    *string            `json:"transcript"`
	CreatedAt     time.Time          `json:"created_at"`
	UpdatedAt     time.Time          `json:"updated_at"`
}

func newInterviewRecord(r *interview.Record, withTranscript bool) interviewRecordDTO {
	out := interviewRecordDTO{ID: r.ID, ProjectID: r.ProjectID, OutlineID: optID(r.OutlineID), Pseudonym: r.Pseudonym, Gender: r.Gender,
		YearsBand: r.YearsBand, Title: r.Title, Location: r.Location, Subject: r.Subject, Attributes: []interviewAttrDTO{},
		Interviewer: r.Interviewer, Segments: r.Segments, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	for _, a := range r.Attributes {
		out.Attributes = append(out.Attributes, interviewAttrDTO{Name: a.Name, Value: a.Value})
	}
	if r.InterviewedOn != nil {
		d := r.InterviewedOn.UTC().Format(dateLayout)
		out.InterviewedOn = &d
	}
	if r.Audio != nil {
		out.Audio = &interviewAudioDTO{Name: r.Audio.Name, ContentType: r.Audio.ContentType, Size: r.Audio.Size}
	}
	if withTranscript {
		t := r.Transcript
		out.Transcript = &t
	}
	return out
}

// interviewCodeDTO is a code of a code book, with where it sits in the tree.
type interviewCodeDTO struct {
	ID         int64     `json:"id"`
	ProjectID  int64     `json:"project_id"`
	ParentID   *int64    `json:"parent_id"`
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	Depth      int       `json:"depth"`
	Definition string    `json:"definition"`
	Example    string    `json:"example"`
	Segments   int       `json:"segments"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func newInterviewCode(c *interview.Code, b *interview.Book) interviewCodeDTO {
	return interviewCodeDTO{ID: c.ID, ProjectID: c.ProjectID, ParentID: optID(c.ParentID), Name: c.Name, Path: b.Path(c.ID),
		Depth: b.Depth(c.ID), Definition: c.Definition, Example: c.Example, Segments: c.Segments, CreatedAt: c.CreatedAt.UTC(),
		UpdatedAt: c.UpdatedAt.UTC()}
}

// interviewMergeDTO is what merging two codes did.
type interviewMergeDTO struct {
	Into    interviewCodeDTO `json:"into"`
	Moved   int              `json:"moved"`
	Dropped int              `json:"dropped"`
}

// interviewSegmentDTO is a coded passage.
type interviewSegmentDTO struct {
	ID        int64     `json:"id"`
	RecordID  int64     `json:"record_id"`
	CodeID    int64     `json:"code_id"`
	CodeName  string    `json:"code_name"`
	Start     int       `json:"start"`
	End       int       `json:"end"`
	Quote     string    `json:"quote"`
	Memo      string    `json:"memo"`
	Stale     bool      `json:"stale"`
	CoderID   int64     `json:"coder_id"`
	CoderName string    `json:"coder_name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func newInterviewSegment(s *interview.Segment) interviewSegmentDTO {
	return interviewSegmentDTO{ID: s.ID, RecordID: s.RecordID, CodeID: s.CodeID, CodeName: s.CodeName, Start: s.Start, End: s.End,
		Quote: s.Quote, Memo: s.Memo, Stale: s.Stale, CoderID: s.CoderID, CoderName: s.CoderName, CreatedAt: s.CreatedAt.UTC(),
		UpdatedAt: s.UpdatedAt.UTC()}
}

// statsMessageDTO is a statistics warning or reason, with its message in
// the caller's language.
type statsMessageDTO struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type chiSquareStatDTO struct {
	Statistic float64 `json:"statistic"`
	P         float64 `json:"p"`
}

// chiSquareDTO is a chi-square test of a code's presence by group.
type chiSquareDTO struct {
	N         int               `json:"n"`
	Statistic float64           `json:"statistic"`
	DF        int               `json:"df"`
	P         float64           `json:"p"`
	Expected  [][]float64       `json:"expected"`
	Yates     *chiSquareStatDTO `json:"yates"`
	FisherP   *float64          `json:"fisher_p"`
	Warnings  []statsMessageDTO `json:"warnings"`
}

type frequencyCellDTO struct {
	Records  int `json:"records"`
	Segments int `json:"segments"`
}

type frequencyRowDTO struct {
	CodeID      int64              `json:"code_id"`
	CodeName    string             `json:"code_name"`
	ParentID    *int64             `json:"parent_id"`
	Depth       int                `json:"depth"`
	OwnSegments int                `json:"own_segments"`
	Segments    int                `json:"segments"`
	Records     int                `json:"records"`
	ByGroup     []frequencyCellDTO `json:"by_group"`
	Test        *chiSquareDTO      `json:"test"`
	NoTest      *statsMessageDTO   `json:"no_test"`
}

type frequencyGroupDTO struct {
	Value   string `json:"value"`
	Records int    `json:"records"`
}

// frequenciesDTO is a project's code frequencies by a grouping.
type frequenciesDTO struct {
	Grouping string              `json:"grouping"`
	Records  int                 `json:"records"`
	Groups   []frequencyGroupDTO `json:"groups"`
	Rows     []frequencyRowDTO   `json:"rows"`
}

func (a *API) newFrequencies(fr *service.CodeFrequencies, lang string) frequenciesDTO {
	msg := func(e *stats.Error) statsMessageDTO {
		args := make([]any, 0, 2*len(e.Params))
		for k, v := range e.Params {
			args = append(args, k, v)
		}
		return statsMessageDTO{Code: e.Code, Message: a.cat.T(lang, e.Code, args...)}
	}
	out := frequenciesDTO{Grouping: fr.Grouping, Records: fr.Records, Groups: []frequencyGroupDTO{}, Rows: []frequencyRowDTO{}}
	for _, g := range fr.Groups {
		out.Groups = append(out.Groups, frequencyGroupDTO{Value: g.Value, Records: g.Records})
	}
	for i, row := range fr.Rows {
		r := frequencyRowDTO{CodeID: row.Code.ID, CodeName: row.Code.Name, ParentID: optID(row.Code.ParentID), Depth: row.Depth,
			OwnSegments: row.OwnSegments, Segments: row.Segments, Records: row.Records, ByGroup: []frequencyCellDTO{}}
		for _, c := range row.ByGroup {
			r.ByGroup = append(r.ByGroup, frequencyCellDTO{Records: c.Records, Segments: c.Segments})
		}
		t := fr.Tests[i]
		switch {
		case t.Reason != nil:
			m := msg(t.Reason)
			r.NoTest = &m
		case t.Result != nil:
			res := t.Result
			ct := &chiSquareDTO{N: res.N, Statistic: res.Statistic, DF: res.DF, P: res.P, Expected: res.Expected, FisherP: res.FisherP,
				Warnings: []statsMessageDTO{}}
			if res.Yates != nil {
				ct.Yates = &chiSquareStatDTO{Statistic: res.Yates.Statistic, P: res.Yates.P}
			}
			for _, w := range res.Warnings {
				ct.Warnings = append(ct.Warnings, msg(w))
			}
			r.Test = ct
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// Request bodies.

// interviewProjectCreate is the body of POST /interview-projects.
type interviewProjectCreate struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// interviewRecordCreate is the body of POST /interview-projects/{id}/records.
// Recordings are uploaded through the web pages.
type interviewRecordCreate struct {
	Pseudonym     string             `json:"pseudonym"`
	OutlineID     int64              `json:"outline_id"`
	Gender        string             `json:"gender"`
	YearsBand     string             `json:"years_band"`
	Title         string             `json:"title"`
	Location      string             `json:"location"`
	Subject       string             `json:"subject"`
	Attributes    []interviewAttrDTO `json:"attributes"`
	InterviewedOn *string            `json:"interviewed_on"`
	Interviewer   string             `json:"interviewer"`
	Transcript    string             `json:"transcript"`
}

func (b interviewRecordCreate) input() (interview.RecordInput, error) {
	f := apperr.Fields{}
	in := interview.RecordInput{OutlineID: b.OutlineID, Pseudonym: b.Pseudonym, Gender: b.Gender, YearsBand: b.YearsBand,
		Title: b.Title, Location: b.Location, Subject: b.Subject, Interviewer: b.Interviewer, Transcript: b.Transcript,
		InterviewedOn: parseDate(f, "interviewed_on", b.InterviewedOn)}
	if len(b.Attributes) > 4*interview.MaxAttrs {
		f.Add("attributes", "interview.error.too_many_attrs", "max", interview.MaxAttrs)
	}
	for _, a := range b.Attributes {
		// decodeBody checks flat fields for NUL; these are nested.
		if strings.IndexByte(a.Name, 0) >= 0 || strings.IndexByte(a.Value, 0) >= 0 {
			f.Add("attributes", "api.field.nul")
		}
		in.Attributes = append(in.Attributes, interview.Attr{Name: a.Name, Value: a.Value})
	}
	return in, f.Err()
}

// interviewCodeCreate is the body of POST /interview-projects/{id}/codes.
type interviewCodeCreate struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
	Example    string `json:"example"`
	ParentID   int64  `json:"parent_id"`
}

// interviewCodeUpdate is the body of PATCH /interview-codes/{id}; absent
// fields keep their value and parent_id 0 moves the code to the top level.
type interviewCodeUpdate struct {
	Name       *string `json:"name"`
	Definition *string `json:"definition"`
	Example    *string `json:"example"`
	ParentID   *int64  `json:"parent_id"`
}

// interviewCodeMerge is the body of POST /interview-codes/{id}/merge.
type interviewCodeMerge struct {
	IntoID int64 `json:"into_id"`
}

// interviewSegmentCreate is the body of POST /interview-records/{id}/segments:
// a code and a passage, by offsets (start and end, in code points; quote,
// when given, must be the text there) or by its text alone (quote, with
// occurrence when it appears more than once).
type interviewSegmentCreate struct {
	CodeID     int64  `json:"code_id"`
	Start      *int   `json:"start"`
	End        *int   `json:"end"`
	Quote      string `json:"quote"`
	Occurrence int    `json:"occurrence"`
	Memo       string `json:"memo"`
}

// interviewFields reports the service's field errors under the API's field names.
func interviewFields(err error) error {
	for from, to := range map[string]string{"code": "code_id", "parent": "parent_id", "into": "into_id", "outline": "outline_id"} {
		err = renameField(err, from, to)
	}
	return err
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
)

// Interview research: projects and their team, outlines and records. The
// code book and coded segments are in interview_coding.go.

var errInterviewNotFound = apperr.New(apperr.NotFound, "error.not_found")

// CreateInterviewProject writes a project and sets its ID; its owner is
// added as a member separately (AddInterviewMember).
func (q *Q) CreateInterviewProject(ctx context.Context, p *interview.Project) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO interview_projects (owner_id, institution_id, title, description, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		p.OwnerID, nullInt(p.InstitutionID), p.Title, p.Description, ms(p.CreatedAt), ms(p.UpdatedAt)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("insert interview project: %w", err)
	}
	return nil
}

// UpdateInterviewProject writes a project's title and description.
func (q *Q) UpdateInterviewProject(ctx context.Context, p *interview.Project) error {
	_, err := q.q.ExecContext(ctx, `UPDATE interview_projects SET title = $1, description = $2, updated_at = $3 WHERE id = $4`,
		p.Title, p.Description, ms(p.UpdatedAt), p.ID)
	if err != nil {
		return fmt.Errorf("update interview project %d: %w", p.ID, err)
	}
	return nil
}

// TouchInterviewProject records that something in a project changed, so
// that lists show recently worked-on projects first.
func (q *Q) TouchInterviewProject(ctx context.Context, id int64, at int64) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE interview_projects SET updated_at = $1 WHERE id = $2`, at, id); err != nil {
		return fmt.Errorf("touch interview project %d: %w", id, err)
	}
	return nil
}

// DeleteInterviewProject removes a project and, by cascade, everything in it.
func (q *Q) DeleteInterviewProject(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_projects WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete interview project %d: %w", id, err)
	}
	return nil
}

const interviewProjectColumns = `p.id, p.owner_id, COALESCE(NULLIF(u.display_name, ''), u.username), COALESCE(p.institution_id, 0),
	COALESCE(i.name, ''), p.title, p.description, p.created_at, p.updated_at,
	(SELECT count(*) FROM interview_records r WHERE r.project_id = p.id),
	(SELECT count(*) FROM interview_codes c WHERE c.project_id = p.id),
	(SELECT count(*) FROM interview_segments s WHERE s.project_id = p.id)`

const interviewProjectFrom = ` FROM interview_projects p JOIN users u ON u.id = p.owner_id LEFT JOIN spaces i ON i.id = p.institution_id `

func scanInterviewProject(r rowScanner, extra ...any) (*interview.Project, error) {
	var p interview.Project
	var created, updated int64
	err := r.Scan(append([]any{&p.ID, &p.OwnerID, &p.OwnerName, &p.InstitutionID, &p.Institution, &p.Title, &p.Description,
		&created, &updated, &p.Records, &p.Codes, &p.Segments}, extra...)...)
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// InterviewProjectByID loads a project with its counts.
func (q *Q) InterviewProjectByID(ctx context.Context, id int64) (*interview.Project, error) {
	p, err := scanInterviewProject(q.q.QueryRowContext(ctx, `SELECT `+interviewProjectColumns+interviewProjectFrom+`WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInterviewNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load interview project %d: %w", id, err)
	}
	return p, nil
}

// InterviewProjectsOf lists the projects a person belongs to, the most
// recently changed first, with the total.
func (q *Q) InterviewProjectsOf(ctx context.Context, userID int64, limit, offset int) ([]*interview.Project, int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+interviewProjectColumns+`, m.role`+interviewProjectFrom+
		`JOIN interview_members m ON m.project_id = p.id AND m.user_id = $1
		ORDER BY p.updated_at DESC, p.id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list interview projects of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*interview.Project
	for rows.Next() {
		var role string
		p, err := scanInterviewProject(rows, &role)
		if err != nil {
			return nil, 0, fmt.Errorf("scan interview project: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM interview_members WHERE user_id = $1`, userID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count interview projects of %d: %w", userID, err)
	}
	return out, total, nil
}

// InterviewMemberRole returns a person's role in a project, "" for none.
func (q *Q) InterviewMemberRole(ctx context.Context, projectID, userID int64) (interview.Role, error) {
	var role interview.Role
	err := q.q.QueryRowContext(ctx, `SELECT role FROM interview_members WHERE project_id = $1 AND user_id = $2`,
		projectID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("interview member %d/%d: %w", projectID, userID, err)
	}
	return role, nil
}

// InterviewMembers lists a project's team, the owner first, then by name.
func (q *Q) InterviewMembers(ctx context.Context, projectID int64) ([]interview.Member, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT m.user_id, u.username, COALESCE(NULLIF(u.display_name, ''), u.username), m.role, m.added_at
		FROM interview_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1
		ORDER BY CASE WHEN m.role = 'owner' THEN 0 ELSE 1 END, u.sort_name, u.id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list interview members of %d: %w", projectID, err)
	}
	defer rows.Close()
	var out []interview.Member
	for rows.Next() {
		var m interview.Member
		var at int64
		if err := rows.Scan(&m.UserID, &m.Username, &m.Name, &m.Role, &at); err != nil {
			return nil, fmt.Errorf("scan interview member: %w", err)
		}
		m.AddedAt = fromMS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddInterviewMember adds someone to a project's team; adding a member
// twice is a Conflict.
func (q *Q) AddInterviewMember(ctx context.Context, projectID, userID int64, role interview.Role, at int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO interview_members (project_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)`,
		projectID, userID, role, at)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "interview.error.already_member", err)
	}
	if err != nil {
		return fmt.Errorf("add interview member %d/%d: %w", projectID, userID, err)
	}
	return nil
}

// RemoveInterviewMember takes someone off a project's team and reports
// whether they were on it.
func (q *Q) RemoveInterviewMember(ctx context.Context, projectID, userID int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM interview_members WHERE project_id = $1 AND user_id = $2 AND role <> 'owner'`,
		projectID, userID)
	if err != nil {
		return false, fmt.Errorf("remove interview member %d/%d: %w", projectID, userID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// countWhere counts the rows of a table with column = id; table and column
// are constants of this file, never input.
func (q *Q) countWhere(ctx context.Context, table, column string, id int64) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE `+column+` = $1`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// CountInterviewMembers counts a project's team, owner included.
func (q *Q) CountInterviewMembers(ctx context.Context, projectID int64) (int, error) {
	return q.countWhere(ctx, "interview_members", "project_id", projectID)
}

// CountInterviewOutlines counts a project's outlines.
func (q *Q) CountInterviewOutlines(ctx context.Context, projectID int64) (int, error) {
	return q.countWhere(ctx, "interview_outlines", "project_id", projectID)
}

// CountInterviewRecords counts a project's records.
func (q *Q) CountInterviewRecords(ctx context.Context, projectID int64) (int, error) {
	return q.countWhere(ctx, "interview_records", "project_id", projectID)
}

// CreateInterviewOutline writes an outline with its questions and sets its ID.
func (q *Q) CreateInterviewOutline(ctx context.Context, o *interview.Outline) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO interview_outlines (project_id, title, intro, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		o.ProjectID, o.Title, o.Intro, o.CreatedBy, ms(o.CreatedAt), ms(o.UpdatedAt)).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("insert interview outline: %w", err)
	}
	return q.writeQuestions(ctx, o)
}

// UpdateInterviewOutline writes an outline's texts and replaces its questions.
func (q *Q) UpdateInterviewOutline(ctx context.Context, o *interview.Outline) error {
	_, err := q.q.ExecContext(ctx, `UPDATE interview_outlines SET title = $1, intro = $2, updated_at = $3 WHERE id = $4`,
		o.Title, o.Intro, ms(o.UpdatedAt), o.ID)
	if err != nil {
		return fmt.Errorf("update interview outline %d: %w", o.ID, err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_questions WHERE outline_id = $1`, o.ID); err != nil {
		return fmt.Errorf("clear questions of outline %d: %w", o.ID, err)
	}
	return q.writeQuestions(ctx, o)
}

func (q *Q) writeQuestions(ctx context.Context, o *interview.Outline) error {
	for i, qu := range o.Questions {
		_, err := q.q.ExecContext(ctx, `INSERT INTO interview_questions (outline_id, position, text, probes) VALUES ($1, $2, $3, $4)`,
			o.ID, i, qu.Text, strings.Join(qu.Probes, "\n"))
		if err != nil {
			return fmt.Errorf("insert question %d of outline %d: %w", i, o.ID, err)
		}
	}
	return nil
}

// DeleteInterviewOutline removes an outline; records that followed it keep
// their transcripts and lose the link.
func (q *Q) DeleteInterviewOutline(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_outlines WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete interview outline %d: %w", id, err)
	}
	return nil
}

// InterviewOutlineByID loads an outline with its questions.
func (q *Q) InterviewOutlineByID(ctx context.Context, id int64) (*interview.Outline, error) {
	os, err := q.interviewOutlines(ctx, `o.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(os) == 0 {
		return nil, errInterviewNotFound
	}
	return os[0], nil
}

// InterviewOutlines lists a project's outlines with their questions, oldest first.
func (q *Q) InterviewOutlines(ctx context.Context, projectID int64) ([]*interview.Outline, error) {
	return q.interviewOutlines(ctx, `o.project_id = $1`, projectID)
}

func (q *Q) interviewOutlines(ctx context.Context, where string, arg int64) ([]*interview.Outline, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT o.id, o.project_id, o.title, o.intro, o.created_by, o.created_at, o.updated_at
		FROM interview_outlines o WHERE `+where+` ORDER BY o.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list interview outlines: %w", err)
	}
	var out []*interview.Outline
	byID := map[int64]*interview.Outline{}
	for rows.Next() {
		var o interview.Outline
		var created, updated int64
		if err := rows.Scan(&o.ID, &o.ProjectID, &o.Title, &o.Intro, &o.CreatedBy, &created, &updated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan interview outline: %w", err)
		}
		o.CreatedAt, o.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, &o)
		byID[o.ID] = &o
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	qrows, err := q.q.QueryContext(ctx, `SELECT qu.outline_id, qu.text, qu.probes FROM interview_questions qu
		JOIN interview_outlines o ON o.id = qu.outline_id WHERE `+where+` ORDER BY qu.outline_id, qu.position`, arg)
	if err != nil {
		return nil, fmt.Errorf("list interview questions: %w", err)
	}
	defer qrows.Close()
	for qrows.Next() {
		var id int64
		var qu interview.Question
		var probes string
		if err := qrows.Scan(&id, &qu.Text, &probes); err != nil {
			return nil, fmt.Errorf("scan interview question: %w", err)
		}
		if probes != "" {
			qu.Probes = strings.Split(probes, "\n")
		}
		if o := byID[id]; o != nil {
			o.Questions = append(o.Questions, qu)
		}
	}
	return out, qrows.Err()
}

// CreateInterviewRecord writes a record with its attributes and sets its ID.
func (q *Q) CreateInterviewRecord(ctx context.Context, r *interview.Record) error {
	a := audioColumns(r.Audio)
	err := q.q.QueryRowContext(ctx, `INSERT INTO interview_records (project_id, outline_id, pseudonym, gender, years_band, title,
		location, subject, interviewed_on, interviewer, transcript, audio_key, audio_name, audio_type, audio_size,
		created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		r.ProjectID, nullInt(r.OutlineID), r.Pseudonym, r.Gender, r.YearsBand, r.Title, r.Location, r.Subject,
		nullMS(r.InterviewedOn), r.Interviewer, r.Transcript, a.Key, a.Name, a.ContentType, a.Size,
		r.CreatedBy, ms(r.CreatedAt), ms(r.UpdatedAt)).Scan(&r.ID)
	if isUniqueViolation(err) {
		return pseudonymTaken(err)
	}
	if err != nil {
		return fmt.Errorf("insert interview record: %w", err)
	}
	return q.writeAttributes(ctx, r)
}

func pseudonymTaken(err error) error {
	f := apperr.Fields{}
	f.Add("pseudonym", "interview.error.pseudonym_taken")
	e := f.Err().(*apperr.Error)
	e.Code, e.Err = apperr.Conflict, err
	return e
}

func audioColumns(a *interview.Audio) interview.Audio {
	if a == nil {
		return interview.Audio{}
	}
	return *a
}

// UpdateInterviewRecord writes every field of a record and replaces its attributes.
func (q *Q) UpdateInterviewRecord(ctx context.Context, r *interview.Record) error {
	a := audioColumns(r.Audio)
	_, err := q.q.ExecContext(ctx, `UPDATE interview_records SET outline_id = $1, pseudonym = $2, gender = $3, years_band = $4,
		title = $5, location = $6, subject = $7, interviewed_on = $8, interviewer = $9, transcript = $10, audio_key = $11,
		audio_name = $12, audio_type = $13, audio_size = $14, updated_at = $15 WHERE id = $16`,
		nullInt(r.OutlineID), r.Pseudonym, r.Gender, r.YearsBand, r.Title, r.Location, r.Subject, nullMS(r.InterviewedOn),
		r.Interviewer, r.Transcript, a.Key, a.Name, a.ContentType, a.Size, ms(r.UpdatedAt), r.ID)
	if isUniqueViolation(err) {
		return pseudonymTaken(err)
	}
	if err != nil {
		return fmt.Errorf("update interview record %d: %w", r.ID, err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_record_attributes WHERE record_id = $1`, r.ID); err != nil {
		return fmt.Errorf("clear attributes of record %d: %w", r.ID, err)
	}
	return q.writeAttributes(ctx, r)
}

func (q *Q) writeAttributes(ctx context.Context, r *interview.Record) error {
	for i, a := range r.Attributes {
		_, err := q.q.ExecContext(ctx, `INSERT INTO interview_record_attributes (record_id, position, name, value) VALUES ($1, $2, $3, $4)`,
			r.ID, i, a.Name, a.Value)
		if err != nil {
			return fmt.Errorf("insert attribute %d of record %d: %w", i, r.ID, err)
		}
	}
	return nil
}

// DeleteInterviewRecord removes a record with its segments.
func (q *Q) DeleteInterviewRecord(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_records WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete interview record %d: %w", id, err)
	}
	return nil
}

// recordColumns reads everything but the transcript, which only single
// reads need; transcriptColumn is appended for them.
const recordColumns = `r.id, r.project_id, COALESCE(r.outline_id, 0), r.pseudonym, r.gender, r.years_band, r.title, r.location,
	r.subject, r.interviewed_on, r.interviewer, r.audio_key, r.audio_name, r.audio_type, r.audio_size, r.created_by,
	r.created_at, r.updated_at, (SELECT count(*) FROM interview_segments s WHERE s.record_id = r.id)`

func scanRecord(row rowScanner, extra ...any) (*interview.Record, error) {
	var r interview.Record
	var on *int64
	var created, updated int64
	var a interview.Audio
	err := row.Scan(append([]any{&r.ID, &r.ProjectID, &r.OutlineID, &r.Pseudonym, &r.Gender, &r.YearsBand, &r.Title, &r.Location,
		&r.Subject, &on, &r.Interviewer, &a.Key, &a.Name, &a.ContentType, &a.Size, &r.CreatedBy, &created, &updated,
		&r.Segments}, extra...)...)
	if err != nil {
		return nil, err
	}
	r.InterviewedOn, r.CreatedAt, r.UpdatedAt = ptrMS(on), fromMS(created), fromMS(updated)
	if a.Key != "" {
		r.Audio = &a
	}
	return &r, nil
}

// InterviewRecordByID loads a record with its transcript and attributes.
func (q *Q) InterviewRecordByID(ctx context.Context, id int64) (*interview.Record, error) {
	var transcript string
	r, err := scanRecord(q.q.QueryRowContext(ctx, `SELECT `+recordColumns+`, r.transcript FROM interview_records r WHERE r.id = $1`, id),
		&transcript)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInterviewNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load interview record %d: %w", id, err)
	}
	r.Transcript = transcript
	attrs, err := q.recordAttributes(ctx, `record_id = $1`, id)
	if err != nil {
		return nil, err
	}
	r.Attributes = attrs[id]
	return r, nil
}

// InterviewRecords lists a project's records in the order they were made,
// with attributes and segment counts but without transcripts.
func (q *Q) InterviewRecords(ctx context.Context, projectID int64) ([]*interview.Record, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+recordColumns+` FROM interview_records r WHERE r.project_id = $1 ORDER BY r.id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list interview records of %d: %w", projectID, err)
	}
	var out []*interview.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan interview record: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	attrs, err := q.recordAttributes(ctx, `record_id IN (SELECT id FROM interview_records WHERE project_id = $1)`, projectID)
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		r.Attributes = attrs[r.ID]
	}
	return out, nil
}

func (q *Q) recordAttributes(ctx context.Context, where string, arg int64) (map[int64][]interview.Attr, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT record_id, name, value FROM interview_record_attributes WHERE `+where+
		` ORDER BY record_id, position`, arg)
	if err != nil {
		return nil, fmt.Errorf("list record attributes: %w", err)
	}
	defer rows.Close()
	out := map[int64][]interview.Attr{}
	for rows.Next() {
		var id int64
		var a interview.Attr
		if err := rows.Scan(&id, &a.Name, &a.Value); err != nil {
			return nil, fmt.Errorf("scan record attribute: %w", err)
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

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

// Interview coding: the code book and coded segments.

func codeNameTaken(err error) error {
	f := apperr.Fields{}
	f.Add("name", "interview.error.code_exists")
	e := f.Err().(*apperr.Error)
	e.Code, e.Err = apperr.Conflict, err
	return e
}

// CreateInterviewCode writes a code and sets its ID; a second code of the
// same name in a project is a Conflict on the name field.
func (q *Q) CreateInterviewCode(ctx context.Context, c *interview.Code) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO interview_codes (project_id, parent_id, name, definition, example, created_by,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.ProjectID, nullInt(c.ParentID), c.Name, c.Definition, c.Example, c.CreatedBy, ms(c.CreatedAt), ms(c.UpdatedAt)).Scan(&c.ID)
	if isUniqueViolation(err) {
		return codeNameTaken(err)
	}
	if err != nil {
		return fmt.Errorf("insert interview code: %w", err)
	}
	return nil
}

// UpdateInterviewCode writes a code's name, texts and parent.
func (q *Q) UpdateInterviewCode(ctx context.Context, c *interview.Code) error {
	_, err := q.q.ExecContext(ctx, `UPDATE interview_codes SET parent_id = $1, name = $2, definition = $3, example = $4,
		updated_at = $5 WHERE id = $6`, nullInt(c.ParentID), c.Name, c.Definition, c.Example, ms(c.UpdatedAt), c.ID)
	if isUniqueViolation(err) {
		return codeNameTaken(err)
	}
	if err != nil {
		return fmt.Errorf("update interview code %d: %w", c.ID, err)
	}
	return nil
}

// ReparentInterviewCodes moves the children of one code under another
// (0 for the top level), as deleting or merging a code does.
func (q *Q) ReparentInterviewCodes(ctx context.Context, from, to int64, at int64) error {
	_, err := q.q.ExecContext(ctx, `UPDATE interview_codes SET parent_id = $1, updated_at = $2 WHERE parent_id = $3`, nullInt(to), at, from)
	if err != nil {
		return fmt.Errorf("move children of code %d: %w", from, err)
	}
	return nil
}

// DeleteInterviewCode removes a code and its segments; move its children
// first (ReparentInterviewCodes).
func (q *Q) DeleteInterviewCode(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_codes WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete interview code %d: %w", id, err)
	}
	return nil
}

const codeColumns = `c.id, c.project_id, COALESCE(c.parent_id, 0), c.name, c.definition, c.example, c.created_by, c.created_at,
	c.updated_at, (SELECT count(*) FROM interview_segments s WHERE s.code_id = c.id)`

func scanCode(r rowScanner) (*interview.Code, error) {
	var c interview.Code
	var created, updated int64
	if err := r.Scan(&c.ID, &c.ProjectID, &c.ParentID, &c.Name, &c.Definition, &c.Example, &c.CreatedBy, &created, &updated,
		&c.Segments); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

// InterviewCodeByID loads a code with its own segment count.
func (q *Q) InterviewCodeByID(ctx context.Context, id int64) (*interview.Code, error) {
	c, err := scanCode(q.q.QueryRowContext(ctx, `SELECT `+codeColumns+` FROM interview_codes c WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInterviewNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load interview code %d: %w", id, err)
	}
	return c, nil
}

// InterviewCodes lists a project's code book in creation order.
func (q *Q) InterviewCodes(ctx context.Context, projectID int64) ([]*interview.Code, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+codeColumns+` FROM interview_codes c WHERE c.project_id = $1 ORDER BY c.id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list interview codes of %d: %w", projectID, err)
	}
	defer rows.Close()
	var out []*interview.Code
	for rows.Next() {
		c, err := scanCode(rows)
		if err != nil {
			return nil, fmt.Errorf("scan interview code: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountInterviewCodes counts a project's codes.
func (q *Q) CountInterviewCodes(ctx context.Context, projectID int64) (int, error) {
	return q.countWhere(ctx, "interview_codes", "project_id", projectID)
}

// CreateInterviewSegment writes a segment and sets its ID; the same passage
// coded with the same code twice is a Conflict.
func (q *Q) CreateInterviewSegment(ctx context.Context, s *interview.Segment) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO interview_segments (project_id, record_id, code_id, start_pos, end_pos, quote, memo,
		stale, coder_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		s.ProjectID, s.RecordID, s.CodeID, s.Start, s.End, s.Quote, s.Memo, s.Stale, s.CoderID, ms(s.CreatedAt),
		ms(s.UpdatedAt)).Scan(&s.ID)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "interview.error.segment_exists", err)
	}
	if err != nil {
		return fmt.Errorf("insert interview segment: %w", err)
	}
	return nil
}

// UpdateInterviewSegment writes a segment's place, quote, memo and staleness.
func (q *Q) UpdateInterviewSegment(ctx context.Context, s *interview.Segment) error {
	_, err := q.q.ExecContext(ctx, `UPDATE interview_segments SET start_pos = $1, end_pos = $2, quote = $3, memo = $4, stale = $5,
		updated_at = $6 WHERE id = $7`, s.Start, s.End, s.Quote, s.Memo, s.Stale, ms(s.UpdatedAt), s.ID)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "interview.error.segment_exists", err)
	}
	if err != nil {
		return fmt.Errorf("update interview segment %d: %w", s.ID, err)
	}
	return nil
}

// DeleteInterviewSegment removes a segment.
func (q *Q) DeleteInterviewSegment(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_segments WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete interview segment %d: %w", id, err)
	}
	return nil
}

const segmentColumns = `s.id, s.project_id, s.record_id, s.code_id, s.start_pos, s.end_pos, s.quote, s.memo, s.stale, s.coder_id,
	s.created_at, s.updated_at, COALESCE(NULLIF(u.display_name, ''), u.username), c.name, r.pseudonym`

const segmentFrom = ` FROM interview_segments s JOIN users u ON u.id = s.coder_id JOIN interview_codes c ON c.id = s.code_id
	JOIN interview_records r ON r.id = s.record_id `

func scanSegment(r rowScanner) (*interview.Segment, error) {
	var s interview.Segment
	var created, updated int64
	if err := r.Scan(&s.ID, &s.ProjectID, &s.RecordID, &s.CodeID, &s.Start, &s.End, &s.Quote, &s.Memo, &s.Stale, &s.CoderID,
		&created, &updated, &s.CoderName, &s.CodeName, &s.Pseudonym); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return &s, nil
}

func (q *Q) segments(ctx context.Context, where, order string, args ...any) ([]*interview.Segment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+segmentColumns+segmentFrom+`WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("list interview segments: %w", err)
	}
	defer rows.Close()
	var out []*interview.Segment
	for rows.Next() {
		s, err := scanSegment(rows)
		if err != nil {
			return nil, fmt.Errorf("scan interview segment: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// InterviewSegmentByID loads a segment with its coder's, code's and record's names.
func (q *Q) InterviewSegmentByID(ctx context.Context, id int64) (*interview.Segment, error) {
	ss, err := q.segments(ctx, `s.id = $1`, `s.id`, id)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, errInterviewNotFound
	}
	return ss[0], nil
}

// InterviewSegmentsOfRecord lists a record's segments in transcript order.
func (q *Q) InterviewSegmentsOfRecord(ctx context.Context, recordID int64) ([]*interview.Segment, error) {
	return q.segments(ctx, `s.record_id = $1`, `s.start_pos, s.end_pos, s.id`, recordID)
}

// InterviewSegmentsOfCodes lists the segments coded with any of codes (a
// code and its descendants), record by record in transcript order.
func (q *Q) InterviewSegmentsOfCodes(ctx context.Context, projectID int64, codes []int64, limit, offset int) ([]*interview.Segment, int, error) {
	if len(codes) == 0 {
		return nil, 0, nil
	}
	args := []any{projectID}
	marks := make([]string, len(codes))
	for i, c := range codes {
		args = append(args, c)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	cond := `s.project_id = $1 AND s.code_id IN (` + strings.Join(marks, ", ") + `)`
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM interview_segments s WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count segments of codes: %w", err)
	}
	args = append(args, limit, offset)
	out, err := q.segments(ctx, cond, fmt.Sprintf(`s.record_id, s.start_pos, s.id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	return out, total, err
}

// InterviewSegments lists every segment of a project, record by record in
// transcript order, for exports.
func (q *Q) InterviewSegments(ctx context.Context, projectID int64) ([]*interview.Segment, error) {
	return q.segments(ctx, `s.project_id = $1`, `s.record_id, s.start_pos, s.end_pos, s.id`, projectID)
}

// InterviewCoded lists which record each segment of a project is in and
// which code it carries: all that code frequencies need.
func (q *Q) InterviewCoded(ctx context.Context, projectID int64) ([]interview.Coded, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT record_id, code_id FROM interview_segments WHERE project_id = $1`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list coded pairs of %d: %w", projectID, err)
	}
	defer rows.Close()
	var out []interview.Coded
	for rows.Next() {
		var c interview.Coded
		if err := rows.Scan(&c.RecordID, &c.CodeID); err != nil {
			return nil, fmt.Errorf("scan coded pair: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountInterviewSegments counts a record's segments.
func (q *Q) CountInterviewSegments(ctx context.Context, recordID int64) (int, error) {
	return q.countWhere(ctx, "interview_segments", "record_id", recordID)
}

// MergeInterviewCodes moves every segment of code from to code into. A
// passage already coded with into keeps that segment, and the duplicate
// from from is dropped, its memo appended to the kept one's so that no note
// is lost. It returns how many segments moved and how many were dropped.
func (q *Q) MergeInterviewCodes(ctx context.Context, from, into int64, at int64) (moved, dropped int, err error) {
	rows, err := q.q.QueryContext(ctx, `SELECT k.id, k.memo, d.id, d.memo FROM interview_segments d
		JOIN interview_segments k ON k.code_id = $2 AND k.record_id = d.record_id AND k.start_pos = d.start_pos
			AND k.end_pos = d.end_pos
		WHERE d.code_id = $1`, from, into)
	if err != nil {
		return 0, 0, fmt.Errorf("find duplicates of code %d in %d: %w", from, into, err)
	}
	type dupe struct {
		kept, drop int64
		memo       string
	}
	var dupes []dupe
	for rows.Next() {
		var d dupe
		var keptMemo, dropMemo string
		if err := rows.Scan(&d.kept, &keptMemo, &d.drop, &dropMemo); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("scan duplicate segment: %w", err)
		}
		d.memo = keptMemo
		if dropMemo != "" && dropMemo != keptMemo {
			d.memo = strings.TrimSpace(keptMemo + "\n" + dropMemo)
			if r := []rune(d.memo); len(r) > interview.MaxMemo {
				d.memo = string(r[:interview.MaxMemo])
			}
		}
		dupes = append(dupes, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, d := range dupes {
		if _, err := q.q.ExecContext(ctx, `DELETE FROM interview_segments WHERE id = $1`, d.drop); err != nil {
			return 0, 0, fmt.Errorf("drop duplicate segment %d: %w", d.drop, err)
		}
		if _, err := q.q.ExecContext(ctx, `UPDATE interview_segments SET memo = $1, updated_at = $2 WHERE id = $3`, d.memo, at, d.kept); err != nil {
			return 0, 0, fmt.Errorf("keep memo on segment %d: %w", d.kept, err)
		}
	}
	res, err := q.q.ExecContext(ctx, `UPDATE interview_segments SET code_id = $1, updated_at = $2 WHERE code_id = $3`, into, at, from)
	if err != nil {
		return 0, 0, fmt.Errorf("move segments of code %d to %d: %w", from, into, err)
	}
	n, err := res.RowsAffected()
	return int(n), len(dupes), err
}

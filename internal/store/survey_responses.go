package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Responses to questionnaires, and who has answered.
//
// Anonymity. For an anonymous questionnaire no table relates a person to a
// response, and nothing lets one infer the relation from order or timing:
//
//   - survey_participants records who has submitted, keyed (survey, user)
//     for the one-response rule and response rates. It has no time column
//     and no response ID, and on SQLite is WITHOUT ROWID, so its rows lie
//     in key order, not in the order people answered.
//   - survey_responses rows get a random 128-bit key (never a sequence) and
//     no user_id; on SQLite they too lie in key order. Their submitted and
//     updated times are rounded down to the day (UTC), so they cannot be
//     matched with the exact time of a login or other event.
//   - A resumable anonymous draft is keyed by draft_key, the SHA-256 of a
//     random token that lives only in the respondent's browser (mixed with
//     their user ID, so a shared computer does not hand one teacher's draft
//     to another). The server never stores the token, so it cannot compute
//     the key for a person; submitting turns the draft into the response and
//     clears the key.
//   - The service records anonymous submissions with no actor, at the start
//     of the day, and never names the response in an event.
//
// What the design accepts: a response keeps its respondent's institution
// (for response rates) and its demographic answers, so in a
// small group the set of people it could be is that group, as with any
// questionnaire; and the no-actor event's sequential ID sits among the
// other events of that moment, which is why it carries nothing but the
// questionnaire and the day.
//
// Minimum group size. Results are where a small group gives a person
// away: with three teachers of a school answering, their school's row, or
// an analysis filtered to them, is nearly their answers. So for anonymous
// questionnaires, with survey.MinAnonymousGroup (5) as the threshold:
//
//   - the response-rate table (SurveyResponseRate, as the service shows
//     it) merges the institutions with fewer than 5 responses into one
//     "other institutions (fewer than 5 each)" row;
//   - exports carry no institution column at all;
//   - an analysis of a subset (any filter) of fewer than 5 responses is
//     withheld with that reason, open answers included, and so is any
//     comparison by a grouping variable with a group of 1 to 4 responses.
//
// The whole questionnaire's results are not withheld: the manager
// distributed it and may export its (nameless) data.
//
// What the schema cannot promise: the database engine's own bookkeeping.
// PostgreSQL's system columns (xmin, the heap position ctid) and both
// engines' write-ahead logs follow commit order until they are vacuumed or
// checkpointed. CloseAnonymousResponses rewrites an anonymous
// questionnaire's rows when it closes, so that afterwards they share one
// transaction ID and sit in key order on PostgreSQL too; reading system
// columns or log files needs database-administrator access in any case.

// newResponseID returns 32 random hex digits.
func newResponseID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Day rounds a time down to the start of its UTC day: the only precision
// anonymous responses keep.
func Day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// ResponseRow is a response with the names a named export shows (empty for
// anonymous responses).
type ResponseRow struct {
	survey.Response
	Username        string
	UserName        string
	InstitutionName string
}

const responseColumns = `r.id, r.survey_id, COALESCE(r.user_id, 0), r.status, r.answers, r.institution_id, r.submitted_at, r.updated_at`

func scanResponse(r rowScanner, extra ...any) (*survey.Response, error) {
	var resp survey.Response
	var answers string
	var submitted *int64
	var updated int64
	if err := r.Scan(append([]any{&resp.ID, &resp.SurveyID, &resp.UserID, &resp.Status, &answers, &resp.InstitutionID,
		&submitted, &updated}, extra...)...); err != nil {
		return nil, err
	}
	a, err := survey.ParseAnswers([]byte(answers))
	if err != nil {
		return nil, fmt.Errorf("response %s answers: %w", resp.ID, err)
	}
	resp.Answers, resp.SubmittedAt, resp.UpdatedAt = a, ptrMS(submitted), fromMS(updated)
	return &resp, nil
}

func (q *Q) oneResponse(ctx context.Context, cond string, args ...any) (*survey.Response, error) {
	r, err := scanResponse(q.q.QueryRowContext(ctx, `SELECT `+responseColumns+` FROM survey_responses r WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load survey response: %w", err)
	}
	return r, nil
}

// NamedResponse returns a person's response (draft or submitted) to a named
// questionnaire, or nil.
func (q *Q) NamedResponse(ctx context.Context, surveyID, userID int64) (*survey.Response, error) {
	return q.oneResponse(ctx, `r.survey_id = $1 AND r.user_id = $2`, surveyID, userID)
}

// AnonymousDraft returns the anonymous draft with a draft key, or nil.
func (q *Q) AnonymousDraft(ctx context.Context, surveyID int64, draftKey string) (*survey.Response, error) {
	if draftKey == "" {
		return nil, nil
	}
	return q.oneResponse(ctx, `r.survey_id = $1 AND r.draft_key = $2 AND r.status = 'draft'`, surveyID, draftKey)
}

// HasParticipated reports whether a person has submitted a response.
func (q *Q) HasParticipated(ctx context.Context, surveyID, userID int64) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM survey_participants WHERE survey_id = $1 AND user_id = $2`,
		surveyID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check participation in survey %d: %w", surveyID, err)
	}
	return n > 0, nil
}

// SaveSurveyDraft stores unfinished answers: a named questionnaire's under
// the person, an anonymous one's under draftKey only.
func (q *Q) SaveSurveyDraft(ctx context.Context, s *survey.Survey, userID int64, draftKey string, a survey.Answers, at time.Time) error {
	body, err := a.JSON()
	if err != nil {
		return err
	}
	var existing *survey.Response
	if s.Anonymous {
		if draftKey == "" {
			return fmt.Errorf("anonymous draft of survey %d without a key", s.ID)
		}
		at = Day(at)
		existing, err = q.AnonymousDraft(ctx, s.ID, draftKey)
	} else {
		existing, err = q.NamedResponse(ctx, s.ID, userID)
	}
	if err != nil {
		return err
	}
	if existing != nil {
		if existing.Status != survey.ResponseDraft {
			return apperr.New(apperr.Conflict, "survey.error.already_answered")
		}
		_, err = q.q.ExecContext(ctx, `UPDATE survey_responses SET answers = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'`,
			string(body), ms(at), existing.ID)
		if err != nil {
			return fmt.Errorf("update survey draft: %w", err)
		}
		return nil
	}
	var user, key any
	if s.Anonymous {
		key = draftKey
	} else {
		user = userID
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO survey_responses (id, survey_id, user_id, draft_key, status, answers, updated_at)
		VALUES ($1, $2, $3, $4, 'draft', $5, $6)`, newResponseID(), s.ID, user, key, string(body), ms(at))
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "survey.error.draft_conflict", err)
	}
	if err != nil {
		return fmt.Errorf("insert survey draft: %w", err)
	}
	return nil
}

// SubmitSurveyResponse records a final response: the person joins the
// participants (a second response violates its key and is refused as a
// Conflict), their draft becomes the response or a new one is written,
// and the questionnaire's count goes up. For an anonymous questionnaire
// the response carries neither the person nor a precise time. It returns
// the response's key.
func (q *Q) SubmitSurveyResponse(ctx context.Context, s *survey.Survey, userID int64, draftKey string, a survey.Answers,
	institutionID int64, at time.Time) (string, error) {
	body, err := a.JSON()
	if err != nil {
		return "", err
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO survey_participants (survey_id, user_id) VALUES ($1, $2)`, s.ID, userID)
	if isUniqueViolation(err) {
		return "", apperr.Wrap(apperr.Conflict, "survey.error.already_answered", err)
	}
	if err != nil {
		return "", fmt.Errorf("record survey participant: %w", err)
	}
	var existing *survey.Response
	if s.Anonymous {
		at = Day(at)
		existing, err = q.AnonymousDraft(ctx, s.ID, draftKey)
	} else {
		existing, err = q.NamedResponse(ctx, s.ID, userID)
	}
	if err != nil {
		return "", err
	}
	id := newResponseID()
	if existing != nil {
		id = existing.ID
		_, err = q.q.ExecContext(ctx, `UPDATE survey_responses SET status = 'submitted', draft_key = NULL, answers = $1,
			institution_id = $2, submitted_at = $3, updated_at = $3 WHERE id = $4`, string(body), institutionID, ms(at), id)
	} else {
		var user any
		if !s.Anonymous {
			user = userID
		}
		_, err = q.q.ExecContext(ctx, `INSERT INTO survey_responses (id, survey_id, user_id, status, answers, institution_id,
			submitted_at, updated_at) VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $6)`,
			id, s.ID, user, string(body), institutionID, ms(at))
	}
	if err != nil {
		return "", fmt.Errorf("write survey response: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE surveys SET response_count = response_count + 1 WHERE id = $1`, s.ID); err != nil {
		return "", fmt.Errorf("count survey response: %w", err)
	}
	return id, nil
}

// EachSubmittedResponse calls fn for every submitted response of a
// questionnaire, in key order (random for anonymous ones), with the
// respondent's names for a named questionnaire.
func (q *Q) EachSubmittedResponse(ctx context.Context, surveyID int64, fn func(*ResponseRow) error) error {
	rows, err := q.q.QueryContext(ctx, `SELECT `+responseColumns+`, COALESCE(u.username, ''),
		COALESCE(NULLIF(u.display_name, ''), u.username, ''), COALESCE(i.name, '')
		FROM survey_responses r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN spaces i ON i.id = r.institution_id
		WHERE r.survey_id = $1 AND r.status = 'submitted' ORDER BY r.id`, surveyID)
	if err != nil {
		return fmt.Errorf("list responses of survey %d: %w", surveyID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var row ResponseRow
		r, err := scanResponse(rows, &row.Username, &row.UserName, &row.InstitutionName)
		if err != nil {
			return fmt.Errorf("scan survey response: %w", err)
		}
		row.Response = *r
		if err := fn(&row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachSubmittedAnswers calls fn for every submitted response of a
// questionnaire, in the order of EachSubmittedResponse (key order), with
// only what an analysis reads: the submission time (the zero time when it
// is unknown) and the answers' JSON as stored, undecoded. It joins
// nothing and builds no map per response, which matters at 100,000
// responses (docs/PERFORMANCE.md, issue 5). answers is valid only during
// the call: fn must copy what it keeps.
//
// On SQLite a questionnaire with a large share of all responses is read by
// scanning the table in key order rather than through the (survey_id,
// status) index. A response of about 1 KB does not fit on its page of a
// WITHOUT ROWID table and spills onto an overflow page, and every step of
// looking a row up from the index compares whole records, overflow pages
// included: 100,000 responses took 2.4 s through the index and 0.7 s by
// the scan (docs/PERFORMANCE.md, issue 5). Both give the same rows in the
// same order.
func (q *Q) EachSubmittedAnswers(ctx context.Context, surveyID int64, fn func(submittedAt time.Time, answers []byte) error) error {
	query := `SELECT submitted_at, answers FROM survey_responses
		WHERE survey_id = $1 AND status = 'submitted' ORDER BY id`
	if q.dialect == SQLite {
		scan, err := q.answersScanPays(ctx, surveyID)
		if err != nil {
			return err
		}
		if scan {
			// The unary plus keeps SQLite from using an index on the column.
			query = `SELECT submitted_at, answers FROM survey_responses
				WHERE +survey_id = $1 AND +status = 'submitted' ORDER BY id`
		}
	}
	rows, err := q.q.QueryContext(ctx, query, surveyID)
	if err != nil {
		return fmt.Errorf("read answers of survey %d: %w", surveyID, err)
	}
	defer rows.Close()
	var submitted sql.NullInt64
	var answers sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&submitted, &answers); err != nil {
			return fmt.Errorf("scan answers of survey %d: %w", surveyID, err)
		}
		var at time.Time
		if submitted.Valid {
			at = fromMS(submitted.Int64)
		}
		if err := fn(at, answers); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read answers of survey %d: %w", surveyID, err)
	}
	return nil
}

// answersScanPays reports whether a questionnaire's submitted responses
// are at least a quarter of all of them (by the questionnaires' response
// counters), which is where reading the whole table in key order costs no
// more than looking each response up from the index, however large the
// responses are.
func (q *Q) answersScanPays(ctx context.Context, surveyID int64) (bool, error) {
	var mine, all int64
	err := q.q.QueryRowContext(ctx, `SELECT COALESCE((SELECT response_count FROM surveys WHERE id = $1), 0),
		COALESCE((SELECT sum(response_count) FROM surveys), 0)`, surveyID).Scan(&mine, &all)
	if err != nil {
		return false, fmt.Errorf("count responses of survey %d: %w", surveyID, err)
	}
	return mine > 0 && 4*mine >= all, nil
}

// SurveyDraftCount counts unfinished drafts.
func (q *Q) SurveyDraftCount(ctx context.Context, surveyID int64) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM survey_responses WHERE survey_id = $1 AND status = 'draft'`, surveyID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count drafts of survey %d: %w", surveyID, err)
	}
	return n, nil
}

// DayCount is how many responses were submitted on a day.
type DayCount struct {
	Day   time.Time
	Count int
}

// SurveyResponsesByDay counts submitted responses per UTC day, oldest first.
func (q *Q) SurveyResponsesByDay(ctx context.Context, surveyID int64) ([]DayCount, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT (submitted_at / 86400000) * 86400000 AS day, count(*) FROM survey_responses
		WHERE survey_id = $1 AND status = 'submitted' GROUP BY day ORDER BY day LIMIT 1000`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("count responses by day: %w", err)
	}
	defer rows.Close()
	var out []DayCount
	for rows.Next() {
		var day int64
		var d DayCount
		if err := rows.Scan(&day, &d.Count); err != nil {
			return nil, err
		}
		d.Day = fromMS(day)
		out = append(out, d)
	}
	return out, rows.Err()
}

// eligibleCTE names the people a questionnaire is distributed to ($1 is
// its ID): members of its communities and everyone in its institutions'
// subtrees (by the path range, as pathRange computes it), enabled accounts
// only. Link distributions have no list of people.
const eligibleCTE = `WITH eligible AS (
	SELECT m.user_id AS id FROM survey_distributions d JOIN space_members m ON m.space_id = d.target_id
	WHERE d.survey_id = $1 AND d.kind = 'community' AND d.revoked_at IS NULL
	UNION
	SELECT u.id FROM survey_distributions d JOIN spaces t ON t.id = d.target_id
	JOIN spaces i ON i.path >= t.path AND i.path < substr(t.path, 1, length(t.path) - 1) || '0'
	JOIN users u ON u.institution_id = i.id
	WHERE d.survey_id = $1 AND d.kind = 'institution' AND d.revoked_at IS NULL
) `

// InstitutionRate is the response rate of the people of one institution:
// Eligible people the questionnaire was distributed to, Responded of them
// have submitted, and Others submitted without being among them (through
// a link).
type InstitutionRate struct {
	InstitutionID int64
	Name          string
	Eligible      int
	Responded     int
	Others        int
	// Merged, when not zero, makes this the row of that many institutions
	// with too few responses to show apart (anonymous questionnaires; see
	// the minimum group size above).
	Merged int
}

// SurveyResponseRate computes response rates per institution (the
// respondents' current institutions), in name order.
func (q *Q) SurveyResponseRate(ctx context.Context, surveyID int64) ([]InstitutionRate, error) {
	byInst := map[int64]*InstitutionRate{}
	var order []int64
	get := func(id int64, name string) *InstitutionRate {
		r, ok := byInst[id]
		if !ok {
			r = &InstitutionRate{InstitutionID: id, Name: name}
			byInst[id] = r
			order = append(order, id)
		}
		return r
	}
	scan := func(query string, fn func(r *InstitutionRate, a, b int)) error {
		rows, err := q.q.QueryContext(ctx, query, surveyID)
		if err != nil {
			return fmt.Errorf("response rate of survey %d: %w", surveyID, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			var a, b int
			if err := rows.Scan(&id, &name, &a, &b); err != nil {
				return err
			}
			fn(get(id, name), a, b)
		}
		return rows.Err()
	}
	err := scan(eligibleCTE+`SELECT COALESCE(u.institution_id, 0), COALESCE(s.name, ''), count(*), count(p.user_id)
		FROM eligible e JOIN users u ON u.id = e.id LEFT JOIN spaces s ON s.id = u.institution_id
		LEFT JOIN survey_participants p ON p.survey_id = $1 AND p.user_id = e.id
		WHERE NOT u.disabled GROUP BY u.institution_id, s.name, s.sort_name ORDER BY s.sort_name, u.institution_id LIMIT 5000`,
		func(r *InstitutionRate, a, b int) { r.Eligible, r.Responded = a, b })
	if err != nil {
		return nil, err
	}
	err = scan(eligibleCTE+`SELECT COALESCE(u.institution_id, 0), COALESCE(s.name, ''), count(*), 0
		FROM survey_participants p JOIN users u ON u.id = p.user_id LEFT JOIN spaces s ON s.id = u.institution_id
		WHERE p.survey_id = $1 AND p.user_id NOT IN (SELECT id FROM eligible)
		GROUP BY u.institution_id, s.name, s.sort_name ORDER BY s.sort_name, u.institution_id LIMIT 5000`,
		func(r *InstitutionRate, a, _ int) { r.Others = a })
	if err != nil {
		return nil, err
	}
	out := make([]InstitutionRate, len(order))
	for i, id := range order {
		out[i] = *byInst[id]
	}
	return out, nil
}

// SurveyNonRespondents lists at most limit IDs greater than after of people
// the questionnaire was distributed to who have not submitted, in ID order,
// so that reminders go out batch by batch and resume where they stopped.
func (q *Q) SurveyNonRespondents(ctx context.Context, surveyID, after int64, limit int) ([]int64, error) {
	return q.memberIDs(ctx, eligibleCTE+`SELECT e.id FROM eligible e JOIN users u ON u.id = e.id
		WHERE e.id > $2 AND NOT u.disabled
		AND NOT EXISTS (SELECT 1 FROM survey_participants p WHERE p.survey_id = $1 AND p.user_id = e.id)
		ORDER BY e.id LIMIT $3`, surveyID, after, limit)
}

// CloseAnonymousResponses rewrites an anonymous questionnaire's participant
// and response rows in key order inside the caller's transaction (see the
// comment at the top of this file): on PostgreSQL the rewritten rows share
// the closing transaction's ID and are appended in key order, erasing the
// commit order that system columns kept while the questionnaire was open.
func (q *Q) CloseAnonymousResponses(ctx context.Context, surveyID int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM survey_responses WHERE survey_id = $1 AND status = 'draft'`, surveyID); err != nil {
		return fmt.Errorf("drop anonymous drafts: %w", err)
	}
	if q.dialect != Postgres {
		return nil // WITHOUT ROWID tables already keep key order
	}
	type resp struct {
		id, answers    string
		inst, sub, upd int64
	}
	var rs []resp
	rows, err := q.q.QueryContext(ctx, `SELECT id, answers, institution_id, COALESCE(submitted_at, 0), updated_at
		FROM survey_responses WHERE survey_id = $1 ORDER BY id`, surveyID)
	if err != nil {
		return fmt.Errorf("read anonymous responses: %w", err)
	}
	for rows.Next() {
		var r resp
		if err := rows.Scan(&r.id, &r.answers, &r.inst, &r.sub, &r.upd); err != nil {
			rows.Close()
			return err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var users []int64
	if users, err = q.memberIDs(ctx, `SELECT user_id FROM survey_participants WHERE survey_id = $1 ORDER BY user_id`, surveyID); err != nil {
		return err
	}
	for _, stmt := range []string{`DELETE FROM survey_responses WHERE survey_id = $1`, `DELETE FROM survey_participants WHERE survey_id = $1`} {
		if _, err := q.q.ExecContext(ctx, stmt, surveyID); err != nil {
			return fmt.Errorf("rewrite anonymous responses: %w", err)
		}
	}
	for _, r := range rs {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO survey_responses (id, survey_id, status, answers, institution_id,
			submitted_at, updated_at) VALUES ($1, $2, 'submitted', $3, $4, $5, $6)`, r.id, surveyID, r.answers, r.inst, r.sub, r.upd); err != nil {
			return fmt.Errorf("rewrite anonymous response: %w", err)
		}
	}
	for _, u := range users {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO survey_participants (survey_id, user_id) VALUES ($1, $2)`, surveyID, u); err != nil {
			return fmt.Errorf("rewrite participant: %w", err)
		}
	}
	return nil
}

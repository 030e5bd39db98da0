package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Questionnaires and their distributions. Responses, participants and
// response rates are in survey_responses.go.

const surveyColumns = `s.id, s.owner_id, COALESCE(NULLIF(u.display_name, ''), u.username), s.institution_id, s.title,
	s.description, s.definition, s.status, s.anonymous, s.opens_at, s.closes_at, s.response_count, s.reminded_at,
	s.template, s.created_at, s.updated_at`

const surveyFrom = ` FROM surveys s JOIN users u ON u.id = s.owner_id `

func scanSurvey(r rowScanner, extra ...any) (*survey.Survey, error) {
	var s survey.Survey
	var def string
	var opens, closes, reminded *int64
	var created, updated int64
	if err := r.Scan(append([]any{&s.ID, &s.OwnerID, &s.OwnerName, &s.InstitutionID, &s.Title, &s.Description, &def,
		&s.Status, &s.Anonymous, &opens, &closes, &s.ResponseCount, &reminded, &s.Template, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	d, err := survey.Parse([]byte(def))
	if err != nil {
		return nil, fmt.Errorf("survey %d definition: %w", s.ID, err)
	}
	s.Definition = d
	s.OpensAt, s.ClosesAt, s.RemindedAt = ptrMS(opens), ptrMS(closes), ptrMS(reminded)
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return &s, nil
}

// CreateSurvey inserts a questionnaire and sets its ID.
func (q *Q) CreateSurvey(ctx context.Context, s *survey.Survey) error {
	def, err := s.Definition.JSON()
	if err != nil {
		return err
	}
	err = q.q.QueryRowContext(ctx, `INSERT INTO surveys (owner_id, institution_id, title, description, definition, status,
		anonymous, opens_at, closes_at, template, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		s.OwnerID, s.InstitutionID, s.Title, s.Description, string(def), s.Status, s.Anonymous, nullMS(s.OpensAt),
		nullMS(s.ClosesAt), s.Template, ms(s.CreatedAt)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("insert survey: %w", err)
	}
	return nil
}

// UpdateSurvey writes a questionnaire's settings and definition.
func (q *Q) UpdateSurvey(ctx context.Context, s *survey.Survey) error {
	def, err := s.Definition.JSON()
	if err != nil {
		return err
	}
	_, err = q.q.ExecContext(ctx, `UPDATE surveys SET title = $1, description = $2, definition = $3, anonymous = $4,
		opens_at = $5, closes_at = $6, updated_at = $7 WHERE id = $8`,
		s.Title, s.Description, string(def), s.Anonymous, nullMS(s.OpensAt), nullMS(s.ClosesAt), ms(s.UpdatedAt), s.ID)
	if err != nil {
		return fmt.Errorf("update survey %d: %w", s.ID, err)
	}
	return nil
}

// UpdateSurveySettings writes a questionnaire's settings (title,
// description, anonymity, times) and never its definition, so a settings
// save cannot undo a builder edit made meanwhile. Anonymity changes only
// in a draft: when s.Anonymous differs from the stored flag and the
// questionnaire is no longer a draft, nothing is written and the answer is
// a Conflict (people answered under the other promise).
func (q *Q) UpdateSurveySettings(ctx context.Context, s *survey.Survey) error {
	res, err := q.q.ExecContext(ctx, `UPDATE surveys SET title = $1, description = $2, anonymous = $3,
		opens_at = $4, closes_at = $5, updated_at = $6 WHERE id = $7 AND (status = $8 OR anonymous = $3)`,
		s.Title, s.Description, s.Anonymous, nullMS(s.OpensAt), nullMS(s.ClosesAt), ms(s.UpdatedAt), s.ID, survey.Draft)
	if err != nil {
		return fmt.Errorf("update settings of survey %d: %w", s.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "survey.error.status_changed")
	}
	return nil
}

// SurveyForUpdate re-reads a questionnaire inside a transaction and, on
// PostgreSQL, locks its row until the transaction ends, so that a check of
// its status or times holds until the write that depends on it commits
// (status changes and settings saves update the same row and wait).
// SQLite's write transactions already run one at a time.
func (q *Q) SurveyForUpdate(ctx context.Context, id int64) (*survey.Survey, error) {
	if q.dialect == Postgres {
		var got int64
		err := q.q.QueryRowContext(ctx, `SELECT id FROM surveys WHERE id = $1 FOR UPDATE`, id).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return nil, fmt.Errorf("lock survey %d: %w", id, err)
		}
	}
	return q.SurveyByID(ctx, id)
}

// SurveyPhaseForUpdate re-reads, inside a transaction, only what decides
// whether a questionnaire accepts responses — its status and opening and
// closing times — and, on PostgreSQL, locks its row as SurveyForUpdate
// does. The returned Survey has ID, Status, Anonymous, OpensAt and ClosesAt
// set and nothing else. Submitting a response needs no more: leaving out
// the definition, whose JSON parse was a third of a submission's CPU,
// keeps the single SQLite writer's transaction short (docs/PERFORMANCE.md).
func (q *Q) SurveyPhaseForUpdate(ctx context.Context, id int64) (*survey.Survey, error) {
	lock := ""
	if q.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	s := &survey.Survey{}
	var opens, closes *int64
	err := q.q.QueryRowContext(ctx, `SELECT id, status, anonymous, opens_at, closes_at FROM surveys WHERE id = $1`+lock, id).
		Scan(&s.ID, &s.Status, &s.Anonymous, &opens, &closes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("lock survey %d: %w", id, err)
	}
	s.OpensAt, s.ClosesAt = ptrMS(opens), ptrMS(closes)
	return s, nil
}

// SetSurveyStatus moves a questionnaire to status if it is in one of from,
// reporting a Conflict when someone else moved it meanwhile.
func (q *Q) SetSurveyStatus(ctx context.Context, id int64, status survey.Status, at time.Time, from ...survey.Status) error {
	args := []any{status, ms(at), id}
	ph := make([]string, len(from))
	for i, f := range from {
		args = append(args, f)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	res, err := q.q.ExecContext(ctx, `UPDATE surveys SET status = $1, updated_at = $2 WHERE id = $3 AND status IN (`+
		strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return fmt.Errorf("set survey %d %s: %w", id, status, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "survey.error.status_changed")
	}
	return nil
}

// MarkSurveyReminded records that reminders went out at at, unless some
// went out after notBefore already; it reports whether it did, so two
// owners pressing "remind" at once send one round.
func (q *Q) MarkSurveyReminded(ctx context.Context, id int64, at, notBefore time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE surveys SET reminded_at = $1 WHERE id = $2 AND (reminded_at IS NULL OR reminded_at < $3)`,
		ms(at), id, ms(notBefore))
	if err != nil {
		return false, fmt.Errorf("mark survey %d reminded: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SurveyByID loads a questionnaire.
func (q *Q) SurveyByID(ctx context.Context, id int64) (*survey.Survey, error) {
	s, err := scanSurvey(q.q.QueryRowContext(ctx, `SELECT `+surveyColumns+surveyFrom+`WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load survey %d: %w", id, err)
	}
	return s, nil
}

// SurveyFilter selects questionnaires for listings; the service turns a
// viewer's rights into the fields below. Set either the manager fields
// (OwnerID, ManagedPaths) or the respondent fields.
type SurveyFilter struct {
	// OwnerID and ManagedPaths: questionnaires the person owns, or that
	// belong to an institution under one of the paths they administer.
	OwnerID      int64
	ManagedPaths []string
	// RespondentID and RespondentInstitutions: open questionnaires
	// distributed to a community the person belongs to or to one of the
	// institutions (their own and its ancestors).
	RespondentID           int64
	RespondentInstitutions []int64
	Status                 survey.Status
	Limit, Offset          int
}

// Surveys lists questionnaires, most recently changed first, with the total.
func (q *Q) Surveys(ctx context.Context, f SurveyFilter) ([]*survey.Survey, int, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch {
	case f.RespondentID != 0:
		targets := []string{`(d.kind = 'community' AND d.target_id IN (SELECT space_id FROM space_members WHERE user_id = ` +
			arg(f.RespondentID) + `))`}
		if len(f.RespondentInstitutions) > 0 {
			targets = append(targets, `(d.kind = 'institution' AND d.target_id IN (`+appendIDArgs(&args, f.RespondentInstitutions)+`))`)
		}
		where = append(where, `s.status = 'open'`, `s.id IN (SELECT d.survey_id FROM survey_distributions d
			WHERE d.revoked_at IS NULL AND (`+strings.Join(targets, " OR ")+`))`)
	default:
		mine := []string{"s.owner_id = " + arg(f.OwnerID)}
		for _, p := range f.ManagedPaths {
			lo, hi := pathRange(p)
			mine = append(mine, "s.institution_id IN (SELECT id FROM spaces WHERE path >= "+arg(lo)+" AND path < "+arg(hi)+")")
		}
		where = append(where, "("+strings.Join(mine, " OR ")+")")
	}
	if f.Status != "" {
		where = append(where, "s.status = "+arg(f.Status))
	}
	cond := "WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM surveys s `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count surveys: %w", err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+surveyColumns+surveyFrom+cond+` ORDER BY s.updated_at DESC, s.id DESC
		LIMIT `+arg(f.Limit)+` OFFSET `+arg(f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list surveys: %w", err)
	}
	defer rows.Close()
	var out []*survey.Survey
	for rows.Next() {
		s, err := scanSurvey(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan survey: %w", err)
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// AddSurveyDistribution stores a distribution and sets its ID; the same
// community or institution twice is a Conflict.
func (q *Q) AddSurveyDistribution(ctx context.Context, d *survey.Distribution) error {
	if d.Kind != survey.TargetLink {
		var n int
		if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM survey_distributions WHERE survey_id = $1 AND kind = $2
			AND target_id = $3 AND revoked_at IS NULL`, d.SurveyID, d.Kind, d.TargetID).Scan(&n); err != nil {
			return fmt.Errorf("check distribution: %w", err)
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "survey.error.already_distributed")
		}
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO survey_distributions (survey_id, kind, target_id, token_hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		d.SurveyID, d.Kind, d.TargetID, nullStr(d.TokenHash), d.CreatedBy, ms(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("insert survey distribution: %w", err)
	}
	return nil
}

const distributionColumns = `d.id, d.survey_id, d.kind, d.target_id, COALESCE(t.name, ''), COALESCE(d.token_hash, ''),
	d.created_by, d.created_at, d.revoked_at`

const distributionFrom = ` FROM survey_distributions d LEFT JOIN spaces t ON t.id = d.target_id AND d.kind <> 'link' `

func scanDistribution(r rowScanner) (*survey.Distribution, error) {
	var d survey.Distribution
	var created int64
	var revoked *int64
	if err := r.Scan(&d.ID, &d.SurveyID, &d.Kind, &d.TargetID, &d.TargetName, &d.TokenHash, &d.CreatedBy, &created, &revoked); err != nil {
		return nil, err
	}
	d.CreatedAt, d.RevokedAt = fromMS(created), ptrMS(revoked)
	return &d, nil
}

// SurveyDistributions lists a questionnaire's distributions, revoked ones
// included, oldest first.
func (q *Q) SurveyDistributions(ctx context.Context, surveyID int64) ([]*survey.Distribution, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+distributionColumns+distributionFrom+`WHERE d.survey_id = $1 ORDER BY d.id LIMIT 500`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("list survey distributions: %w", err)
	}
	defer rows.Close()
	var out []*survey.Distribution
	for rows.Next() {
		d, err := scanDistribution(rows)
		if err != nil {
			return nil, fmt.Errorf("scan survey distribution: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SurveyDistributionByToken finds a link by its token's hash.
func (q *Q) SurveyDistributionByToken(ctx context.Context, hash string) (*survey.Distribution, error) {
	d, err := scanDistribution(q.q.QueryRowContext(ctx, `SELECT `+distributionColumns+distributionFrom+`WHERE d.token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "survey.error.link_invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("load survey link: %w", err)
	}
	return d, nil
}

// RevokeSurveyDistribution stops a distribution of a questionnaire.
func (q *Q) RevokeSurveyDistribution(ctx context.Context, surveyID, id int64, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE survey_distributions SET revoked_at = $1 WHERE id = $2 AND survey_id = $3
		AND revoked_at IS NULL`, ms(at), id, surveyID)
	if err != nil {
		return fmt.Errorf("revoke survey distribution %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return nil
}

// SurveyTargets reports whether a person is among a questionnaire's
// targets: a member of a community it is distributed to, or in an
// institution (given as the person's institution and its ancestors) it is
// distributed to.
func (q *Q) SurveyTargets(ctx context.Context, surveyID, userID int64, institutions []int64) (bool, error) {
	args := []any{surveyID, userID}
	cond := `(d.kind = 'community' AND d.target_id IN (SELECT space_id FROM space_members WHERE user_id = $2))`
	if len(institutions) > 0 {
		cond += ` OR (d.kind = 'institution' AND d.target_id IN (` + appendIDArgs(&args, institutions) + `))`
	}
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM survey_distributions d WHERE d.survey_id = $1
		AND d.revoked_at IS NULL AND (`+cond+`)`, args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check survey %d targets: %w", surveyID, err)
	}
	return n > 0, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/journal"
)

const proposalColumns = `p.id, p.space_id, p.author_id, COALESCE(NULLIF(u.display_name, ''), u.username), p.title, p.problem,
	p.rationale, p.plan, p.status, p.decision_note, COALESCE(p.decided_by, 0), p.decided_at, p.comment_count, p.created_at`

func scanProposal(r rowScanner) (*community.Proposal, error) {
	var p community.Proposal
	var decided *int64
	var created int64
	if err := r.Scan(&p.ID, &p.SpaceID, &p.AuthorID, &p.AuthorName, &p.Title, &p.Problem, &p.Rationale, &p.Plan,
		&p.Status, &p.DecisionNote, &p.DecidedBy, &decided, &p.CommentCount, &created); err != nil {
		return nil, err
	}
	p.DecidedAt, p.CreatedAt = ptrMS(decided), fromMS(created)
	return &p, nil
}

// CreateProposal inserts a theme proposal and sets p.ID.
func (q *Q) CreateProposal(ctx context.Context, p *community.Proposal) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO theme_proposals (space_id, author_id, title, problem, rationale, plan, status,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		p.SpaceID, p.AuthorID, p.Title, p.Problem, p.Rationale, p.Plan, p.Status, ms(p.CreatedAt)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("insert proposal: %w", err)
	}
	return nil
}

// ProposalByID loads a proposal.
func (q *Q) ProposalByID(ctx context.Context, id int64) (*community.Proposal, error) {
	p, err := scanProposal(q.q.QueryRowContext(ctx, `SELECT `+proposalColumns+` FROM theme_proposals p
		JOIN users u ON u.id = p.author_id WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load proposal %d: %w", id, err)
	}
	return p, nil
}

// Proposals lists a community's proposals with the given statuses (all
// when none), adopted first, then newest.
func (q *Q) Proposals(ctx context.Context, spaceID int64, statuses ...community.ProposalStatus) ([]*community.Proposal, error) {
	args := []any{spaceID}
	cond := ""
	if len(statuses) > 0 {
		ph := make([]string, len(statuses))
		for i, s := range statuses {
			args = append(args, s)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		cond = " AND p.status IN (" + strings.Join(ph, ",") + ")"
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+proposalColumns+` FROM theme_proposals p JOIN users u ON u.id = p.author_id
		WHERE p.space_id = $1`+cond+` ORDER BY CASE p.status WHEN 'adopted' THEN 0 WHEN 'proposed' THEN 1 ELSE 2 END,
		p.created_at DESC, p.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	defer rows.Close()
	var out []*community.Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DecideProposal sets a proposal's status with a note.
func (q *Q) DecideProposal(ctx context.Context, id int64, status community.ProposalStatus, note string, by int64, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE theme_proposals SET status = $1, decision_note = $2, decided_by = $3,
		decided_at = $4, updated_at = $4 WHERE id = $5`, status, note, by, ms(at), id)
	if err != nil {
		return fmt.Errorf("decide proposal %d: %w", id, err)
	}
	return nil
}

// AddProposalComment inserts a comment and counts it.
func (q *Q) AddProposalComment(ctx context.Context, proposalID int64, c *journal.Comment) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO proposal_comments (proposal_id, author_id, body, body_html, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, proposalID, c.AuthorID, c.Body, c.BodyHTML, ms(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert proposal comment: %w", err)
	}
	_, err = q.q.ExecContext(ctx, `UPDATE theme_proposals SET comment_count = comment_count + 1 WHERE id = $1`, proposalID)
	return err
}

// ProposalComments lists a proposal's discussion, oldest first.
func (q *Q) ProposalComments(ctx context.Context, proposalID int64) ([]*journal.Comment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.author_id, c.body, c.body_html, c.created_at,
		COALESCE(NULLIF(u.display_name, ''), u.username), u.username
		FROM proposal_comments c JOIN users u ON u.id = c.author_id WHERE c.proposal_id = $1 ORDER BY c.id LIMIT 1000`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("list proposal comments: %w", err)
	}
	defer rows.Close()
	var out []*journal.Comment
	for rows.Next() {
		var c journal.Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.AuthorID, &c.Body, &c.BodyHTML, &at, &c.AuthorName, &c.AuthorUsername); err != nil {
			return nil, err
		}
		c.CreatedAt = fromMS(at)
		out = append(out, &c)
	}
	return out, rows.Err()
}

// CreateRound inserts a voting round with its options.
func (q *Q) CreateRound(ctx context.Context, r *community.Round, proposalIDs []int64) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO vote_rounds (space_id, created_by, title, budget, closes_at, live_results,
		secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.SpaceID, r.CreatedBy, r.Title, r.Budget, ms(r.ClosesAt), r.LiveResults, r.Secret, ms(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert vote round: %w", err)
	}
	for _, pid := range proposalIDs {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO vote_options (round_id, proposal_id) VALUES ($1, $2)`, r.ID, pid); err != nil {
			return fmt.Errorf("insert vote option: %w", err)
		}
	}
	return nil
}

// Rounds lists a community's voting rounds with their options, newest first.
func (q *Q) Rounds(ctx context.Context, spaceID int64, limit int) ([]*community.Round, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, space_id, created_by, title, budget, closes_at, live_results, secret,
		voter_count, created_at FROM vote_rounds WHERE space_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, spaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("list vote rounds: %w", err)
	}
	var out []*community.Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	for _, r := range out {
		if r.Options, err = q.roundOptions(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

func scanRound(r rowScanner) (*community.Round, error) {
	var rd community.Round
	var closes, created int64
	if err := r.Scan(&rd.ID, &rd.SpaceID, &rd.CreatedBy, &rd.Title, &rd.Budget, &closes, &rd.LiveResults, &rd.Secret,
		&rd.VoterCount, &created); err != nil {
		return nil, err
	}
	rd.ClosesAt, rd.CreatedAt = fromMS(closes), fromMS(created)
	return &rd, nil
}

// RoundByID loads a round with its options.
func (q *Q) RoundByID(ctx context.Context, id int64) (*community.Round, error) {
	r, err := scanRound(q.q.QueryRowContext(ctx, `SELECT id, space_id, created_by, title, budget, closes_at, live_results,
		secret, voter_count, created_at FROM vote_rounds WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load vote round %d: %w", id, err)
	}
	r.Options, err = q.roundOptions(ctx, id)
	return r, err
}

func (q *Q) roundOptions(ctx context.Context, roundID int64) ([]community.Option, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT o.proposal_id, p.title, o.tally FROM vote_options o
		JOIN theme_proposals p ON p.id = o.proposal_id WHERE o.round_id = $1 ORDER BY p.created_at, p.id`, roundID)
	if err != nil {
		return nil, fmt.Errorf("list vote options: %w", err)
	}
	defer rows.Close()
	var out []community.Option
	for rows.Next() {
		var o community.Option
		if err := rows.Scan(&o.ProposalID, &o.Title, &o.Tally); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// HasVoted reports whether a person has cast a ballot in a round.
func (q *Q) HasVoted(ctx context.Context, roundID, userID int64) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM vote_participants WHERE round_id = $1 AND user_id = $2`, roundID, userID).Scan(&n)
	return n > 0, err
}

// CastBallot records one ballot: the voter joins the participants (a second
// ballot violates its key and is refused as a Conflict), each approved
// option's tally goes up, and for a named round the choices are kept.
func (q *Q) CastBallot(ctx context.Context, r *community.Round, userID int64, approve []int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO vote_participants (round_id, user_id) VALUES ($1, $2)`, r.ID, userID)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "community.vote.already_voted", err)
	}
	if err != nil {
		return fmt.Errorf("record voter: %w", err)
	}
	for _, pid := range approve {
		res, err := q.q.ExecContext(ctx, `UPDATE vote_options SET tally = tally + 1 WHERE round_id = $1 AND proposal_id = $2`, r.ID, pid)
		if err != nil {
			return fmt.Errorf("count vote: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Invalid, "community.vote.not_on_ballot")
		}
		if !r.Secret {
			if _, err := q.q.ExecContext(ctx, `INSERT INTO votes (round_id, proposal_id, user_id) VALUES ($1, $2, $3)`, r.ID, pid, userID); err != nil {
				return fmt.Errorf("record vote: %w", err)
			}
		}
	}
	_, err = q.q.ExecContext(ctx, `UPDATE vote_rounds SET voter_count = voter_count + 1 WHERE id = $1`, r.ID)
	return err
}

// Voters lists who approved each option of a named round: proposal ID → names.
func (q *Q) Voters(ctx context.Context, roundID int64) (map[int64][]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT v.proposal_id, COALESCE(NULLIF(u.display_name, ''), u.username)
		FROM votes v JOIN users u ON u.id = v.user_id WHERE v.round_id = $1 ORDER BY u.sort_name`, roundID)
	if err != nil {
		return nil, fmt.Errorf("list voters: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var pid int64
		var name string
		if err := rows.Scan(&pid, &name); err != nil {
			return nil, err
		}
		out[pid] = append(out[pid], name)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/message"
)

// CreateMessageReport stores a report and sets r.ID; a second open report
// of the same message by the same person is a Conflict.
func (q *Q) CreateMessageReport(ctx context.Context, r *message.Report) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO message_reports (message_id, reporter_id, reason, status, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, r.MessageID, r.ReporterID, r.Reason, r.Status, ms(r.CreatedAt)).Scan(&r.ID)
	if isUniqueViolation(err) {
		return apperr.Wrap(apperr.Conflict, "message.report.duplicate", err)
	}
	if err != nil {
		return fmt.Errorf("insert report of message %d: %w", r.MessageID, err)
	}
	return nil
}

const msgReportFrom = ` FROM message_reports r JOIN messages m ON m.id = r.message_id
	JOIN users ru ON ru.id = r.reporter_id JOIN users su ON su.id = m.sender_id `

func scanMessageReport(row rowScanner) (*message.Report, error) {
	r := message.Report{Reporter: &account.User{}, Sender: &account.User{}}
	var handled *int64
	var created int64
	m, err := scanMessage(row, &r.ID, &r.MessageID, &r.ReporterID, &r.Reason, &r.Status, &r.HandledBy, &handled,
		&created, &r.Reporter.Username, &r.Reporter.DisplayName, &r.Sender.ID, &r.Sender.Username, &r.Sender.DisplayName)
	if err != nil {
		return nil, err
	}
	r.Reporter.ID, r.Message, r.HandledAt, r.CreatedAt = r.ReporterID, m, ptrMS(handled), fromMS(created)
	return &r, nil
}

// MessageReportByID loads a report with its message.
func (q *Q) MessageReportByID(ctx context.Context, id int64) (*message.Report, error) {
	r, err := scanMessageReport(q.q.QueryRowContext(ctx, `SELECT `+msgReportSelect+msgReportFrom+`WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("load message report %d: %w", id, err)
	}
	return r, nil
}

// msgReportSelect puts the message columns first, as scanMessage reads them
// before its extra destinations.
const msgReportSelect = messageColumns + `, r.id, r.message_id, r.reporter_id, r.reason, r.status, COALESCE(r.handled_by, 0),
	r.handled_at, r.created_at, ru.username, ru.display_name, su.id, su.username, su.display_name`

// MessageReports lists reports for moderators, oldest open first so the
// queue is worked in order, or newest first for handled ones; status ""
// lists all. It returns the total too.
func (q *Q) MessageReports(ctx context.Context, status message.ReportStatus, limit, offset int) ([]*message.Report, int, error) {
	cond, args := "1 = 1", []any{}
	order := "r.id DESC"
	if status != "" {
		cond, args = "r.status = $1", append(args, status)
	}
	if status == message.ReportOpen {
		order = "r.id"
	}
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM message_reports r WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count message reports: %w", err)
	}
	args = append(args, limit, offset)
	rows, err := q.q.QueryContext(ctx, `SELECT `+msgReportSelect+msgReportFrom+`WHERE `+cond+
		fmt.Sprintf(` ORDER BY %s LIMIT $%d OFFSET $%d`, order, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list message reports: %w", err)
	}
	defer rows.Close()
	var out []*message.Report
	for rows.Next() {
		r, err := scanMessageReport(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan message report: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// HideReportedMessage hides a message and closes every open report of it,
// since they are all answered by the one decision.
func (q *Q) HideReportedMessage(ctx context.Context, messageID, by int64, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE messages SET hidden = TRUE WHERE id = $1`, messageID); err != nil {
		return fmt.Errorf("hide message %d: %w", messageID, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE message_reports SET status = $1, handled_by = $2, handled_at = $3
		WHERE message_id = $4 AND status = $5`, message.ReportHidden, by, ms(at), messageID, message.ReportOpen); err != nil {
		return fmt.Errorf("close reports of message %d: %w", messageID, err)
	}
	return nil
}

// DismissMessageReport closes one open report without acting on the
// message; it reports false when the report was no longer open.
func (q *Q) DismissMessageReport(ctx context.Context, id, by int64, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE message_reports SET status = $1, handled_by = $2, handled_at = $3
		WHERE id = $4 AND status = $5`, message.ReportDismissed, by, ms(at), id, message.ReportOpen)
	if err != nil {
		return false, fmt.Errorf("dismiss message report %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/message"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Reports of direct messages go to the platform's admins: messages belong
// to no community, so no community host could judge them, and a school
// admin should not read the private messages of their staff.

// ReportMessage lets a participant report a message the other participant
// sent. Anyone else is told the message does not exist.
func (s *Service) ReportMessage(ctx context.Context, actor *account.User, messageID int64, reason string) (*message.Report, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	m, err := s.db.R().MessageByID(ctx, messageID)
	if err != nil {
		return nil, err
	}
	if _, ok, err := s.db.R().LastRead(ctx, m.ConversationID, actor.ID); err != nil || !ok {
		return nil, firstErr(err, errNoSuchConversation)
	}
	if m.SenderID == actor.ID {
		return nil, apperr.New(apperr.Invalid, "message.report.own")
	}
	if !message.ValidReason(reason) {
		f := apperr.Fields{}
		f.Add("reason", "form.invalid_choice")
		return nil, f.Err()
	}
	r := &message.Report{MessageID: m.ID, ReporterID: actor.ID, Reason: reason, Status: message.ReportOpen, CreatedAt: s.Now()}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateMessageReport(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: message.VerbReported, ObjectType: message.ObjMessage,
			ObjectID: m.ID, InstitutionID: actor.InstitutionID}, map[string]any{"report_id": r.ID, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// requirePlatformAdmin lets only platform admins moderate messages.
func requirePlatformAdmin(actor *account.User) error {
	if actor == nil {
		return errUnauthorized
	}
	if actor.Role != account.Admin {
		return errForbidden
	}
	return nil
}

// MessageReports lists reports with the reported messages for platform
// admins: status "" lists all, otherwise only that status.
func (s *Service) MessageReports(ctx context.Context, actor *account.User, status message.ReportStatus, limit, offset int) ([]*message.Report, int, error) {
	if err := requirePlatformAdmin(actor); err != nil {
		return nil, 0, err
	}
	if status != "" && !status.Valid() {
		status = message.ReportOpen
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	return s.db.R().MessageReports(ctx, status, limit, max(offset, 0))
}

// ResolveMessageReport closes an open report: hide hides the message from
// both participants (closing every open report of it), otherwise the
// report is dismissed and the message stays.
func (s *Service) ResolveMessageReport(ctx context.Context, actor *account.User, reportID int64, hide bool) error {
	if err := requirePlatformAdmin(actor); err != nil {
		return err
	}
	r, err := s.db.R().MessageReportByID(ctx, reportID)
	if err != nil {
		return err
	}
	closed := apperr.New(apperr.Conflict, "message.report.closed")
	if r.Status != message.ReportOpen {
		return closed
	}
	now := s.Now()
	return s.db.Tx(ctx, func(q *store.Q) error {
		if hide {
			if err := q.HideReportedMessage(ctx, r.MessageID, actor.ID, now); err != nil {
				return err
			}
			return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: message.VerbHidden, ObjectType: message.ObjMessage,
				ObjectID: r.MessageID, At: now}, map[string]any{"report_id": r.ID})
		}
		ok, err := q.DismissMessageReport(ctx, r.ID, actor.ID, now)
		if err != nil || !ok {
			return firstErr(err, closed)
		}
		return s.record(ctx, q, event.Event{ActorID: actor.ID, Verb: message.VerbDismissed, ObjectType: message.ObjReport,
			ObjectID: r.ID, At: now}, map[string]any{"message_id": r.MessageID})
	})
}

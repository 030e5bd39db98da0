package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Abuse reports: any signed-in reader of a community may report a post it
// can see; the community's leads work through the queue, hiding the post
// (which answers every report on it) or dismissing the report.

// PostToReport returns a post for the report form to a signed-in reader
// who can see it.
func (s *Service) PostToReport(ctx context.Context, actor *account.User, t discussion.PostType, id int64) (*Post, error) {
	if actor == nil {
		return nil, errUnauthorized
	}
	p, err := s.post(ctx, actor, t, id)
	if err != nil {
		return nil, err
	}
	if p.Hidden() && !p.Access.Lead {
		return nil, errPostHidden
	}
	return p, nil
}

// Report files actor's complaint about a post. A second open report by the
// same person on the same post is a Conflict.
func (s *Service) Report(ctx context.Context, actor *account.User, t discussion.PostType, id int64, in discussion.ReportInput) error {
	p, err := s.PostToReport(ctx, actor, t, id)
	if err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	r := &discussion.Report{SpaceID: p.Community.Space.ID, TopicID: p.Topic.ID, PostType: t, PostID: id,
		ReporterID: actor.ID, Reason: in.Reason, Note: in.Note, CreatedAt: s.Now()}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateReport(ctx, r); err != nil {
			return err
		}
		return s.recordPost(ctx, q, actor, p.Community, discussion.VerbReported, p.objType(), id,
			map[string]any{"topic_id": p.Topic.ID, "report_id": r.ID, "reason": r.Reason})
	})
}

// ReportQueue is a community's reports with one status, for its leads.
type ReportQueue struct {
	Community *community.Community
	Access    Access
	Status    discussion.ReportStatus
	Reports   []*discussion.Report
}

// MaxReportsShown bounds one view of the queue.
const MaxReportsShown = 200

// Reports lists a community's reports with a status (open: oldest first;
// handled: newest first) to its leads.
func (s *Service) Reports(ctx context.Context, actor *account.User, communityID int64, status discussion.ReportStatus) (*ReportQueue, error) {
	c, a, err := s.community(ctx, actor, communityID)
	if err != nil {
		return nil, err
	}
	if !a.Lead {
		return nil, errForbidden
	}
	switch status {
	case discussion.ReportOpen, discussion.ReportHidden, discussion.ReportDismissed:
	default:
		status = discussion.ReportOpen
	}
	rs, err := s.db.R().Reports(ctx, c.Space.ID, status, MaxReportsShown)
	if err != nil {
		return nil, err
	}
	return &ReportQueue{Community: c, Access: a, Status: status, Reports: rs}, nil
}

// DecideReport answers an open report (leads): hide the post, or dismiss
// the report. It returns the report's community.
func (s *Service) DecideReport(ctx context.Context, actor *account.User, reportID int64, hide bool) (int64, error) {
	if actor == nil {
		return 0, errUnauthorized
	}
	r, err := s.db.R().ReportByID(ctx, reportID)
	if err != nil {
		return 0, err
	}
	p, err := s.post(ctx, actor, r.PostType, r.PostID)
	if err != nil {
		return 0, err
	}
	if !p.Access.Lead {
		return 0, errForbidden
	}
	if r.Status != discussion.ReportOpen {
		return r.SpaceID, apperr.New(apperr.Conflict, "discussion.report.closed")
	}
	return r.SpaceID, s.db.Tx(ctx, func(q *store.Q) error {
		if hide {
			return s.hide(ctx, q, actor, p, true)
		}
		closed, err := q.CloseReport(ctx, reportID, discussion.ReportDismissed, actor.ID, s.Now())
		if err != nil {
			return err
		}
		if !closed {
			return apperr.New(apperr.Conflict, "discussion.report.closed")
		}
		return s.recordPost(ctx, q, actor, p.Community, discussion.VerbDismissed, p.objType(), p.ID,
			map[string]any{"topic_id": p.Topic.ID, "report_id": reportID})
	})
}

package service

import (
	"context"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The code book and coding: codes in a tree, renamed, moved, merged and
// deleted; segments of transcripts coded with them.

// InterviewCodeBook returns a project's code book.
func (s *Service) InterviewCodeBook(ctx context.Context, viewer *account.User, projectID int64) (*interview.Book, error) {
	if _, _, err := s.interviewProject(ctx, s.db.R(), viewer, projectID); err != nil {
		return nil, err
	}
	codes, err := s.db.R().InterviewCodes(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return interview.NewBook(codes), nil
}

// CreateInterviewCode adds a code to a project's code book.
func (s *Service) CreateInterviewCode(ctx context.Context, actor *account.User, projectID int64, in interview.CodeInput) (*interview.Code, error) {
	p, _, err := s.interviewProject(ctx, s.db.R(), actor, projectID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	c := &interview.Code{ProjectID: p.ID, ParentID: in.ParentID, Name: in.Name, Definition: in.Definition, Example: in.Example,
		CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		codes, err := q.InterviewCodes(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(codes) >= interview.MaxCodes {
			return &apperr.Error{Code: apperr.Conflict, Key: "interview.error.too_many_codes", Args: map[string]any{"max": interview.MaxCodes}}
		}
		if err := interview.NewBook(codes).CheckParent(0, c.ParentID); err != nil {
			return err
		}
		if err := q.CreateInterviewCode(ctx, c); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Created, ObjInterviewCode, c.ID, map[string]any{"name": c.Name})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// InterviewCode returns a code, its project and the viewer's access.
func (s *Service) InterviewCode(ctx context.Context, viewer *account.User, id int64) (*interview.Code, *interview.Project, InterviewAccess, error) {
	if viewer == nil {
		return nil, nil, InterviewAccess{}, errUnauthorized
	}
	c, err := s.db.R().InterviewCodeByID(ctx, id)
	if err != nil {
		return nil, nil, InterviewAccess{}, err
	}
	p, a, err := s.interviewProject(ctx, s.db.R(), viewer, c.ProjectID)
	if err != nil {
		return nil, nil, a, err
	}
	return c, p, a, nil
}

// UpdateInterviewCode renames a code, rewrites its definition and example,
// or moves it in the tree. Its segments keep it: renaming recodes nothing.
// Renaming or moving another member's code changes what their coding
// means, so only the code's maker or the owner may do it.
func (s *Service) UpdateInterviewCode(ctx context.Context, actor *account.User, id int64, in interview.CodeInput) (*interview.Code, error) {
	c, p, a, err := s.InterviewCode(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	renamed := c.Name != in.Name
	if (renamed || c.ParentID != in.ParentID) && !a.Removes(actor.ID, c.CreatedBy) {
		return nil, errForbidden
	}
	details := map[string]any{"name": in.Name}
	if renamed {
		details["old_name"] = c.Name
	}
	c.Name, c.Definition, c.Example, c.ParentID, c.UpdatedAt = in.Name, in.Definition, in.Example, in.ParentID, s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		codes, err := q.InterviewCodes(ctx, p.ID)
		if err != nil {
			return err
		}
		if err := interview.NewBook(codes).CheckParent(c.ID, c.ParentID); err != nil {
			return err
		}
		if err := q.UpdateInterviewCode(ctx, c); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Updated, ObjInterviewCode, c.ID, details)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// MergeResult says what merging two codes did.
type MergeResult struct {
	Into    *interview.Code
	Moved   int // segments that now carry the code merged into
	Dropped int // duplicates: passages already coded with it
}

// MergeInterviewCode folds code from into code into, as researchers do when
// two codes turn out to mean the same: from's segments move to into (a
// passage coded with both keeps one segment), from's children move under
// into, and from is deleted. Its maker or the owner may merge it.
func (s *Service) MergeInterviewCode(ctx context.Context, actor *account.User, from, into int64) (*MergeResult, error) {
	c, p, a, err := s.InterviewCode(ctx, actor, from)
	if err != nil {
		return nil, err
	}
	if !a.Removes(actor.ID, c.CreatedBy) {
		return nil, errForbidden
	}
	res := &MergeResult{}
	now := s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		codes, err := q.InterviewCodes(ctx, p.ID)
		if err != nil {
			return err
		}
		book := interview.NewBook(codes)
		if err := book.CheckMerge(c.ID, into); err != nil {
			return err
		}
		res.Into, _ = book.Code(into)
		if res.Moved, res.Dropped, err = q.MergeInterviewCodes(ctx, c.ID, into, now.UnixMilli()); err != nil {
			return err
		}
		if err := q.ReparentInterviewCodes(ctx, c.ID, into, now.UnixMilli()); err != nil {
			return err
		}
		if err := q.DeleteInterviewCode(ctx, c.ID); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, VerbMerged, ObjInterviewCode, c.ID, map[string]any{"name": c.Name,
			"into": into, "moved": res.Moved, "dropped": res.Dropped})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// DeleteInterviewCode removes a code with its segments (its maker or the
// owner); its children move up to its parent.
func (s *Service) DeleteInterviewCode(ctx context.Context, actor *account.User, id int64) (*interview.Project, error) {
	c, p, a, err := s.InterviewCode(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Removes(actor.ID, c.CreatedBy) {
		return nil, errForbidden
	}
	return p, s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.ReparentInterviewCodes(ctx, c.ID, c.ParentID, s.Now().UnixMilli()); err != nil {
			return err
		}
		if err := q.DeleteInterviewCode(ctx, c.ID); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Deleted, ObjInterviewCode, c.ID, map[string]any{"name": c.Name,
			"segments": c.Segments})
	})
}

// InterviewCodeSegments lists the passages coded with a code or any code
// below it, with the total.
func (s *Service) InterviewCodeSegments(ctx context.Context, viewer *account.User, codeID int64, limit, offset int) ([]*interview.Segment, int, error) {
	c, p, _, err := s.InterviewCode(ctx, viewer, codeID)
	if err != nil {
		return nil, 0, err
	}
	codes, err := s.db.R().InterviewCodes(ctx, p.ID)
	if err != nil {
		return nil, 0, err
	}
	return s.db.R().InterviewSegmentsOfCodes(ctx, p.ID, interview.NewBook(codes).Subtree(c.ID), limit, offset)
}

// SegmentInput is one act of coding: which code, which passage, and a memo.
type SegmentInput struct {
	CodeID    int64
	Selection interview.Selection
	Memo      string
}

// CodeInterviewSegment codes a passage of a record's transcript. The
// passage is resolved against the transcript as stored at that moment,
// inside the transaction, so offsets can never point past an edit.
func (s *Service) CodeInterviewSegment(ctx context.Context, actor *account.User, recordID int64, in SegmentInput) (*interview.Segment, error) {
	if _, _, _, err := s.InterviewRecord(ctx, actor, recordID); err != nil {
		return nil, err
	}
	memo, err := interview.ValidateMemo(in.Memo)
	if err != nil {
		return nil, err
	}
	var seg *interview.Segment
	err = s.db.Tx(ctx, func(q *store.Q) error {
		r, err := q.InterviewRecordByID(ctx, recordID)
		if err != nil {
			return err
		}
		p, _, err := s.interviewProject(ctx, q, actor, r.ProjectID)
		if err != nil {
			return err
		}
		c, err := q.InterviewCodeByID(ctx, in.CodeID)
		if apperr.Is(err, apperr.NotFound) || err == nil && c.ProjectID != p.ID {
			f := apperr.Fields{}
			f.Add("code", "interview.error.code_required")
			return f.Err()
		}
		if err != nil {
			return err
		}
		sp, err := interview.Resolve(r.Transcript, in.Selection)
		if err != nil {
			return err
		}
		if r.Segments >= interview.MaxSegmentsPerRecord {
			return &apperr.Error{Code: apperr.Conflict, Key: "interview.error.too_many_segments",
				Args: map[string]any{"max": interview.MaxSegmentsPerRecord}}
		}
		quote, _ := interview.Slice(r.Transcript, sp.Start, sp.End)
		now := s.Now()
		seg = &interview.Segment{ProjectID: p.ID, RecordID: r.ID, CodeID: c.ID, Start: sp.Start, End: sp.End, Quote: quote,
			Memo: memo, CoderID: actor.ID, CreatedAt: now, UpdatedAt: now, CoderName: actor.Name(), CodeName: c.Name,
			Pseudonym: r.Pseudonym}
		if err := q.CreateInterviewSegment(ctx, seg); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Created, ObjInterviewSegment, seg.ID, map[string]any{"record_id": r.ID,
			"code_id": c.ID, "name": c.Name})
	})
	if err != nil {
		return nil, err
	}
	return seg, nil
}

// InterviewSegments lists a record's segments in transcript order.
func (s *Service) InterviewSegments(ctx context.Context, viewer *account.User, recordID int64) ([]*interview.Segment, error) {
	if _, _, _, err := s.InterviewRecord(ctx, viewer, recordID); err != nil {
		return nil, err
	}
	return s.db.R().InterviewSegmentsOfRecord(ctx, recordID)
}

// interviewSegment loads a segment with its project and the viewer's access.
func (s *Service) interviewSegment(ctx context.Context, viewer *account.User, id int64) (*interview.Segment, *interview.Project, InterviewAccess, error) {
	if viewer == nil {
		return nil, nil, InterviewAccess{}, errUnauthorized
	}
	sg, err := s.db.R().InterviewSegmentByID(ctx, id)
	if err != nil {
		return nil, nil, InterviewAccess{}, err
	}
	p, a, err := s.interviewProject(ctx, s.db.R(), viewer, sg.ProjectID)
	if err != nil {
		return nil, nil, a, err
	}
	return sg, p, a, nil
}

// UpdateInterviewSegmentMemo rewrites a segment's memo (its coder or the owner).
func (s *Service) UpdateInterviewSegmentMemo(ctx context.Context, actor *account.User, id int64, memo string) (*interview.Segment, error) {
	sg, p, a, err := s.interviewSegment(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Removes(actor.ID, sg.CoderID) {
		return nil, errForbidden
	}
	if sg.Memo, err = interview.ValidateMemo(memo); err != nil {
		return nil, err
	}
	sg.UpdatedAt = s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateInterviewSegment(ctx, sg); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Updated, ObjInterviewSegment, sg.ID, map[string]any{"record_id": sg.RecordID})
	})
	return sg, err
}

// DeleteInterviewSegment uncodes a passage (its coder or the owner) and
// returns the segment as it was.
func (s *Service) DeleteInterviewSegment(ctx context.Context, actor *account.User, id int64) (*interview.Segment, error) {
	sg, p, a, err := s.interviewSegment(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Removes(actor.ID, sg.CoderID) {
		return nil, errForbidden
	}
	return sg, s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteInterviewSegment(ctx, sg.ID); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Deleted, ObjInterviewSegment, sg.ID, map[string]any{"record_id": sg.RecordID,
			"code_id": sg.CodeID})
	})
}

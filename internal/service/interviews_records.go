package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Interview outlines and records, with their recordings.

// CreateInterviewOutline adds an outline to a project.
func (s *Service) CreateInterviewOutline(ctx context.Context, actor *account.User, projectID int64, in interview.OutlineInput) (*interview.Outline, error) {
	p, _, err := s.interviewProject(ctx, s.db.R(), actor, projectID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	o := &interview.Outline{ProjectID: p.ID, Title: in.Title, Intro: in.Intro, Questions: in.Questions, CreatedBy: actor.ID,
		CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		n, err := q.CountInterviewOutlines(ctx, p.ID)
		if err != nil {
			return err
		}
		if n >= interview.MaxOutlines {
			return &apperr.Error{Code: apperr.Conflict, Key: "interview.error.too_many_outlines", Args: map[string]any{"max": interview.MaxOutlines}}
		}
		if err := q.CreateInterviewOutline(ctx, o); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Created, ObjInterviewOutline, o.ID, map[string]any{"title": o.Title})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// InterviewOutline returns an outline of a project on the viewer's team.
func (s *Service) InterviewOutline(ctx context.Context, viewer *account.User, id int64) (*interview.Outline, *interview.Project, InterviewAccess, error) {
	o, err := s.db.R().InterviewOutlineByID(ctx, id)
	if err != nil {
		return nil, nil, InterviewAccess{}, err
	}
	p, a, err := s.interviewProject(ctx, s.db.R(), viewer, o.ProjectID)
	if err != nil {
		return nil, nil, a, err
	}
	return o, p, a, nil
}

// InterviewOutlines lists a project's outlines.
func (s *Service) InterviewOutlines(ctx context.Context, viewer *account.User, projectID int64) ([]*interview.Outline, error) {
	if _, _, err := s.interviewProject(ctx, s.db.R(), viewer, projectID); err != nil {
		return nil, err
	}
	return s.db.R().InterviewOutlines(ctx, projectID)
}

// UpdateInterviewOutline replaces an outline's title, introduction and
// questions. Rewriting an outline can erase it as surely as deleting it, so
// the same rule holds: only its maker or the owner.
func (s *Service) UpdateInterviewOutline(ctx context.Context, actor *account.User, id int64, in interview.OutlineInput) (*interview.Outline, error) {
	o, p, a, err := s.InterviewOutline(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Removes(actor.ID, o.CreatedBy) {
		return nil, errForbidden
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	o.Title, o.Intro, o.Questions, o.UpdatedAt = in.Title, in.Intro, in.Questions, s.Now()
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateInterviewOutline(ctx, o); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Updated, ObjInterviewOutline, o.ID, map[string]any{"title": o.Title})
	})
	return o, err
}

// DeleteInterviewOutline removes an outline (its maker or the owner);
// records that followed it keep their transcripts.
func (s *Service) DeleteInterviewOutline(ctx context.Context, actor *account.User, id int64) (*interview.Project, error) {
	o, p, a, err := s.InterviewOutline(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.Removes(actor.ID, o.CreatedBy) {
		return nil, errForbidden
	}
	return p, s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteInterviewOutline(ctx, o.ID); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Deleted, ObjInterviewOutline, o.ID, map[string]any{"title": o.Title})
	})
}

// checkOutline reports a field error unless outlineID is 0 or an outline of the project.
func checkOutline(ctx context.Context, q *store.Q, projectID, outlineID int64) error {
	if outlineID == 0 {
		return nil
	}
	o, err := q.InterviewOutlineByID(ctx, outlineID)
	if apperr.Is(err, apperr.NotFound) || err == nil && o.ProjectID != projectID {
		f := apperr.Fields{}
		f.Add("outline", "form.invalid_choice")
		return f.Err()
	}
	return err
}

// storeInterviewAudio checks and stores a recording before any transaction
// opens, so a slow upload never holds the writer. Only audio that
// browsers play is accepted, by its bytes, up to MaxAudioBytes.
func (s *Service) storeInterviewAudio(ctx context.Context, up *Upload) (*interview.Audio, error) {
	if up == nil {
		return nil, nil
	}
	if s.blobs == nil {
		return nil, errors.New("recordings need file storage, and none is configured")
	}
	f := apperr.Fields{}
	name := discussion.CleanFileName(up.Name)
	head := make([]byte, interview.SniffBytes)
	n, err := io.ReadFull(up.Body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read recording %q: %w", name, err)
	}
	head = head[:n]
	if n == 0 {
		f.Add("audio", "interview.error.audio_empty")
		return nil, f.Err()
	}
	ctype, ok := interview.SniffAudio(head)
	if !ok {
		f.Add("audio", "interview.error.audio_unsupported", "name", name)
		return nil, f.Err()
	}
	body := &cappedReader{r: io.MultiReader(bytes.NewReader(head), up.Body), left: interview.MaxAudioBytes}
	key, err := s.blobs.Save(ctx, body)
	if errors.Is(err, errAttachmentTooLarge) {
		args := map[string]any{"max": interview.MaxAudioBytes >> 20}
		return nil, &apperr.Error{Code: apperr.TooLarge, Key: "interview.error.audio_too_large", Args: args, Err: err,
			Fields: map[string]apperr.FieldError{"audio": {Key: "interview.error.audio_too_large", Args: args}}}
	}
	if err != nil {
		return nil, fmt.Errorf("store recording %q: %w", name, err)
	}
	return &interview.Audio{Key: key, Name: name, ContentType: ctype, Size: body.read}, nil
}

// CreateInterviewRecord adds an interview to a project, with its recording
// when audio is not nil.
func (s *Service) CreateInterviewRecord(ctx context.Context, actor *account.User, projectID int64, in interview.RecordInput, audio *Upload) (*interview.Record, error) {
	p, _, err := s.interviewProject(ctx, s.db.R(), actor, projectID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkOutline(ctx, s.db.R(), p.ID, in.OutlineID); err != nil {
		return nil, err
	}
	a, err := s.storeInterviewAudio(ctx, audio)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	r := recordFrom(in)
	r.ProjectID, r.Audio, r.CreatedBy, r.CreatedAt, r.UpdatedAt = p.ID, a, actor.ID, now, now
	err = s.db.Tx(ctx, func(q *store.Q) error {
		n, err := q.CountInterviewRecords(ctx, p.ID)
		if err != nil {
			return err
		}
		if n >= interview.MaxRecords {
			return &apperr.Error{Code: apperr.Conflict, Key: "interview.error.too_many_records", Args: map[string]any{"max": interview.MaxRecords}}
		}
		if err := q.CreateInterviewRecord(ctx, r); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Created, ObjInterviewRecord, r.ID,
			map[string]any{"name": r.Pseudonym, "audio": r.Audio != nil})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func recordFrom(in interview.RecordInput) *interview.Record {
	return &interview.Record{OutlineID: in.OutlineID, Pseudonym: in.Pseudonym, Gender: in.Gender, YearsBand: in.YearsBand,
		Title: in.Title, Location: in.Location, Subject: in.Subject, Attributes: in.Attributes, InterviewedOn: in.InterviewedOn,
		Interviewer: in.Interviewer, Transcript: in.Transcript}
}

// InterviewRecord returns a record with its transcript, its project and
// the viewer's access.
func (s *Service) InterviewRecord(ctx context.Context, viewer *account.User, id int64) (*interview.Record, *interview.Project, InterviewAccess, error) {
	if viewer == nil {
		return nil, nil, InterviewAccess{}, errUnauthorized
	}
	r, err := s.db.R().InterviewRecordByID(ctx, id)
	if err != nil {
		return nil, nil, InterviewAccess{}, err
	}
	p, a, err := s.interviewProject(ctx, s.db.R(), viewer, r.ProjectID)
	if err != nil {
		return nil, nil, a, err
	}
	return r, p, a, nil
}

// InterviewRecords lists a project's records without their transcripts.
func (s *Service) InterviewRecords(ctx context.Context, viewer *account.User, projectID int64) ([]*interview.Record, error) {
	if _, _, err := s.interviewProject(ctx, s.db.R(), viewer, projectID); err != nil {
		return nil, err
	}
	return s.db.R().InterviewRecords(ctx, projectID)
}

// RecordUpdate is an edit of a record: its fields, and what happens to the
// recording (a new one replaces it; RemoveAudio drops it). KeepTranscript
// leaves the transcript as it is, whatever Input holds: the edit form of a
// member who may not change it (RecordRights) does not offer it.
type RecordUpdate struct {
	Input          interview.RecordInput
	Audio          *Upload
	RemoveAudio    bool
	KeepTranscript bool
}

// UpdateInterviewRecord changes a record. When the transcript changes, its
// segments follow their quoted passages (interview.Reanchor); it returns
// how many segments lost their passage and became stale.
//
// Removing or replacing the recording and changing the transcript destroy
// another member's work as surely as deleting the record, so they follow
// the deletion rule: only the record's maker or the owner. Any coder may
// still correct the descriptive fields (pseudonym, outline, attributes).
func (s *Service) UpdateInterviewRecord(ctx context.Context, actor *account.User, id int64, up RecordUpdate) (*interview.Record, int, error) {
	old, p, a, err := s.InterviewRecord(ctx, actor, id)
	if err != nil {
		return nil, 0, err
	}
	in := up.Input
	if err := in.Validate(); err != nil {
		return nil, 0, err
	}
	if up.KeepTranscript {
		in.Transcript = old.Transcript
	}
	rt := a.RecordRights(actor.ID, old)
	if (up.RemoveAudio && old.Audio != nil || up.Audio != nil) && !rt.Audio || in.Transcript != old.Transcript && !rt.Transcript {
		return nil, 0, errForbidden
	}
	if err := checkOutline(ctx, s.db.R(), p.ID, in.OutlineID); err != nil {
		return nil, 0, err
	}
	audio, err := s.storeInterviewAudio(ctx, up.Audio)
	if err != nil {
		return nil, 0, err
	}
	r := recordFrom(in)
	r.ID, r.ProjectID, r.CreatedBy, r.CreatedAt, r.UpdatedAt = old.ID, old.ProjectID, old.CreatedBy, old.CreatedAt, s.Now()
	switch {
	case audio != nil:
		r.Audio = audio
	case !up.RemoveAudio:
		r.Audio = old.Audio
	}
	stale := 0
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateInterviewRecord(ctx, r); err != nil {
			return err
		}
		if r.Transcript != old.Transcript {
			segs, err := q.InterviewSegmentsOfRecord(ctx, r.ID)
			if err != nil {
				return err
			}
			for _, sg := range interview.Reanchor(r.Transcript, segs) {
				sg.UpdatedAt = r.UpdatedAt
				if err := q.UpdateInterviewSegment(ctx, sg); err != nil {
					return err
				}
			}
			for _, sg := range segs {
				if sg.Stale {
					stale++
				}
			}
		}
		return s.interviewEvent(ctx, q, actor, p, event.Updated, ObjInterviewRecord, r.ID, map[string]any{"name": r.Pseudonym,
			"transcript": r.Transcript != old.Transcript, "audio": audioKey(r.Audio) != audioKey(old.Audio)})
	})
	if err != nil {
		return nil, 0, err
	}
	return r, stale, nil
}

func audioKey(a *interview.Audio) string {
	if a == nil {
		return ""
	}
	return a.Key
}

// DeleteInterviewRecord removes a record and its segments (its maker or the owner).
func (s *Service) DeleteInterviewRecord(ctx context.Context, actor *account.User, id int64) (*interview.Project, error) {
	r, p, a, err := s.InterviewRecord(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.RecordRights(actor.ID, r).Delete {
		return nil, errForbidden
	}
	return p, s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteInterviewRecord(ctx, r.ID); err != nil {
			return err
		}
		return s.interviewEvent(ctx, q, actor, p, event.Deleted, ObjInterviewRecord, r.ID, map[string]any{"name": r.Pseudonym})
	})
}

// InterviewAudio returns a record's recording for a member of its team, and
// when the record last changed (for conditional requests).
func (s *Service) InterviewAudio(ctx context.Context, viewer *account.User, recordID int64) (*interview.Audio, *interview.Record, error) {
	r, _, _, err := s.InterviewRecord(ctx, viewer, recordID)
	if err != nil {
		return nil, nil, err
	}
	if r.Audio == nil {
		return nil, nil, errInterviewNotFound
	}
	return r.Audio, r, nil
}

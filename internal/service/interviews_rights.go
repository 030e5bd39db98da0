package service

import "github.com/yanxiu/yanxiu/internal/interview"

// InterviewRecordRights is what one team member may do with one record,
// so that pages offer only the controls that will work. The service checks
// the same rules again on every change (UpdateInterviewRecord,
// DeleteInterviewRecord); these only decide what is shown.
type InterviewRecordRights struct {
	// Describe: change the pseudonym, grouping attributes, outline, date
	// and interviewer; any member of the team, to correct them.
	Describe bool
	// Transcript: change the transcript, which moves or strands everyone's
	// coded segments; the record's maker or the project's owner.
	Transcript bool
	// Audio: replace or remove the recording; as Transcript.
	Audio bool
	// Delete the record and its segments; as Transcript.
	Delete bool
}

// RecordRights works out what the member viewerID may do with r. A new
// record (r nil) is the viewer's own.
func (a InterviewAccess) RecordRights(viewerID int64, r *interview.Record) InterviewRecordRights {
	if a.Role == "" {
		return InterviewRecordRights{}
	}
	maker := r == nil || a.Removes(viewerID, r.CreatedBy)
	return InterviewRecordRights{Describe: true, Transcript: maker, Audio: maker, Delete: r != nil && maker}
}

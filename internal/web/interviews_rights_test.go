package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestInterviewRecordControlsFollowRights: a co-researcher who did not add
// a record is offered only what they may change on its edit page (the
// descriptive fields, not the transcript or the recording) and no delete
// button on its page, and the server still refuses what the page no longer
// offers. The record's maker and the owner get every control.
func TestInterviewRecordControlsFollowRights(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newInterviewWorld(t, e)
			base := w.srv.URL
			ownerRec := w.createRecord(t, w.ownerC, "教师Z", "male", interviewTranscript, true)
			teacherRec := w.createRecord(t, w.teacherC, "教师A", "female", interviewTranscript, true)
			makerOnly := "只有添加这条记录的人或项目负责人可以修改转录稿和录音"
			controls := []string{`name="transcript"`, `name="audio"`, `name="remove_audio"`}
			checkPages(t, base, []pageCase{
				{"a co-researcher's edit form of another's record", w.teacherC.c, ownerRec + "/edit", 200,
					[]string{`name="pseudonym"`, `name="interviewer"`, makerOnly}, controls},
				{"a co-researcher's view of another's record", w.teacherC.c, ownerRec, 200, []string{"/edit"},
					[]string{`action="` + ownerRec + `/delete"`}},
				{"the maker's edit form", w.teacherC.c, teacherRec + "/edit", 200, controls, []string{makerOnly}},
				{"the maker's view", w.teacherC.c, teacherRec, 200, []string{`action="` + teacherRec + `/delete"`}, nil},
				{"the owner's edit form of another's record", w.ownerC.c, teacherRec + "/edit", 200, controls, []string{makerOnly}},
				{"the owner's view of another's record", w.ownerC.c, teacherRec, 200, []string{`action="` + teacherRec + `/delete"`}, nil},
			})

			// The reduced form saves: the descriptive fields change, the
			// transcript and the recording stay.
			edit := url.Values{"pseudonym": {"教师Y"}, "gender": {"male"}, "years_band": {"6_10"}, "location": {"rural"},
				"interviewed_on": {"2026-05-04"}, "interviewer": {"李娜"}}
			if code, body, _ := w.teacherC.multipartPost(t, base, ownerRec, edit, nil); code != http.StatusSeeOther {
				t.Fatalf("saving the reduced form: %d\n%s", code, body)
			}
			_, page := get(t, w.teacherC.c, base+ownerRec)
			if got := transcriptText(t, page); got != interviewTranscript || !strings.Contains(page, "教师Y") ||
				!strings.Contains(page, ownerRec+"/audio") {
				t.Fatalf("after the reduced form: transcript %q, page has the new pseudonym %v, the recording %v", got,
					strings.Contains(page, "教师Y"), strings.Contains(page, ownerRec+"/audio"))
			}

			// The server still refuses what the page no longer offers.
			forged := url.Values{}
			for k, v := range edit {
				forged[k] = v
			}
			forged.Set("transcript", "答：改写。")
			if code, _, _ := w.teacherC.multipartPost(t, base, ownerRec, forged, nil); code != http.StatusForbidden {
				t.Fatalf("a forged transcript: %d, want 403", code)
			}
			forged.Del("transcript")
			forged.Set("remove_audio", "1")
			if code, _, _ := w.teacherC.multipartPost(t, base, ownerRec, forged, nil); code != http.StatusForbidden {
				t.Fatalf("a forged removal of the recording: %d, want 403", code)
			}
			if code, _, _ := w.teacherC.multipartPost(t, base, ownerRec, edit, map[string][2]string{"audio": {"新.mp3", fakeMP3}}); code != http.StatusForbidden {
				t.Fatalf("a forged new recording: %d, want 403", code)
			}
			if code, _, _ := w.teacherC.post(t, base, ownerRec+"/delete", nil); code != http.StatusForbidden {
				t.Fatalf("a forged deletion: %d, want 403", code)
			}
		})
	}
}

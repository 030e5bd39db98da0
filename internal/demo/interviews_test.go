package demo_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/interview"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestDemoInterviews checks the small demo's interview study through the
// service, as the expert and the facilitator see it, and that no one else
// does.
func TestDemoInterviews(t *testing.T) {
	db, _ := testkit.Engines()[0].Open(t)
	ctx := context.Background()
	res := seedSmall(t, db, 3)
	if n, err := db.R().CountEvents(ctx, store.EventFilter{}); err != nil || n != res.Events {
		t.Fatalf("events in the log = %d, %v; Result says %d", n, err, res.Events)
	}
	svc := newService(db)
	user := func(name string) *account.User {
		u, err := svc.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	expert, facilitator, teacher := user("expert"), user("facilitator"), user("teacher")
	ps, total, err := svc.InterviewProjects(ctx, facilitator, 10, 0)
	if err != nil || total != 1 {
		t.Fatalf("facilitator's projects: %d %v", total, err)
	}
	p := ps[0]
	if p.OwnerID != expert.ID || p.Records != 8 || p.Codes != 11 || p.Segments < 8 {
		t.Fatalf("demo project %+v", p)
	}
	if _, _, err := svc.InterviewProject(ctx, teacher, p.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("the demo teacher sees the study: %v", err)
	}
	recs, err := svc.InterviewRecords(ctx, expert, p.ID)
	if err != nil || len(recs) != 8 {
		t.Fatalf("records %d %v", len(recs), err)
	}
	coded := 0
	for _, r := range recs {
		full, _, _, err := svc.InterviewRecord(ctx, expert, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		segs, err := svc.InterviewSegments(ctx, expert, r.ID)
		if err != nil || len(segs) < 5 {
			t.Fatalf("%s has %d segments (%v)", r.Pseudonym, len(segs), err)
		}
		for _, s := range segs {
			if text, ok := interview.Slice(full.Transcript, s.Start, s.End); !ok || text != s.Quote || s.Stale {
				t.Errorf("%s: segment %q at %d-%d reads %q", r.Pseudonym, s.Quote, s.Start, s.End, text)
			}
		}
		coded += len(segs)
		if r.Gender == "" || r.YearsBand == "" || r.Location == "" || r.Attribute("学段") == "" || r.OutlineID == 0 {
			t.Errorf("%s lacks an attribute: %+v", r.Pseudonym, r)
		}
	}
	if coded != p.Segments {
		t.Fatalf("%d segments in records, project says %d", coded, p.Segments)
	}
	for _, by := range append([]string{"attr:学段"}, interview.Groupings...) {
		fr, err := svc.InterviewFrequencies(ctx, facilitator, p.ID, by)
		if err != nil || len(fr.Rows) != 11 || fr.Rows[0].Records == 0 || len(fr.Groups) < 2 {
			t.Fatalf("frequencies by %s: %+v %v", by, fr, err)
		}
	}
	// Re-seeding gives the same study.
	db2, _ := testkit.Engines()[0].Open(t)
	seedSmall(t, db2, 3)
	a, _ := db.R().InterviewSegments(ctx, p.ID)
	b, _ := db2.R().InterviewSegments(ctx, p.ID)
	if len(a) != len(b) {
		t.Fatalf("seed 3 gave %d and %d segments", len(a), len(b))
	}
	for i := range a {
		if a[i].Quote != b[i].Quote || a[i].Start != b[i].Start {
			t.Fatalf("segment %d differs between seeds: %+v %+v", i, a[i], b[i])
		}
	}
}

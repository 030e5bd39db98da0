package service_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestCompareConflictAndRevert(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		in := resource.Input{Title: "认识分数 教学设计", DocType: resource.LessonPlan, Visibility: resource.VisPublic}
		doc, err := w.svc.CreateDocument(ctx, w.teacher, 0, in, map[string]string{"objectives": "认识几分之一", "process": "导入\n新授"})
		if err != nil {
			t.Fatal(err)
		}
		base := doc.RevisionID
		r2, err := w.svc.SaveRevision(ctx, w.teacher, doc.ID, base, in.Title,
			map[string]string{"objectives": "认识几分之一", "process": "导入\n新授\n练习"}, "加练习")
		if err != nil {
			t.Fatal(err)
		}
		// The diff, per section.
		c, err := w.svc.CompareRevisions(ctx, w.stranger, doc.ID, base, r2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Sections[0].Changed || !c.Sections[2].Changed || c.Sections[2].Lines[2] != (resource.DiffLine{Op: resource.DiffInsert, Text: "练习"}) {
			t.Errorf("diff %+v", c.Sections)
		}
		other, err := w.svc.CreateDocument(ctx, w.teacher, 0, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.CompareRevisions(ctx, w.stranger, doc.ID, other.RevisionID, r2.ID)
		wantCode(t, err, apperr.NotFound) // a revision of another document

		// A stale save: the conflict screen shows both changes and a merge.
		mine := map[string]string{"objectives": "认识几分之一，会读写分数", "process": "导入\n新授"}
		_, err = w.svc.SaveRevision(ctx, w.teacher, doc.ID, base, in.Title, mine, "")
		wantCode(t, err, apperr.Conflict)
		ec, err := w.svc.EditConflict(ctx, w.teacher, doc.ID, base, in.Title, mine)
		if err != nil {
			t.Fatal(err)
		}
		if ec.Current.ID != r2.ID || ec.Base.ID != base || !ec.Theirs[2].Changed || !ec.Yours[0].Changed || ec.Yours[2].Changed {
			t.Errorf("conflict %+v", ec)
		}
		if ec.Merged.Text("objectives") != "认识几分之一，会读写分数" || ec.Merged.Text("process") != "导入\n新授\n练习" || len(ec.Clashes) != 0 {
			t.Errorf("merge %+v clashes %v", ec.Merged, ec.Clashes)
		}
		_, err = w.svc.EditConflict(ctx, nil, doc.ID, base, in.Title, mine)
		wantCode(t, err, apperr.Unauthorized)

		// Revert: a new revision with the old content, refused from a stale base.
		_, err = w.svc.RevertRevision(ctx, w.teacher, doc.ID, base, base, "恢复")
		wantCode(t, err, apperr.Conflict)
		_, err = w.svc.RevertRevision(ctx, w.stranger, doc.ID, base, r2.ID, "恢复")
		wantCode(t, err, apperr.Forbidden)
		r3, err := w.svc.RevertRevision(ctx, w.teacher, doc.ID, base, r2.ID, "恢复到第 1 版")
		if err != nil {
			t.Fatal(err)
		}
		if r3.Number != 3 || r3.Body.Text("process") != "导入\n新授" || r3.Note != "恢复到第 1 版" {
			t.Errorf("revert %+v", r3)
		}
	})
}

package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/doctext"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// hLibrary is the happening of one library event: its idx points into
// world.libEvents. Library events go through the event stream like every
// other, so that the log's IDs keep growing with time.
const hLibrary = hNotice + 1

// verbResourceExtracted is the service's text-extraction verb (kept equal
// by TestResourceVerbsMatchService).
const verbResourceExtracted event.Verb = "text_extracted"

// extractDelay is how long after an upload the extraction job has run.
const extractDelay = 40 * time.Second

// storeLibraryFiles puts the planned files into the file store, as an
// upload would, and fills in what the upload learns: the key, the size,
// the format and the text the extraction job would index. It runs beside
// the database load (it touches only the plans' files and rows not yet
// written), and without a file store the file resources are left out.
func storeLibraryFiles(ctx context.Context, files blob.Store, plans []*libPlan) error {
	if files == nil {
		return nil
	}
	keys := map[string]blob.Object{} // identical files are stored once
	for _, lp := range plans {
		f := lp.file
		if f == nil {
			continue
		}
		obj, ok := keys[string(f.data)]
		if !ok {
			var err error
			if obj, err = files.Put(ctx, bytes.NewReader(f.data)); err != nil {
				return fmt.Errorf("store demo file %q: %w", f.name, err)
			}
			keys[string(f.data)] = obj
		}
		sniffed, ok := resource.Sniff(f.data[:min(len(f.data), resource.SniffBytes)])
		if !ok {
			return fmt.Errorf("demo file %q: unknown type", f.name)
		}
		format, ctype := sniffed.Format, sniffed.ContentType
		if sniffed.Container != resource.NoContainer {
			var err error
			if format, ctype, err = doctext.Inspect(bytes.NewReader(f.data), int64(len(f.data)), sniffed.Container); err != nil {
				return fmt.Errorf("demo file %q: %w", f.name, err)
			}
		}
		rs := lp.rs
		rs.BlobKey, rs.FileName, rs.Format, rs.ContentType, rs.Size = obj.Key, f.name, format, ctype, obj.Size
		if format.Extractable() {
			text, err := doctext.Extract(ctx, bytes.NewReader(f.data), int64(len(f.data)), ctype)
			if err != nil {
				return fmt.Errorf("demo file %q: %w", f.name, err)
			}
			f.text, rs.TextStatus = text, resource.TextDone
		}
	}
	return nil
}

// writeLibrary writes the planned library: each resource with its
// revisions and recommendation, as the services would have one by one, and
// keeps its events for the stream and its texts for indexLibrary, which
// the stream calls. It returns how many resources it wrote.
func (w *world) writeLibrary(ctx context.Context, q *store.Q) (int, error) {
	written := 0
	var instID int64 // the owner's school, where the service files a personal resource's events
	record := func(actor int64, at time.Time, verb event.Verb, rs *resource.Resource, details map[string]any) error {
		details["title"], details["visibility"] = rs.Title, rs.Visibility
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		w.libEvents = append(w.libEvents, event.Event{At: at, ActorID: actor, Verb: verb, ObjectType: "resource",
			ObjectID: rs.ID, SpaceID: rs.SpaceID, InstitutionID: instID,
			Context: string(b)})
		return nil
	}
	for _, lp := range w.lib {
		rs := lp.rs
		if lp.file != nil && rs.BlobKey == "" {
			continue // no file store
		}
		author := w.people[lp.author]
		instID = w.schools[author.school].space.ID
		// IDs and paths exist only now that people and schools are written.
		rs.SpaceID, rs.OwnerID, rs.InstPath = author.user.PersonalSpaceID, author.user.ID, w.schools[author.school].space.Path
		if err := q.CreateResource(ctx, rs); err != nil {
			return written, fmt.Errorf("demo resource %q: %w", rs.Title, err)
		}
		written++
		created := map[string]any{"kind": rs.Kind}
		switch rs.Kind {
		case resource.Document:
			created["doc_type"] = rs.DocType
		case resource.File:
			created["format"], created["size"] = rs.Format, rs.Size
		}
		if err := record(author.user.ID, rs.CreatedAt, event.Created, rs, created); err != nil {
			return written, err
		}
		body, at := "", rs.CreatedAt
		var baseID int64
		for k, texts := range lp.revs {
			b, err := resource.NewBody(rs.DocType, texts)
			if err != nil {
				return written, fmt.Errorf("demo document %q: %w", rs.Title, err)
			}
			at = lp.revAt[k]
			rev := &resource.Revision{ResourceID: rs.ID, AuthorID: author.user.ID, BaseID: baseID, Title: rs.Title, Body: b,
				CreatedAt: at}
			if k > 0 {
				rev.Note = "根据教研组意见修改"
			}
			if err := q.SaveRevision(ctx, rev); err != nil {
				return written, fmt.Errorf("demo revision of %q: %w", rs.Title, err)
			}
			baseID, rs.RevisionID, body = rev.ID, rev.ID, b.PlainText()
			if k > 0 {
				if err := record(author.user.ID, at, verbResourceRevised, rs, map[string]any{"revision": rev.Number}); err != nil {
					return written, err
				}
			}
		}
		if rs.TextStatus == resource.TextDone {
			body, at = lp.file.text, rs.CreatedAt.Add(extractDelay)
			if err := record(0, at, verbResourceExtracted, rs, map[string]any{"ok": true, "chars": len([]rune(body))}); err != nil {
				return written, err
			}
		}
		w.libIndex = append(w.libIndex, libIndexJob{rs: rs, body: body, at: at})
		if f := lp.feature; f != nil {
			inst := w.schools[author.school].space
			rev := &store.ResourceReview{ResourceID: rs.ID, InstitutionID: inst.ID, RecommendedBy: author.user.ID,
				Note: f.note, CreatedAt: f.recAt}
			if err := q.CreateReview(ctx, rev); err != nil {
				return written, err
			}
			ids := func() map[string]any { return map[string]any{"review_id": rev.ID, "institution_id": inst.ID} }
			if err := record(author.user.ID, f.recAt, verbResourceRecommended, rs, ids()); err != nil {
				return written, err
			}
			reviewer := w.people[f.reviewer].user.ID
			if err := q.DecideReview(ctx, rev, store.ReviewApproved, reviewer, f.comments, f.decAt); err != nil {
				return written, err
			}
			if err := record(reviewer, f.decAt, verbResourceFeatured, rs, ids()); err != nil {
				return written, err
			}
		}
	}
	w.log("resources: %d", written)
	return written, nil
}

// libIndexJob is one library resource's text to store and index.
type libIndexJob struct {
	rs   *resource.Resource
	body string
	at   time.Time
}

// libIndexChunk is how many resources one write of the pipe keeps the text of.
const libIndexChunk = 50

// indexLibrary keeps the library's texts, as the service does, through
// the events' write pipe, beside the generation of the events. The search
// index itself is built once at the end of the seed, in bulk
// (store.Q.ReindexAllResources), which costs a fraction of indexing the
// resources one by one.
func (w *world) indexLibrary(ctx context.Context, q *store.Q, pipe *writePipe) error {
	jobs := w.libIndex
	w.libIndex = nil
	for start := 0; start < len(jobs); start += libIndexChunk {
		chunk := jobs[start:min(start+libIndexChunk, len(jobs))]
		err := pipe.send(func() error {
			for _, j := range chunk {
				if err := q.SetResourceText(ctx, j.rs.ID, j.body, j.at.UnixMilli()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// libraryHappenings puts the library's events into the year's stream.
func (w *world) libraryHappenings() []happening {
	hs := make([]happening, len(w.libEvents))
	for i, e := range w.libEvents {
		hs[i] = happening{at: e.At.UnixMilli(), kind: hLibrary, idx: int32(i)}
	}
	return hs
}

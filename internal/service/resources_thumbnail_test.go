package service_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"os/exec"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/imaging"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// runThumbJobs runs the queued thumbnail jobs, as the runner would. The
// jobs stay in the table, so a second call runs them again: the handler
// must take that calmly.
func (w *resWorld) runThumbJobs(t *testing.T) {
	t.Helper()
	js, err := w.db.R().JobsOfKind(context.Background(), service.JobResourceThumbnail, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if err := w.svc.MakeResourceThumbnail(context.Background(), jobs.Job{ID: j.ID, Kind: j.Kind, Payload: []byte(j.Payload)}); err != nil {
			t.Fatalf("thumbnail job: %v", err)
		}
	}
}

// thumbOf reads a resource's thumbnail as viewer sees it.
func (w *resWorld) thumbOf(t *testing.T, viewer *account.User, id int64) image.Image {
	t.Helper()
	f, err := w.svc.OpenResourceThumbnail(context.Background(), viewer, id)
	if err != nil {
		t.Fatalf("open thumbnail of %d: %v", id, err)
	}
	defer f.Reader.Close()
	data, err := io.ReadAll(f.Reader)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("thumbnail of %d is not a JPEG: %v", id, err)
	}
	return img
}

func (w *resWorld) reload(t *testing.T, id int64) *resource.Resource {
	t.Helper()
	r, err := w.db.R().ResourceByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestImageUploadGetsAnUprightThumbnail(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		// A phone photo stored landscape (640×320, red left, blue right)
		// that is displayed turned clockwise: portrait, red on top.
		photo, err := w.upload(t, w.teacher, 0, pub("板书照片"), "IMG_0001.jpg", testkit.HalvesJPEG(640, 320, 6))
		if err != nil {
			t.Fatal(err)
		}
		png, err := w.upload(t, w.teacher, 0, pub("小图"), "small.png", testkit.PNG())
		if err != nil {
			t.Fatal(err)
		}
		if photo.ThumbKey != "" {
			t.Fatal("a thumbnail before the job ran: it must not be made in the upload request")
		}
		w.runThumbJobs(t)
		w.runThumbJobs(t) // a retried job changes nothing
		r := w.reload(t, photo.ID)
		if r.ThumbKey == "" || r.ThumbKey == r.BlobKey {
			t.Fatalf("thumbnail key %q (file %q)", r.ThumbKey, r.BlobKey)
		}
		img := w.thumbOf(t, w.colleague, photo.ID)
		// Displayed 320×640, fitted into 320×480: 240×480.
		if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 480 {
			t.Fatalf("thumbnail %v, want 240×480", b)
		}
		if top, bottom := img.At(120, 10), img.At(120, 470); !testkit.Near(top, testkit.Red) || !testkit.Near(bottom, testkit.Blue) {
			t.Errorf("top %v (want red), bottom %v (want blue): orientation ignored", top, bottom)
		}
		// A small picture keeps its size.
		if b := w.thumbOf(t, w.teacher, png.ID).Bounds(); b.Dx() != 4 || b.Dy() != 4 {
			t.Errorf("small picture's thumbnail %v", b)
		}
		// Listings carry the key, so cards can show the thumbnail.
		res, err := w.svc.SearchResources(context.Background(), w.colleague, service.ResourceQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range res.Items {
			if it.ID == photo.ID && it.ThumbKey != r.ThumbKey {
				t.Errorf("listing has thumbnail %q, want %q", it.ThumbKey, r.ThumbKey)
			}
		}
	})
}

func TestPDFUploadGetsAFirstPageThumbnail(t *testing.T) {
	if _, err := exec.LookPath(imaging.PDFToPPM); err != nil {
		t.Skip("pdftoppm is not installed (make doc-deps installs poppler-utils)")
	}
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		r, err := w.upload(t, w.teacher, 0, pub("分数 课件"), "课件.pdf", testkit.PDF("分数的初步认识", "第一页"))
		if err != nil {
			t.Fatal(err)
		}
		w.runThumbJobs(t)
		img := w.thumbOf(t, w.colleague, r.ID)
		// An A4 page, 320 wide and about 453 high.
		if b := img.Bounds(); b.Dx() != 320 || b.Dy() < 445 || b.Dy() > 460 {
			t.Errorf("first page thumbnail %v", b)
		}
		// Text extraction is untouched by it.
		w.runTextJobs(t)
		if got := w.reload(t, r.ID); got.TextStatus != resource.TextDone {
			t.Errorf("text status %q", got.TextStatus)
		}
	})
}

// Files of which no thumbnail can be made are stored and served as ever;
// they just have none, and asking for it is a 404.
func TestNoThumbnailForBrokenOrHugeFiles(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		var ids []int64
		for name, data := range map[string][]byte{
			"broken.pdf": testkit.BrokenPDF(),
			"bomb.png":   testkit.PNGClaiming(30000, 30000),
			"word.docx":  testkit.DOCX("教学目标"),
		} {
			r, err := w.upload(t, w.teacher, 0, pub(name), name, data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ids = append(ids, r.ID)
		}
		w.runThumbJobs(t)
		w.runTextJobs(t)
		for _, id := range ids {
			r := w.reload(t, id)
			if r.ThumbKey != "" {
				t.Errorf("%s: thumbnail %q", r.FileName, r.ThumbKey)
			}
			if _, err := w.svc.OpenResourceThumbnail(ctx, w.teacher, id); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s: thumbnail answer %v, want not found", r.FileName, err)
			}
			f, err := w.svc.OpenResourceFile(ctx, w.teacher, id, false)
			if err != nil {
				t.Errorf("%s: the file itself: %v", r.FileName, err)
				continue
			}
			f.Reader.Close()
		}
	})
}

func TestThumbnailFollowsTheResourcesVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		in := pub("私人照片")
		in.Visibility = resource.VisPrivate
		r, err := w.upload(t, w.teacher, 0, in, "me.jpg", testkit.HalvesJPEG(64, 32, 0))
		if err != nil {
			t.Fatal(err)
		}
		w.runThumbJobs(t)
		w.thumbOf(t, w.teacher, r.ID) // the owner sees it
		if _, err := w.svc.OpenResourceThumbnail(ctx, w.colleague, r.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("another teacher: %v, want not found", err)
		}
		if _, err := w.svc.OpenResourceThumbnail(ctx, nil, r.ID); !apperr.Is(err, apperr.Unauthorized) {
			t.Errorf("signed out: %v, want unauthorized", err)
		}
	})
}

// Identical pictures share one stored thumbnail: deleting one resource
// keeps it for the other (and for a reuse), and the last deletion
// removes it with the file.
func TestDeletingAResourceKeepsASharedThumbnail(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		data := testkit.HalvesJPEG(200, 100, 0)
		a, err := w.upload(t, w.teacher, 0, pub("照片甲"), "a.jpg", data)
		if err != nil {
			t.Fatal(err)
		}
		b, err := w.upload(t, w.teacher, 0, pub("照片乙"), "b.jpg", data)
		if err != nil {
			t.Fatal(err)
		}
		w.runThumbJobs(t)
		ra, rb := w.reload(t, a.ID), w.reload(t, b.ID)
		if ra.ThumbKey == "" || ra.ThumbKey != rb.ThumbKey {
			t.Fatalf("thumbnails %q and %q: identical pictures should share one", ra.ThumbKey, rb.ThumbKey)
		}
		// A colleague reuses one: the copy shows the same thumbnail at once.
		c, err := w.svc.ReuseResource(ctx, w.colleague, a.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if c.ThumbKey != ra.ThumbKey {
			t.Errorf("the copy's thumbnail %q, want %q", c.ThumbKey, ra.ThumbKey)
		}
		exists := func(key string) bool {
			ok, err := w.files.Exists(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		for _, step := range []struct {
			who  *account.User
			id   int64
			kept bool
		}{{w.teacher, a.ID, true}, {w.teacher, b.ID, true}, {w.colleague, c.ID, false}} {
			if err := w.svc.DeleteResource(ctx, step.who, step.id); err != nil {
				t.Fatal(err)
			}
			if exists(ra.ThumbKey) != step.kept || exists(ra.BlobKey) != step.kept {
				t.Errorf("after deleting %d: thumbnail stored %v, file stored %v, want %v", step.id,
					exists(ra.ThumbKey), exists(ra.BlobKey), step.kept)
			}
		}
		if n := storedFiles(t, w.filesDir); n != 0 {
			t.Errorf("%d files left after every resource was deleted", n)
		}
	})
}

// A job whose resource was deleted before it ran makes nothing.
func TestThumbnailOfADeletedResourceIsNotKept(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		r, err := w.upload(t, w.teacher, 0, pub("照片"), "a.jpg", testkit.HalvesJPEG(100, 50, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DeleteResource(ctx, w.teacher, r.ID); err != nil {
			t.Fatal(err)
		}
		w.runThumbJobs(t)
		if n := storedFiles(t, w.filesDir); n != 0 {
			t.Errorf("%d files stored for a deleted resource", n)
		}
	})
}

package api

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"testing"

	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// thumbnail fetches a resource's thumbnail; the answer is an image, so it
// is checked here rather than by call, and recorded as answered by hand.
func (f *fixture) thumbnail(t *testing.T, as string, id int64, etag string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/resources/%d/thumbnail", f.srv.URL, id), nil)
	req.Header.Set("Authorization", "Bearer "+f.token[as])
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode < 400 {
		if f.answered["resourceThumbnail"] == nil {
			f.answered["resourceThumbnail"] = map[int]bool{}
		}
		f.answered["resourceThumbnail"][res.StatusCode] = true
	}
	return res.StatusCode, res.Header, b
}

// exerciseThumbnail uploads a picture, runs its thumbnail job as the
// runner would, and reads the thumbnail: the resource names it, another
// teacher of the school may fetch it, an outsider may not see a school
// resource's thumbnail, and a revalidation with its ETag is a 304.
func (f *fixture) exerciseThumbnail(t *testing.T) {
	up := decode[resourceDetailDTO](t, f.upload(t, "zhangwei", [][2]string{{"title", "板书照片"}, {"visibility", "institution"}},
		"board.jpg", testkit.HalvesJPEG(640, 320, 6)).want(t, 201))
	if up.Thumbnail != nil {
		t.Errorf("a thumbnail at upload: %q", *up.Thumbnail)
	}
	if code, _, _ := f.thumbnail(t, "zhangwei", up.ID, ""); code != 404 {
		t.Errorf("thumbnail before the job: %d", code)
	}
	payload := fmt.Appendf(nil, `{"resource_id": %d}`, up.ID)
	if err := f.svc.MakeResourceThumbnail(context.Background(), jobs.Job{Kind: "resource.thumbnail", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	got := decode[resourceDetailDTO](t, f.get("zhangwei", fmt.Sprintf("/api/v1/resources/%d", up.ID)).want(t, 200))
	if want := fmt.Sprintf("/api/v1/resources/%d/thumbnail", up.ID); got.Thumbnail == nil || *got.Thumbnail != want {
		t.Errorf("thumbnail field %v, want %s", got.Thumbnail, want)
	}
	code, h, b := f.thumbnail(t, "lina", up.ID, "")
	if code != 200 || h.Get("Content-Type") != "image/jpeg" || len(h.Get("ETag")) != 66 || h.Get("Cache-Control") != "private, max-age=86400" {
		t.Fatalf("thumbnail: %d %v", code, h)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 240 || img.Bounds().Dy() != 480 {
		t.Errorf("thumbnail decodes to %v, %v; want 240×480", img.Bounds(), err)
	}
	if code, _, b := f.thumbnail(t, "lina", up.ID, h.Get("ETag")); code != http.StatusNotModified || len(b) != 0 {
		t.Errorf("revalidation: %d, %d bytes", code, len(b))
	}
	if code, _, _ := f.thumbnail(t, "chenjing", up.ID, ""); code != 404 {
		t.Errorf("an outsider fetched a school resource's thumbnail: %d", code)
	}
}

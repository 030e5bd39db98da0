package web_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/testkit"
)

// waitThumbnail fetches a thumbnail until the app's job runner has made it.
func waitThumbnail(t *testing.T, c *http.Client, u string) *http.Response {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || time.Now().After(deadline) {
			return resp
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestResourceThumbnails(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			base := f.srv.URL
			teacher := noRedirects(f.client(t, f.teacher))
			colleague := noRedirects(f.client(t, f.colleague))
			stranger := noRedirects(f.client(t, f.stranger))
			anon := noRedirects(f.client(t, nil))
			csrf := f.srv.CSRF(t, teacher, "/resources/new")
			meta := func(title, vis string) [][2]string {
				return [][2]string{{"space_id", "0"}, {"title", title}, {"type", "material"}, {"licence", "cc_by"},
					{"visibility", vis}}
			}
			code, body, loc := upload(t, teacher, base, csrf, meta("板书照片", "institution"), "board.jpg", testkit.HalvesJPEG(640, 320, 6))
			if code != http.StatusSeeOther {
				t.Fatalf("upload: %d\n%.300s", code, body)
			}
			thumb := base + loc + "/thumbnail"
			resp := waitThumbnail(t, colleague, thumb)
			etag := resp.Header.Get("ETag")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || len(etag) != 66 ||
				!strings.HasPrefix(resp.Header.Get("Cache-Control"), "private") {
				t.Fatalf("thumbnail: %d %v", resp.StatusCode, resp.Header)
			}
			req, _ := http.NewRequest(http.MethodGet, thumb, nil)
			req.Header.Set("If-None-Match", etag)
			if resp, err := colleague.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
				t.Errorf("revalidation: %v %v", resp.StatusCode, err)
			} else {
				resp.Body.Close()
			}
			// A school resource's thumbnail is the school's: not for another
			// school's teacher, nor for someone signed out.
			if code, _ := get(t, stranger, thumb); code != http.StatusNotFound {
				t.Errorf("a stranger's thumbnail answer: %d", code)
			}
			if code, _ := get(t, anon, thumb); code == http.StatusOK {
				t.Errorf("signed out: %d", code)
			}
			// Cards show it; a card without one keeps the kind badge only.
			img := `<img class="resource-thumb" src="` + loc + `/thumbnail"`
			if code, body := get(t, colleague, base+"/resources"); code != 200 || !strings.Contains(body, img) {
				t.Errorf("listing: %d, no %s", code, img)
			}
			if code, _ := get(t, teacher, base+"/resources/999999/thumbnail"); code != http.StatusNotFound {
				t.Errorf("missing resource: %d", code)
			}

			// A PDF's page shows its first page, linking to the file.
			if _, err := exec.LookPath("pdftoppm"); err != nil {
				t.Skip("pdftoppm is not installed (make doc-deps installs poppler-utils)")
			}
			code, _, loc = upload(t, teacher, base, csrf, meta("分数 课件", "public"), "课件.pdf", testkit.PDF("分数的初步认识"))
			if code != http.StatusSeeOther {
				t.Fatalf("pdf upload: %d", code)
			}
			if resp := waitThumbnail(t, anon, base+loc+"/thumbnail"); resp.StatusCode != 200 {
				t.Fatalf("pdf thumbnail: %d", resp.StatusCode)
			}
			if code, body := get(t, anon, base+loc); code != 200 || !strings.Contains(body, `<img class="thumbnail" src="`+loc+`/thumbnail" alt="第一页预览">`) {
				t.Errorf("pdf page: %d\n%.1500s", code, body)
			}
		})
	}
}

package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func testStatic(t *testing.T) *Static {
	t.Helper()
	s, err := NewFS(fstest.MapFS{
		"files/app.css":           {Data: []byte(strings.Repeat("body { color: #111; }\n", 200))},
		"files/img/logo.svg":      {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
		"files/.DS_Store":         {Data: []byte("junk")},
		"vendor/.keep":            {Data: nil},
		"vendor/htmx.min.js":      {Data: []byte("var htmx={};")},
		"vendor/htmx.LICENSE.txt": {Data: []byte("Zero-Clause BSD")},
	})
	if err != nil {
		t.Fatalf("NewFS: %v", err)
	}
	return s
}

func TestNames(t *testing.T) {
	got := strings.Join(testStatic(t).Names(), " ")
	want := "app.css img/logo.svg vendor/htmx.LICENSE.txt vendor/htmx.min.js"
	if got != want {
		t.Errorf("Names = %q, want %q", got, want)
	}
}

func TestPath(t *testing.T) {
	s := testStatic(t)
	p := s.Path("app.css")
	if !strings.HasPrefix(p, "/static/app.css?v=") || len(p) != len("/static/app.css?v=")+hashLen {
		t.Errorf("Path(app.css) = %q", p)
	}
	if p2 := s.Path("vendor/htmx.min.js"); !strings.HasPrefix(p2, "/static/vendor/htmx.min.js?v=") {
		t.Errorf("Path(vendor/htmx.min.js) = %q", p2)
	}
	if got := s.Path("missing.css"); got != "/static/missing.css" {
		t.Errorf("Path(missing) = %q", got)
	}
	// A change of content changes the URL.
	other, err := NewFS(fstest.MapFS{"files/app.css": {Data: []byte("body{}")}})
	if err != nil {
		t.Fatal(err)
	}
	if other.Path("app.css") == p {
		t.Error("different content, same fingerprint")
	}
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestServe(t *testing.T) {
	s := testStatic(t)
	versioned := s.Path("vendor/htmx.min.js")
	tests := []struct {
		name, method, target string
		header               map[string]string
		status               int
		ctype, cache, body   string
	}{
		{"fingerprinted", "GET", versioned, nil, 200, "text/javascript; charset=utf-8",
			"public, max-age=31536000, immutable", "var htmx={};"},
		{"unversioned revalidates", "GET", "/static/vendor/htmx.min.js", nil, 200, "text/javascript; charset=utf-8",
			"no-cache", "var htmx={};"},
		{"stale fingerprint revalidates", "GET", "/static/vendor/htmx.min.js?v=000000000000", nil, 200, "", "no-cache", "var htmx={};"},
		{"svg in a subfolder", "GET", "/static/img/logo.svg", nil, 200, "image/svg+xml", "", "<svg"},
		{"license text", "GET", "/static/vendor/htmx.LICENSE.txt", nil, 200, "text/plain; charset=utf-8", "", "Zero-Clause"},
		{"head has no body", "HEAD", versioned, nil, 200, "text/javascript; charset=utf-8", "", ""},
		{"unknown file", "GET", "/static/nope.js", nil, 404, "", "", ""},
		{"dotfile hidden", "GET", "/static/.DS_Store", nil, 404, "", "", ""},
		{"keep file hidden", "GET", "/static/vendor/.keep", nil, 404, "", "", ""},
		{"folder prefix is not a file", "GET", "/static/files/app.css", nil, 404, "", "", ""},
		{"traversal", "GET", "/static/../static.go", nil, 404, "", "", ""},
		{"outside the prefix", "GET", "/app.css", nil, 404, "", "", ""},
		{"post refused", "POST", versioned, nil, 405, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, s, tt.method, tt.target, tt.header)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.ctype != "" && rec.Header().Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tt.ctype)
			}
			if tt.cache != "" && rec.Header().Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control %q, want %q", rec.Header().Get("Cache-Control"), tt.cache)
			}
			if tt.status == 200 {
				if rec.Header().Get("ETag") == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("headers %v", rec.Header())
				}
				if !strings.Contains(rec.Body.String(), tt.body) || (tt.method == "HEAD" && rec.Body.Len() != 0) {
					t.Errorf("body %q, want it to contain %q", rec.Body.String(), tt.body)
				}
			}
		})
	}
}

func TestConditionalAndRange(t *testing.T) {
	s := testStatic(t)
	first := get(t, s, "GET", s.Path("vendor/htmx.min.js"), nil)
	etag := first.Header().Get("ETag")
	if rec := get(t, s, "GET", s.Path("vendor/htmx.min.js"), map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", rec.Code)
	}
	if rec := get(t, s, "GET", s.Path("vendor/htmx.min.js"), map[string]string{"If-None-Match": `"other"`}); rec.Code != 200 {
		t.Errorf("other ETag: status %d, want 200", rec.Code)
	}
	rec := get(t, s, "GET", s.Path("vendor/htmx.min.js"), map[string]string{"Range": "bytes=4-7"})
	if rec.Code != http.StatusPartialContent || rec.Body.String() != "htmx" {
		t.Errorf("Range: %d %q", rec.Code, rec.Body.String())
	}
}

func TestGzip(t *testing.T) {
	s := testStatic(t)
	plain := get(t, s, "GET", s.Path("app.css"), nil)
	if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("without Accept-Encoding: headers %v", plain.Header())
	}
	rec := get(t, s, "GET", s.Path("app.css"), map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
	if rec.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzip and identity share an ETag")
	}
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != plain.Body.String() || rec.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip body decodes to %d bytes (want %d), sent %d", len(body), plain.Body.Len(), rec.Body.Len())
	}
	// Small files are not worth compressing.
	small := get(t, s, "GET", s.Path("vendor/htmx.min.js"), map[string]string{"Accept-Encoding": "gzip"})
	if small.Header().Get("Content-Encoding") != "" {
		t.Error("a 12-byte file was gzipped")
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=1.0", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;q=0.5", true},
		{"br", false},
		{"x-gzip-ish", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// The embedded set always holds our own files; the vendor packages are
// there when vendor.sh has run (the Makefile runs it before the tests).
func TestEmbedded(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, name := range []string{"app.css", "app.js"} {
		if !s.Has(name) {
			t.Errorf("embedded assets lack %s: %v", name, s.Names())
		}
	}
	rec := get(t, s, "GET", s.Path("app.js"), nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("app.js: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !s.Has("vendor/htmx.min.js") {
		t.Skip("vendor/ is empty: run internal/web/static/vendor.sh (make does) to check the npm packages")
	}
	for _, name := range []string{"vendor/echarts.min.js", "vendor/htmx.LICENSE.txt", "vendor/echarts.LICENSE.txt"} {
		if !s.Has(name) {
			t.Errorf("vendor/htmx.min.js is there but %s is not", name)
		}
	}
	if s.Has("vendor/.keep") {
		t.Error(".keep is served")
	}
}

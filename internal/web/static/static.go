// Package static serves the site's CSS, JavaScript and front-end packages
// from files embedded in the binary, under fingerprinted URLs.
//
// files/ holds our own assets; vendor/ holds npm packages copied there at
// build time by vendor.sh (the folder is git-ignored except for .keep, so it
// always exists for go:embed, and a build without the packages still
// compiles). Path gives each asset a URL carrying a hash of its content;
// such URLs are cached by browsers for a year, and a new build changes the
// URL of exactly the files that changed.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// Prefix is where the handler is mounted: mux.Handle("GET "+static.Prefix, s).
const Prefix = "/static/"

// hashLen is the number of hex digits of SHA-256 in a fingerprint: 48 bits
// make an accidental collision between two builds of one file negligible.
const hashLen = 12

//go:embed files all:vendor
var embedded embed.FS

// Static is an immutable set of assets and the handler serving them. It is
// safe for concurrent use.
type Static struct {
	assets map[string]*asset
}

// asset is one served file.
type asset struct {
	data  []byte
	ctype string
	hash  string // hashLen hex digits of the content's SHA-256

	gzipOnce sync.Once
	gzipped  []byte // nil when not worth compressing
}

// New indexes the embedded assets. Names are paths relative to files/
// ("app.css") or keep their vendor/ prefix ("vendor/htmx.min.js").
func New() (*Static, error) {
	return NewFS(embedded)
}

// NewFS indexes assets from fsys laid out like the embedded folders (files/
// and vendor/, either may be missing), so that tests and a development mode
// reading from disk can supply their own.
func NewFS(fsys fs.FS) (*Static, error) {
	s := &Static{assets: make(map[string]*asset)}
	for _, root := range []string{"files", "vendor"} {
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipDir
				}
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != root {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil // .keep and editor droppings
			}
			if d.IsDir() {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			name := strings.TrimPrefix(p, "files/")
			sum := sha256.Sum256(data)
			s.assets[name] = &asset{
				data:  data,
				ctype: contentType(name, data),
				hash:  hex.EncodeToString(sum[:])[:hashLen],
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("static: index %s: %w", root, err)
		}
	}
	return s, nil
}

// Path returns the fingerprinted URL of the named asset, for templates:
// {{static "app.css"}} → /static/app.css?v=3f2a9c1b0d4e. An unknown name
// yields its plain URL, which the handler answers with 404; the web tests
// catch that rather than a page failing to render.
func (s *Static) Path(name string) string {
	a, ok := s.assets[name]
	if !ok {
		return Prefix + name
	}
	return Prefix + name + "?v=" + a.hash
}

// Has reports whether the named asset exists, so that pages can leave out a
// vendor script that this build lacks.
func (s *Static) Has(name string) bool {
	_, ok := s.assets[name]
	return ok
}

// Names lists the assets, sorted.
func (s *Static) Names() []string {
	names := make([]string, 0, len(s.assets))
	for n := range s.assets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ServeHTTP answers GET and HEAD for Prefix + name. A request carrying the
// current fingerprint is cacheable forever; any other (no ?v=, or a stale
// one from a page rendered before a deploy) must be revalidated, so a
// browser never keeps an old file under a name whose content changed.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	a := s.assets[name]
	if !ok || a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	body, etag := a.data, `"`+a.hash+`"`
	if gz := a.gzip(); gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = gz, `"`+a.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, Range with 206, and HEAD
	// without a body.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// gzip compresses text assets on first request; echarts.min.js shrinks from
// about 1.1 MB to a third, which matters on a phone.
func (a *asset) gzip() []byte {
	a.gzipOnce.Do(func() {
		if len(a.data) < 1024 || !compressible(a.ctype) {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
		zw.Write(a.data)
		zw.Close()
		if b.Len() < len(a.data)*9/10 {
			a.gzipped = b.Bytes()
		}
	})
	return a.gzipped
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "image/svg+xml") ||
		strings.HasPrefix(ctype, "application/json")
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q, found := strings.CutPrefix(strings.TrimSpace(params), "q=")
		return !found || strings.Trim(q, "0.") != ""
	}
	return false
}

// contentTypes are the types of the assets we ship, fixed here rather than
// taken from the host's mime.types so that every machine serves the same.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".map":   "application/json",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".txt":   "text/plain; charset=utf-8",
	".md":    "text/markdown; charset=utf-8",
}

func contentType(name string, data []byte) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return http.DetectContentType(data)
}

// Package web serves Yanxiu's HTML pages: server-rendered html/template views
// with htmx where it helps, over the same service layer as the JSON API so
// that a permission checked for one is checked for the other.
package web

import (
	"context"
	"html/template"
	"io"
	"log/slog"
	"net/http"

	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Assets is the static file set: fingerprinted paths for templates and a
// handler that serves them.
type Assets interface {
	Path(name string) string
	http.Handler
}

// BlobOpener reads stored files such as avatars.
type BlobOpener interface {
	Open(ctx context.Context, key string) (blob.Reader, error)
}

// Options configure the web server.
type Options struct {
	Service       *service.Service
	Catalog       *i18n.Catalog
	Assets        Assets
	Blobs         BlobOpener
	API           http.Handler // mounted at /api/v1/
	Logger        *slog.Logger
	BaseURL       string
	SecureCookies bool
	MaxBodyBytes  int64
	// TempDir holds roster uploads between preview and apply.
	TempDir string
	// Concurrency is how many requests are served at once (0: two per
	// core, right for SQLite); see requestGate.
	Concurrency int
}

// Server holds what handlers share.
type Server struct {
	svc     *service.Service
	cat     *i18n.Catalog
	assets  Assets
	blobs   BlobOpener
	api     http.Handler
	log     *slog.Logger
	baseURL string
	secure  bool
	maxBody int64
	tempDir string
	// concurrency bounds the requests served at once; see requestGate.
	concurrency int
	pages       map[string]map[string]*template.Template // by language, then page name
	// fragments holds rendered parts of pages; see fragmentCache.
	fragments *fragmentCache
	// csrfHole stands for the viewer's CSRF token in cached HTML; see
	// Page.Content.
	csrfHole string
}

// New parses the templates and returns a Server.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	s := &Server{svc: o.Service, cat: o.Catalog, assets: o.Assets, blobs: o.Blobs, api: o.API, log: o.Logger,
		baseURL: o.BaseURL, secure: o.SecureCookies, maxBody: o.MaxBodyBytes, tempDir: o.TempDir, concurrency: o.Concurrency,
		fragments: newFragmentCache(fragmentBudget), csrfHole: newCSRFHole()}
	pages, err := parsePages(s.templateFuncs(), s.cat, s.assets)
	if err != nil {
		return nil, err
	}
	s.pages = pages
	return s, nil
}

// Handler returns the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	gate := newRequestGate(s.concurrency)
	return gate.wrap(s.recoverPanics(s.securityHeaders(s.withRequestContext(s.checkCSRF(s.rejectBadText(mux))))))
}

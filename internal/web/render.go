package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/markup"
)

// entryCard is what the entry-card partial needs: an entry and the page for translations.
type entryCard struct {
	P *Page
	E *journal.Entry
}

// entryCardKey names every input of the entry-card partial.
type entryCardKey struct {
	lang                       string
	id, updated, published     int64
	comments                   int
	visibility, author, handle string
}

// entryCard renders a journal entry's card through the fragment cache: the
// card is the same for every viewer, and a personal space shows ten.
func (s *Server) entryCard(p *Page, e *journal.Entry) (template.HTML, error) {
	key := entryCardKey{lang: p.Lang, id: e.ID, updated: e.UpdatedAt.UnixNano(), comments: e.CommentCount,
		visibility: string(e.Visibility), author: e.AuthorName, handle: e.AuthorUsername}
	if e.PublishedAt != nil {
		key.published = e.PublishedAt.UnixNano()
	}
	// Every page's set holds the partials; the personal space's will do.
	f := fragmenter{cache: s.fragments, t: s.pages[p.Lang]["space"]}
	return f.render(key, "entry-card", entryCard{P: p, E: e})
}

// memberItem is what the member-item template shows: one person in a list.
type memberItem struct {
	*Page
	U *account.User
}

// memberItemKey names every input of the member-item template.
type memberItemKey struct {
	lang, username, name, role, avatar string
}

// memberItem renders one member of an institution's list through the
// fragment cache: an avatar, a name and a role, the same for every viewer.
func (s *Server) memberItem(p *Page, u *account.User) (template.HTML, error) {
	key := memberItemKey{lang: p.Lang, username: u.Username, name: u.Name(), role: string(u.Role), avatar: u.AvatarKey}
	f := fragmenter{cache: s.fragments, t: s.pages[p.Lang]["institution"]}
	return f.render(key, "member-item", memberItem{Page: p, U: u})
}

//go:embed templates
var templateFiles embed.FS

// parsePages parses every page template together with the layout and the
// shared partials, once per language, at start. Before parsing, actions that
// translate a constant key without arguments ({{.T "key"}}) or name a
// static file ({{.Asset "app.css"}}) are replaced by their escaped text for
// that language: about a fifth of all actions are such constants, and each
// costs html/template a reflective method lookup, a call and an escaper call
// on every request, which profiles showed as a large share of page CPU. A
// constant key missing from a catalogue fails here, at start, instead of
// showing the raw key on a page.
func parsePages(funcs template.FuncMap, cat *i18n.Catalog, assets Assets) (map[string]map[string]*template.Template, error) {
	shared := []string{"templates/layout.html", "templates/partials.html"}
	entries, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	sets := make(map[string]map[string]*template.Template, len(i18n.Languages()))
	for _, lang := range i18n.Languages() {
		src := map[string]string{}
		for _, f := range append(slices.Clone(shared), entries...) {
			b, err := fs.ReadFile(templateFiles, f)
			if err != nil {
				return nil, err
			}
			if src[f], err = resolveConstants(string(b), cat, lang, assets); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
		}
		pages := make(map[string]*template.Template, len(entries))
		for _, e := range entries {
			name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/pages/"), ".html")
			// The layout is the root: it is what Execute runs.
			t, err := template.New(path.Base(shared[0])).Funcs(funcs).Parse(src[shared[0]])
			for _, f := range append(slices.Clone(shared[1:]), e) {
				if err == nil {
					_, err = t.New(path.Base(f)).Parse(src[f])
				}
			}
			if err != nil {
				return nil, fmt.Errorf("parse page %s (%s): %w", name, lang, err)
			}
			pages[name] = t
		}
		sets[lang] = pages
	}
	return sets, nil
}

// constantAction matches {{.T "key"}}, {{$.T "key"}}, {{$v.T "key"}},
// {{.P.T "key"}} and {{.Asset "name"}}: a whole action with one constant
// argument and no trim markers. Every T in the templates is the Page's
// translation method (views embed *Page or hold it as P).
var constantAction = regexp.MustCompile(`\{\{\s*(?:\$\w*)?(?:\.P)?\.(T|Asset)\s+"([A-Za-z0-9_.\-/]+)"\s*\}\}`)

// assetPaths names fingerprinted static files.
type assetPaths interface{ Path(name string) string }

// resolveConstants replaces the constant actions of a template source by
// their text in lang, HTML-escaped as html/template would escape them in
// element text and quoted attribute values, the only places such actions
// appear (scripts and styles are never inline: the content security policy
// forbids it). Braces are escaped too, so a translation cannot open an action.
func resolveConstants(src string, cat *i18n.Catalog, lang string, assets assetPaths) (string, error) {
	var missing []string
	out := constantAction.ReplaceAllStringFunc(src, func(action string) string {
		m := constantAction.FindStringSubmatch(action)
		var text string
		switch m[1] {
		case "Asset":
			text = "/static/" + m[2]
			if assets != nil {
				text = assets.Path(m[2])
			}
		default:
			if !cat.Has(lang, m[2]) {
				missing = append(missing, m[2])
			}
			text = cat.T(lang, m[2])
		}
		return strings.ReplaceAll(template.HTMLEscapeString(text), "{", "&#123;")
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("no %s text for %s", lang, strings.Join(missing, ", "))
	}
	return out, nil
}

// Page is the part of every view that the layout needs. Page views embed it,
// so templates call {{.T "key"}} to translate in the request's language.
type Page struct {
	Title   string
	Lang    string
	User    *account.User
	CSRF    string
	Path    string
	Flash   string
	Errors  map[string]string // translated field errors
	Message string            // translated form-level error
	// Content, when set, is the page's content already rendered, shown by
	// the layout instead of executing the page's "content" template: a
	// page cached for a class of viewers (see topicView.cachedContent).
	// Such HTML has the server's CSRF hole where each viewer's CSRF token
	// goes, and renderTemplate puts the token in.
	Content template.HTML
	p       i18n.Printer
	assets  Assets
}

// page lets renderTemplate find the Page of any view that embeds one.
func (p *Page) page() *Page { return p }

// Layout is the page itself, for the layout template: a field reached
// through a view's embedded *Page costs html/template a reflective search
// of the embedded structs (and its allocations) on every use, which the
// profiles of the busiest pages put at a sixth of all bytes allocated.
func (p *Page) Layout() *Page { return p }

// newCSRFHole makes the placeholder that cached HTML carries instead of a
// CSRF token: random for each server process, so that no content a person
// writes can contain it, and made of characters that HTML never escapes.
func newCSRFHole() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "csrf-hole-" + hex.EncodeToString(b)
}

// T translates a message key with alternating name/value arguments.
func (p *Page) T(key string, args ...any) string { return p.p.T(key, args...) }

// Asset returns the fingerprinted URL of a static file.
func (p *Page) Asset(name string) string {
	if p.assets == nil {
		return "/static/" + name
	}
	return p.assets.Path(name)
}

// FieldError is the translated error of one form field, "" when none.
func (p *Page) FieldError(field string) string { return p.Errors[field] }

// Date formats a time for the page's language.
func (p *Page) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(beijing)
	if p.Lang == "en" {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("2006年1月2日 15:04")
}

// beijing is the time zone dates are shown in: China Standard Time has no
// daylight saving, so a fixed zone needs no tzdata on the server.
var beijing = time.FixedZone("CST", 8*3600)

// page builds the Page of a request.
func (s *Server) page(r *http.Request, titleKey string, args ...any) *Page {
	ri := info(r)
	p := &Page{Lang: ri.lang, User: ri.user, CSRF: ri.csrf, Path: r.URL.Path, p: s.cat.Printer(ri.lang), assets: s.assets}
	if titleKey != "" {
		p.Title = p.T(titleKey, args...)
	}
	return p
}

// pager is a view's pagination.
type pager struct {
	Page, Pages, Total int
	PrevURL, NextURL   string
}

func newPager(r *http.Request, page, perPage, total int) pager {
	pg := pager{Page: page, Total: total, Pages: max(1, (total+perPage-1)/perPage)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", fmt.Sprint(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		pg.PrevURL = link(page - 1)
	}
	if page < pg.Pages {
		pg.NextURL = link(page + 1)
	}
	return pg
}

// pageParam reads ?page=N (1-based), clamping junk to 1.
func pageParam(r *http.Request) int {
	var n int
	if _, err := fmt.Sscan(r.URL.Query().Get("page"), &n); err != nil || n < 1 || n > 100_000 {
		return 1
	}
	return n
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, view any) {
	s.renderTemplate(w, r, status, name, "", view)
}

// renderFragment renders one named template of a page, for htmx to swap in.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, status int, page, name string, view any) {
	s.renderTemplate(w, r, status, page, name, view)
}

// renderTemplate renders a page, or the template name of it, into a pooled
// buffer and writes it with status; a template error is logged and answered
// with a 500 before anything is written.
func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, page, name string, view any) {
	t, ok := s.pages[info(r).lang][page]
	if !ok {
		s.log.Error("no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	buf := getBuffer()
	defer putBuffer(buf)
	var err error
	if name == "" {
		err = t.Execute(buf, view)
	} else {
		err = t.ExecuteTemplate(buf, name, view)
	}
	if err != nil {
		s.log.Error("render page", "page", page, "fragment", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if pv, ok := view.(interface{ page() *Page }); ok {
		if p := pv.page(); p != nil && p.Content != "" {
			writeFilled(w, status, buf.Bytes(), []byte(s.csrfHole), []byte(template.HTMLEscapeString(p.CSRF)))
			return
		}
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeFilled writes page with every hole replaced by token, piece by
// piece rather than into a copy of the page (a copy of a 30 KB page per
// request was most of what the cached topic pages allocated).
func writeFilled(w http.ResponseWriter, status int, page, hole, token []byte) {
	n := bytes.Count(page, hole)
	w.Header().Set("Content-Length", strconv.Itoa(len(page)+n*(len(token)-len(hole))))
	w.WriteHeader(status)
	for n > 0 {
		i := bytes.Index(page, hole)
		w.Write(page[:i])
		w.Write(token)
		page = page[i+len(hole):]
		n--
	}
	w.Write(page)
}

// renderBuffers recycles the buffers pages and fragments are rendered into.
// Profiles of the busiest pages under load put over half of all bytes
// allocated into growing a fresh buffer to the page's size (30 KB for a
// topic) for every request, and the garbage collections that paid for them
// into the tail of the latencies.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps the rare huge page's buffer out of the pool.
const maxPooledBuffer = 1 << 20

func getBuffer() *bytes.Buffer { return renderBuffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

type errorView struct {
	*Page
	Status int
}

// renderError shows the error page with a translated message.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	p := s.page(r, "error.page_title")
	p.Message = p.T(key)
	s.render(w, r, status, "error", errorView{Page: p, Status: status})
}

// statusOf maps an error code to its HTTP status; this edge is the only
// place that knows about HTTP.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// fail answers a request whose service call failed with a non-form error:
// a login redirect for the signed-out, an error page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return
	}
	e, ok := apperr.As(err)
	if !ok {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	if e.Code == apperr.Unauthorized && currentUser(r) == nil && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, statusOf(e.Code), e.Key)
}

// formErrors translates an error's field errors into p; it reports false
// when err is not a form error (the caller then uses fail).
func formErrors(p *Page, err error) (int, bool) {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 && e.Code != apperr.Invalid && e.Code != apperr.RateLimited && e.Code != apperr.Unauthorized && e.Code != apperr.Conflict {
		return 0, false
	}
	p.Errors = make(map[string]string, len(e.Fields))
	for f, fe := range e.Fields {
		p.Errors[f] = p.T(fe.Key, argList(fe.Args)...)
	}
	p.Message = p.T("form.has_errors")
	if len(e.Fields) == 0 || e.Code == apperr.RateLimited {
		p.Message = p.T(e.Key, argList(e.Args)...)
	}
	return statusOf(e.Code), true
}

func argList(m map[string]any) []any {
	out := make([]any, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// requireUser returns the signed-in user, or redirects to the login page.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) *account.User {
	u := currentUser(r)
	if u == nil {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = "/"
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	}
	return u
}

// userAndID returns the signed-in user and the numeric {id} of the path,
// having answered the request itself (login redirect, 404 for a junk ID)
// when either is missing.
func (s *Server) userAndID(w http.ResponseWriter, r *http.Request) (*account.User, int64, bool) {
	u := s.requireUser(w, r)
	if u == nil {
		return nil, 0, false
	}
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return nil, 0, false
	}
	return u, id, true
}

// flash stores a one-time message key shown on the next page.
func (s *Server) flash(w http.ResponseWriter, key string) { s.setCookie(w, flashCookie, key, 60) }

// takeFlash reads and clears the flash message into p.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request, p *Page) {
	if c, err := r.Cookie(flashCookie); err == nil && c.Value != "" {
		if s.cat.Has(p.Lang, c.Value) {
			p.Flash = p.T(c.Value)
		}
		s.clearCookie(w, flashCookie)
	}
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"avatarURL": func(u *account.User) string {
			if u == nil || u.AvatarKey == "" {
				return ""
			}
			return "/avatars/" + u.AvatarKey
		},
		"initial": func(u *account.User) string {
			for _, r := range u.Name() {
				return string(r)
			}
			return "?"
		},
		"derefTime": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"excerpt":     markup.Excerpt,
		"excerptHTML": markup.ExcerptHTML,
		// sanitized marks HTML that markup.Render produced and bluemonday
		// cleaned at write time; never use it on anything else.
		"sanitized":  func(s string) template.HTML { return template.HTML(s) },
		"entryCard":  s.entryCard,
		"memberItem": s.memberItem,
		"list":       func(xs ...string) []string { return xs },
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
	}
}

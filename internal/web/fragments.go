package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sync"
)

// fragmentCache memoizes rendered template fragments: parts of a page whose
// HTML is a pure function of a key that names every input the fragment
// shows (the record's ID and update time, the language, the viewer's class
// where it matters). Nothing is ever invalidated: a change to the record
// changes its key, and the old entry ages out. Profiles of the discussion
// pages showed html/template spending most of a topic page's CPU on the
// same twenty replies again for every visitor; a hit costs one map lookup.
//
// Memory is bounded by the bytes held, not the number of entries (a reply
// may be 20 KB of HTML or 50 bytes); past the budget random entries are
// dropped, which Go's map iteration order makes cheap and fair enough.
type fragmentCache struct {
	mu     sync.Mutex
	m      map[any]template.HTML
	bytes  int
	budget int
}

func newFragmentCache(budget int) *fragmentCache {
	return &fragmentCache{m: map[any]template.HTML{}, budget: budget}
}

func (c *fragmentCache) get(key any) (template.HTML, bool) {
	c.mu.Lock()
	h, ok := c.m[key]
	c.mu.Unlock()
	return h, ok
}

func (c *fragmentCache) put(key any, h template.HTML) {
	if len(h) > c.budget/64 {
		return // one huge fragment must not flush everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		c.bytes -= len(old)
	}
	for k, v := range c.m {
		if c.bytes+len(h) <= c.budget {
			break
		}
		delete(c.m, k)
		c.bytes -= len(v)
	}
	c.m[key] = h
	c.bytes += len(h)
}

// fragmentBudget is what the fragment cache may hold: at about 2 KB a reply,
// some 6,000 replies, the first pages of a few hundred busy topics. It is
// live heap, which the server's memory budget (GOMEMLIMIT, cmd/yanxiu)
// shares with everything else.
const fragmentBudget = 12 << 20

// fragmenter renders the named templates of one page for one request,
// through the server's cache. Views hold one so that their methods can
// offer cached fragments to the template.
type fragmenter struct {
	cache *fragmentCache
	t     *template.Template
}

// fragmenter returns the fragment renderer of a page in the request's language.
func (s *Server) fragmenter(r *http.Request, page string) fragmenter {
	return fragmenter{cache: s.fragments, t: s.pages[info(r).lang][page]}
}

// render returns the HTML of template name executed on data, from the cache
// when key was rendered before. key must be comparable and must determine
// the output completely; its dynamic type keeps different fragments apart.
func (f fragmenter) render(key any, name string, data any) (template.HTML, error) {
	if h, ok := f.cache.get(key); ok {
		return h, nil
	}
	h, err := f.execute(name, data)
	if err == nil {
		f.cache.put(key, h)
	}
	return h, err
}

// execute renders template name on data without the cache.
func (f fragmenter) execute(name string, data any) (template.HTML, error) {
	if f.t == nil {
		return "", fmt.Errorf("fragment %s: no page templates", name)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := f.t.ExecuteTemplate(buf, name, data); err != nil {
		return "", fmt.Errorf("fragment %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}

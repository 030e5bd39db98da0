package web

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"time"
)

// Atom 1.0 (RFC 4287), just the elements feed readers use.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Link      atomLink `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Content   atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// showFeed serves the Atom feed of a person's public journal entries.
func (s *Server) showFeed(w http.ResponseWriter, r *http.Request) {
	owner, err := s.svc.UserByUsername(r.Context(), r.PathValue("username"))
	if err != nil || owner.Disabled {
		http.NotFound(w, r)
		return
	}
	es, err := s.svc.PublicEntries(r.Context(), owner, 30)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	home := s.baseURL + "/u/" + owner.Username
	f := atomFeed{Title: owner.Name() + " · " + s.cat.T(info(r).lang, "nav.journal"), ID: home,
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: home + "/feed.atom"}, {Rel: "alternate", Type: "text/html", Href: home}},
		Author: atomPerson{Name: owner.Name(), URI: home}, Updated: owner.CreatedAt.Format(time.RFC3339)}
	for i, e := range es {
		pub := e.CreatedAt
		if e.PublishedAt != nil {
			pub = *e.PublishedAt
		}
		if i == 0 || e.UpdatedAt.Format(time.RFC3339) > f.Updated {
			f.Updated = e.UpdatedAt.Format(time.RFC3339)
		}
		link := s.baseURL + "/journal/" + itoa(e.ID)
		f.Entries = append(f.Entries, atomEntry{Title: e.Title, ID: link, Link: atomLink{Rel: "alternate", Href: link},
			Published: pub.Format(time.RFC3339), Updated: e.UpdatedAt.Format(time.RFC3339),
			Content: atomText{Type: "html", Body: e.BodyHTML}})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		s.log.Warn("encode feed", "err", err)
	}
}

var blobKeyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// showAvatar serves a resized avatar. Keys are content hashes, so the
// response never changes and may be cached forever.
func (s *Server) showAvatar(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !blobKeyRE.MatchString(key) || s.blobs == nil {
		http.NotFound(w, r)
		return
	}
	f, err := s.blobs.Open(r.Context(), key)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Type", "image/jpeg")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// health reports liveness and the database kind, after a real query.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	db := s.svc.DB()
	status, code := "ok", http.StatusOK
	version, err := db.SchemaVersion(r.Context())
	if err != nil {
		status, code = "error", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "database": db.Kind(), "schema_version": version})
}

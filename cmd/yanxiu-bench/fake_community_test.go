package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The fake yanxiu's communities: the demo writes a tiny SQLite database with
// the tables the driver reads, and the server answers the pages, the login
// form and the reply form, writing replies into that database as the real
// one does, so the count afterwards has real rows to count.

// fakeSeed writes the fake district's communities: 10 public, 11 private,
// 12 public, 13 archived; six members of 10, whose topic 100 has three
// replies.
func fakeSeed(path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		return err
	}
	defer db.Close()
	stmts := []string{
		`CREATE TABLE spaces (id INTEGER PRIMARY KEY, visibility TEXT NOT NULL)`,
		`CREATE TABLE communities (space_id INTEGER PRIMARY KEY, status TEXT NOT NULL)`,
		`CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, disabled BOOLEAN NOT NULL DEFAULT FALSE)`,
		`CREATE TABLE space_members (space_id INTEGER, user_id INTEGER, joined_at INTEGER)`,
		`CREATE TABLE topics (id INTEGER PRIMARY KEY, space_id INTEGER, reply_count INTEGER,
			hidden BOOLEAN NOT NULL DEFAULT FALSE, locked BOOLEAN NOT NULL DEFAULT FALSE)`,
		`CREATE TABLE replies (id INTEGER PRIMARY KEY, topic_id INTEGER, author_id INTEGER, body TEXT)`,
		`INSERT INTO spaces VALUES (10, 'public'), (11, 'private'), (12, 'public'), (13, 'public')`,
		`INSERT INTO communities VALUES (10, 'active'), (11, 'active'), (12, 'active'), (13, 'archived')`,
		`INSERT INTO topics (id, space_id, reply_count) VALUES (100, 10, 3), (101, 10, 0), (102, 12, 1)`,
		`INSERT INTO replies (topic_id, author_id, body) VALUES (100, 1, 'a'), (100, 2, 'b'), (100, 3, 'c'), (102, 1, 'd')`,
	}
	for i := 1; i <= 6; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO users (id, username) VALUES (%d, 'u%d')`, i, i),
			fmt.Sprintf(`INSERT INTO space_members VALUES (10, %d, %d)`, i, i))
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// fakeCommunityRoutes adds the community pages, the login form and the
// reply form to the fake server.
func fakeCommunityRoutes(mux *http.ServeMux, dbPath string) (func(), error) {
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var mu sync.Mutex
	const visitorToken = "visitor-token-0123456789"
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "yx_csrf", Value: visitorToken, Path: "/"})
		io.WriteString(w, `<form method="post"><input type="hidden" name="csrf" value="`+visitorToken+`"></form>`)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("yx_csrf")
		if err != nil || c.Value != r.PostFormValue("csrf") {
			http.Error(w, "csrf", http.StatusForbidden)
			return
		}
		if r.PostFormValue("password") != "demo12345" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "yx_session", Value: "s-" + r.PostFormValue("username"), Path: "/"})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("yx_session")
		if err != nil {
			io.WriteString(w, "<p>home</p>")
			return
		}
		io.WriteString(w, `<form action="/logout"><input type="hidden" name="csrf" value="tok-`+c.Value+`"></form>`)
	})
	mux.HandleFunc("GET /c/{id}", func(w http.ResponseWriter, r *http.Request) {
		if id := r.PathValue("id"); id == "11" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, strings.Repeat("<li>member</li>", 30))
	})
	mux.HandleFunc("GET /topics/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("<article>reply</article>", 50))
	})
	mux.HandleFunc("POST /topics/{id}/replies", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("yx_session")
		if err != nil || r.PostFormValue("csrf") != "tok-"+c.Value {
			http.Error(w, "csrf", http.StatusForbidden)
			return
		}
		topic, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		mu.Lock()
		defer mu.Unlock()
		var author int64
		if err := db.QueryRow(`SELECT id FROM users WHERE username = $1`, strings.TrimPrefix(c.Value, "s-")).Scan(&author); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		res, err := db.Exec(`INSERT INTO replies (topic_id, author_id, body) VALUES ($1, $2, $3)`, topic, author, r.PostFormValue("body"))
		if err == nil {
			_, err = db.Exec(`UPDATE topics SET reply_count = reply_count + 1 WHERE id = $1`, topic)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		id, _ := res.LastInsertId()
		http.Redirect(w, r, fmt.Sprintf("/topics/%d?page=1#r%d", topic, id), http.StatusSeeOther)
	})
	return func() { db.Close() }, nil
}

func TestMatchReplies(t *testing.T) {
	posts := []post{{"r-w00-000000", 11}, {"r-w00-000001", 12}, {"r-w01-000000", 13}}
	tests := []struct {
		name string
		rows []replyRow
		want tally
	}{
		{"all there once", []replyRow{{11, 1, "r-w00-000000"}, {12, 1, "r-w00-000001"}, {13, 2, "r-w01-000000"}},
			tally{Confirmed: 3, Rows: 3}},
		{"one lost", []replyRow{{11, 1, "r-w00-000000"}, {13, 2, "r-w01-000000"}},
			tally{Confirmed: 3, Rows: 2, Lost: 1}},
		{"one twice", []replyRow{{11, 1, "r-w00-000000"}, {12, 1, "r-w00-000001"}, {13, 2, "r-w01-000000"}, {14, 2, "r-w01-000000"}},
			tally{Confirmed: 3, Rows: 4, Duplicated: 1}},
		{"the row is not the one confirmed", []replyRow{{11, 1, "r-w00-000000"}, {99, 1, "r-w00-000001"}, {13, 2, "r-w01-000000"}},
			tally{Confirmed: 3, Rows: 3, Lost: 1}},
		{"written but not confirmed, and someone else's", []replyRow{{11, 1, "r-w00-000000"}, {12, 1, "r-w00-000001"},
			{13, 2, "r-w01-000000"}, {14, 2, "r-w01-000001"}, {15, 2, ""}},
			tally{Confirmed: 3, Rows: 4, Unacknowledged: 1, Foreign: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matchReplies(tt.rows, posts); got != tt.want {
				t.Errorf("matchReplies = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReplyNonces(t *testing.T) {
	body := replyBody("b1x2y3-w07-000042")
	if m := nonceInBody.FindStringSubmatch(body); m == nil || m[1] != "b1x2y3-w07-000042" {
		t.Errorf("nonce of %q = %v", body, m)
	}
	for loc, want := range map[string]int64{"/topics/12?page=3#r345": 345, "/topics/12": 0, "/topics/1#rx": 0} {
		if id, ok := locationReply(loc); id != want || ok != (want > 0) {
			t.Errorf("locationReply(%q) = %d, %v", loc, id, ok)
		}
	}
	if got := spreadIndices(10, 4); fmt.Sprint(got) != "[0 2 5 7]" {
		t.Errorf("spreadIndices(10, 4) = %v", got)
	}
}

package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for runs on PostgreSQL
	_ "modernc.org/sqlite"             // the "sqlite" driver
)

// The issue-3 scenarios (training communities) need what the JSON API does
// not list: the topic with the most replies, members of its community to
// write as, and afterwards every reply row, to count them. The driver reads
// those from the database directly, read-only, beside the running server.

// communityData is what the community scenarios run against.
type communityData struct {
	Communities int     `json:"communities"`
	Topics      int     `json:"topics"`
	Replies     int     `json:"replies"`
	IDs         []int64 `json:"-"` // communities whose home page answers 200 anonymously
	Dropped     int     `json:"dropped_communities"`
	// The longest topic: page 1 of it is the topic scenario, its
	// community the writers'.
	TopicID      int64    `json:"topic_id"`
	TopicReplies int      `json:"topic_replies"`
	TopicSpace   int64    `json:"topic_community_id"`
	Writers      []string `json:"-"` // usernames of members of that community
	WriteTopics  []int64  `json:"-"` // its open topics, most replies first
}

// openDatabase opens the server's database for reading: PostgreSQL by URL,
// otherwise the SQLite file in the data folder (or the sqlite: URL's path).
func openDatabase(dbURL, data string) (*sql.DB, error) {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		db, err := sql.Open("pgx", dbURL)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dbURL, err)
		}
		db.SetMaxOpenConns(4)
		return db, nil
	}
	path := strings.TrimPrefix(dbURL, "sqlite:")
	if path == "" {
		path = filepath.Join(data, dbFile)
	}
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	return db, nil
}

// discoverCommunities picks about want public communities spread over the
// table whose home pages answer 200 to a visitor, the longest topic, and
// writers members of its community.
func discoverCommunities(ctx context.Context, db *sql.DB, c *apiClient, want, writers int) (communityData, error) {
	var cd communityData
	for _, q := range []struct {
		dst   *int
		query string
	}{
		{&cd.Communities, `SELECT count(*) FROM communities`},
		{&cd.Topics, `SELECT count(*) FROM topics`},
		{&cd.Replies, `SELECT count(*) FROM replies`},
	} {
		if err := db.QueryRowContext(ctx, q.query).Scan(q.dst); err != nil {
			return cd, fmt.Errorf("count: %w", err)
		}
	}
	if cd.Communities == 0 || cd.Replies == 0 {
		return cd, errors.New("the data has no communities or replies: seed it with a yanxiu that makes them (--reseed)")
	}
	ids, err := int64s(ctx, db, `SELECT c.space_id FROM communities c JOIN spaces s ON s.id = c.space_id
		WHERE s.visibility = 'public' AND c.status <> 'archived' ORDER BY c.space_id`)
	if err != nil {
		return cd, fmt.Errorf("list communities: %w", err)
	}
	for _, i := range spreadIndices(len(ids), want) {
		code, err := c.status(ctx, "/c/"+strconv.FormatInt(ids[i], 10))
		if err != nil {
			return cd, err
		}
		if code != http.StatusOK {
			cd.Dropped++
			continue
		}
		cd.IDs = append(cd.IDs, ids[i])
	}
	if len(cd.IDs) == 0 {
		return cd, fmt.Errorf("no community home page answers 200 (%d public communities)", len(ids))
	}
	err = db.QueryRowContext(ctx, `SELECT id, space_id, reply_count FROM topics WHERE NOT hidden
		ORDER BY reply_count DESC, id LIMIT 1`).Scan(&cd.TopicID, &cd.TopicSpace, &cd.TopicReplies)
	if err != nil {
		return cd, fmt.Errorf("find the longest topic: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT u.username FROM space_members m JOIN users u ON u.id = m.user_id
		WHERE m.space_id = $1 AND NOT u.disabled ORDER BY m.joined_at, u.id LIMIT $2`, cd.TopicSpace, writers)
	if err != nil {
		return cd, fmt.Errorf("list writers: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return cd, err
		}
		cd.Writers = append(cd.Writers, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return cd, err
	}
	if len(cd.Writers) < writers {
		return cd, fmt.Errorf("community %d has %d members to write as, %d wanted", cd.TopicSpace, len(cd.Writers), writers)
	}
	cd.WriteTopics, err = int64s(ctx, db, `SELECT id FROM topics WHERE space_id = $1 AND NOT hidden AND NOT locked
		ORDER BY reply_count DESC, id LIMIT 20`, cd.TopicSpace)
	if err != nil {
		return cd, fmt.Errorf("list topics to write in: %w", err)
	}
	return cd, nil
}

// int64s runs a query of one integer column.
func int64s(ctx context.Context, db *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// spreadIndices returns up to want indices spread evenly over 0..n-1.
func spreadIndices(n, want int) []int {
	if n <= want {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, want)
	for i := range out {
		out[i] = i * n / want
	}
	return out
}

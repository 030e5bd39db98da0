package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// pageSize is the largest page the API hands out.
const pageSize = 100

// dataset is what the load runs against: the totals the API reports and the
// pages chosen to rotate through.
type dataset struct {
	Users     int      `json:"users"`
	Schools   int      `json:"schools"`
	Teachers  []string `json:"-"`
	SchoolIDs []int64  `json:"-"`
	// Dropped counts candidates left out because their page did not answer
	// 200 to an anonymous visitor.
	DroppedTeachers int   `json:"dropped_teachers"`
	DroppedSchools  int   `json:"dropped_schools"`
	DBBytes         int64 `json:"db_bytes"`
}

// apiClient reads the JSON API with a bearer token.
type apiClient struct {
	http  *http.Client
	base  string
	token string
}

func newAPIClient(base, token string) *apiClient {
	return &apiClient{http: &http.Client{Timeout: 60 * time.Second}, base: base, token: token}
}

func (c *apiClient) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %.300s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// status answers the status code of an anonymous GET, reading the body.
func (c *apiClient) status(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

type userPage struct {
	Items []struct {
		Username string `json:"username"`
		Role     string `json:"role"`
	} `json:"items"`
	Total int `json:"total"`
}

type institutionPage struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
	Total int `json:"total"`
}

// spreadOffsets returns the offsets of pages pages of pageSize spread evenly
// over total rows, so the chosen rows come from all over the table rather
// than its first rows only (which caches would favour).
func spreadOffsets(total, pages int) []int {
	if total <= pageSize || pages <= 1 {
		return []int{0}
	}
	last := total - pageSize
	out := make([]int, 0, pages)
	for i := range pages {
		off := last * i / (pages - 1)
		if len(out) == 0 || off != out[len(out)-1] {
			out = append(out, off)
		}
	}
	return out
}

// discover lists the dataset's totals and picks about want teachers and
// want schools, spread over the tables, whose pages answer 200.
func discover(ctx context.Context, c *apiClient, want int) (dataset, error) {
	var ds dataset
	var first userPage
	if err := c.get(ctx, "/api/v1/users?limit="+strconv.Itoa(pageSize), &first); err != nil {
		return ds, fmt.Errorf("list users: %w", err)
	}
	ds.Users = first.Total
	pages := (want + pageSize/2 - 1) / (pageSize / 2)
	perPage := (want + pages - 1) / pages
	candidates := []string{"teacher"} // the demo login, when it is a teacher
	seen := map[string]bool{"teacher": true}
	for _, off := range spreadOffsets(first.Total, pages) {
		var p userPage
		q := url.Values{"limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(off)}}
		if err := c.get(ctx, "/api/v1/users?"+q.Encode(), &p); err != nil {
			return ds, fmt.Errorf("list users: %w", err)
		}
		n := 0
		for _, u := range p.Items {
			if u.Role == "teacher" && !seen[u.Username] && n < perPage {
				seen[u.Username] = true
				candidates = append(candidates, u.Username)
				n++
			}
		}
	}
	for _, name := range candidates {
		code, err := c.status(ctx, "/u/"+url.PathEscape(name))
		if err != nil {
			return ds, err
		}
		if code != http.StatusOK {
			ds.DroppedTeachers++
			continue
		}
		ds.Teachers = append(ds.Teachers, name)
	}
	if len(ds.Teachers) == 0 {
		return ds, fmt.Errorf("no teacher's personal space answers 200 (%d tried)", len(candidates))
	}

	var schools institutionPage
	if err := c.get(ctx, "/api/v1/institutions?level=school&limit="+strconv.Itoa(pageSize), &schools); err != nil {
		return ds, fmt.Errorf("list schools: %w", err)
	}
	ds.Schools = schools.Total
	var ids []int64
	seenID := map[int64]bool{}
	for _, off := range spreadOffsets(schools.Total, pages) {
		var p institutionPage
		q := url.Values{"level": {"school"}, "limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(off)}}
		if err := c.get(ctx, "/api/v1/institutions?"+q.Encode(), &p); err != nil {
			return ds, fmt.Errorf("list schools: %w", err)
		}
		for i, s := range p.Items {
			if i < perPage && !seenID[s.ID] {
				seenID[s.ID] = true
				ids = append(ids, s.ID)
			}
		}
	}
	for _, id := range ids {
		code, err := c.status(ctx, "/i/"+strconv.FormatInt(id, 10))
		if err != nil {
			return ds, err
		}
		if code != http.StatusOK {
			ds.DroppedSchools++
			continue
		}
		ds.SchoolIDs = append(ds.SchoolIDs, id)
	}
	if len(ds.SchoolIDs) == 0 {
		return ds, fmt.Errorf("no school page answers 200 (%d tried)", len(ids))
	}
	return ds, nil
}

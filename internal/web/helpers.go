package web

import (
	"encoding/json"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pathID parses a numeric path segment; junk is reported as not found.
func pathID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// contextTitle pulls the "title" out of an event's JSON context, if any.
func contextTitle(ctx string) string {
	var c struct {
		Title string `json:"title"`
		Name  string `json:"name"`
	}
	if json.Unmarshal([]byte(ctx), &c) != nil {
		return ""
	}
	if c.Title != "" {
		return c.Title
	}
	return c.Name
}

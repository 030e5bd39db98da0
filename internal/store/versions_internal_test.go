package store

import "testing"

func TestParseWrite(t *testing.T) {
	for _, c := range []struct {
		sql   string
		table string
		del   bool
	}{
		{"SELECT * FROM spaces", "", false},
		{"  select 1", "", false},
		{"PRAGMA optimize", "", false},
		{"INSERT INTO spaces (kind) VALUES ($1)", "spaces", false},
		{"insert or rollback into events(at) values (1)", "events", false},
		{"INSERT OR IGNORE INTO follows (a, b) VALUES (1, 2)", "follows", false},
		{"\n\t\tUPDATE spaces SET path = $1 WHERE id = $2", "spaces", false},
		{"UPDATE OR REPLACE users SET x = 1", "users", false},
		{"DELETE FROM space_members WHERE space_id = $1", "space_members", true},
		{"REPLACE INTO settings (k, v) VALUES (1, 2)", "settings", false},
		{`INSERT INTO "quoted"(a) VALUES (1)`, "quoted", false},
		{"WITH x AS (SELECT 1) DELETE FROM spaces", "*", false},
		{"CREATE TABLE t (a INT)", "*", false},
		{"DROP INDEX i", "*", false},
		{"", "", false},
	} {
		if got := parseWrite(c.sql); got.table != c.table || got.del != c.del {
			t.Errorf("parseWrite(%q) = %+v, want %q del %v", c.sql, got, c.table, c.del)
		}
	}
}

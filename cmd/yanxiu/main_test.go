package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// yx runs the command line in-process and returns exit code, stdout, stderr.
func yx(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommandLine(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, dbURL := e.Open(t)
			db.Close()
			data := t.TempDir()
			common := []string{"--data", data, "--db", dbURL}
			with := func(args ...string) []string { return append(args, common...) }

			if code, out, _ := yx(t, with("migrate")...); code != 0 || !strings.Contains(out, "schema version") {
				t.Fatalf("migrate: %d %q", code, out)
			}
			code, out, errOut := yx(t, with("user", "create", "--username", "root", "--password", "long-enough-1", "--role", "admin")...)
			if code != 0 || !strings.Contains(out, "created user root") {
				t.Fatalf("user create: %d %q %q", code, out, errOut)
			}
			// A bad role fails with a one-line reason on stderr.
			code, _, errOut = yx(t, with("user", "create", "--username", "x1", "--password", "long-enough-1", "--role", "king")...)
			if code == 0 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "role") {
				t.Fatalf("bad role: %d %q", code, errOut)
			}
			code, out, _ = yx(t, with("token", "create", "--user", "root")...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || !strings.HasPrefix(lines[len(lines)-1], "yx_") {
				t.Fatalf("token create: %d %q", code, out)
			}
			if code, _, errOut := yx(t, with("token", "create", "--user", "nobody")...); code == 0 || errOut == "" {
				t.Fatalf("token for unknown user: %d %q", code, errOut)
			}
			// Several users at once: one distinct token per user, in order;
			// an unknown name among them issues none.
			if code, _, errOut := yx(t, with("user", "create", "--username", "second", "--password", "long-enough-2", "--role", "admin")...); code != 0 {
				t.Fatalf("user create second: %d %q", code, errOut)
			}
			code, out, _ = yx(t, with("token", "create", "--user", "root,second", "--name", "load test")...)
			lines = strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "yx_") || !strings.HasPrefix(lines[1], "yx_") || lines[0] == lines[1] {
				t.Fatalf("token create for two users: %d %q", code, out)
			}
			if code, out, errOut := yx(t, with("token", "create", "--user", "root,nobody")...); code == 0 || out != "" || !strings.Contains(errOut, "nobody") {
				t.Fatalf("tokens with an unknown user: %d %q %q", code, out, errOut)
			}
			// Roster import into a school made through the service.
			code, _, errOut = yx(t, with("import", "roster", "--institution", "99999", writeFile(t, "r.csv", "工号,姓名\n1,甲\n"))...)
			if code == 0 || !strings.Contains(errOut, "import roster") {
				t.Fatalf("import into a missing institution: %d %q", code, errOut)
			}
			if e.Name != "sqlite" {
				code, _, errOut := yx(t, with("backup", "--out", "/tmp/x.db")...)
				if code == 0 || !strings.Contains(errOut, "pg_dump") {
					t.Fatalf("postgres backup guidance: %d %q", code, errOut)
				}
			}
		})
	}
}

// TestBackupRestore seeds the demo district, backs it up and finds every row
// in the copy.
func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(data, "yanxiu.db")
	with := func(args ...string) []string { return append(args, "--data", data) }
	if code, _, errOut := yx(t, with("demo", "--scale", "small")...); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if code, o, errOut := yx(t, with("backup", "--out", out)...); code != 0 || !strings.Contains(o, out) {
		t.Fatalf("backup: %d %q %q", code, o, errOut)
	}
	// Restore: the copy opens as a database and holds every row.
	src, err := store.Open(context.Background(), dbURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	restored, err := store.Open(context.Background(), "sqlite:"+out, "")
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	want, err1 := src.TableCounts(context.Background())
	got, err2 := restored.TableCounts(context.Background())
	if err1 != nil || err2 != nil || len(want) < 10 || want["events"] == 0 {
		t.Fatalf("counts: %v %v %v", want, err1, err2)
	}
	for table, n := range want {
		if got[table] != n {
			t.Errorf("restored %s has %d rows, want %d", table, got[table], n)
		}
	}
}

func TestUsageAndVersion(t *testing.T) {
	if code, out, _ := yx(t, "version"); code != 0 || !strings.HasPrefix(out, "yanxiu ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, errOut := yx(t, "frobnicate"); code != 2 || !strings.Contains(errOut, "usage") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, _ := yx(t, "serve", "--addr", "nonsense", "--data", t.TempDir()); code != 1 {
		t.Fatalf("bad address accepted: %d", code)
	}
	if code, _, errOut := yx(t, "migrate", "--db", "mysql://x"); code != 1 || !strings.Contains(errOut, "--db") {
		t.Fatalf("bad db URL: %d %q", code, errOut)
	}
	csv := writeFile(t, "d.csv", "score\n1\n2\n3\n4\n")
	if code, out, errOut := yx(t, "stats", "describe", "--in", csv, "--cols", "score", "--data", t.TempDir()); code != 0 || !strings.Contains(out, `"mean":2.5`) {
		t.Fatalf("stats describe: %d %q %q", code, out, errOut)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

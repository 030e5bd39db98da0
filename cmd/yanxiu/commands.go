package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/app"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/config"
	"github.com/yanxiu/yanxiu/internal/demo"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/roster"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/stats/statcli"
	"github.com/yanxiu/yanxiu/internal/store"
)

// parse reads defaults, the environment and then the flags into a Config.
func parse(name string, args []string, stderr io.Writer, serve bool, extra func(fs *flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	cfg, err := config.FromEnvironment()
	if err != nil {
		return cfg, nil, err
	}
	fs := flag.NewFlagSet("yanxiu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if serve {
		cfg.ServeFlags(fs)
	} else {
		cfg.Flags(fs)
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, fs, err
		}
		return cfg, fs, errUsage
	}
	return cfg, fs, cfg.Validate()
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := parse("serve", args, stderr, true, nil)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	tuneGC()
	a, err := app.Open(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	var logins []demo.Login
	if cfg.Demo {
		res, err := demo.Seed(ctx, a.DB, demo.Options{Scale: demo.Scale(cfg.DemoScale), Seed: 1, Files: a.Blobs})
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			log.Info("database already has data; demo seeding skipped")
		case err != nil:
			return fmt.Errorf("seed demo data: %w", err)
		default:
			logins = res.Logins
		}
	}
	return a.Serve(ctx, nil, func(addr string) {
		fmt.Fprintf(stdout, "Yanxiu is running at http://%s/ (database: %s)\n", addr, a.DB.Kind())
		if cfg.Demo {
			printLogins(stdout, logins)
		}
	})
}

// tuneGC lets the heap grow to three times the live data between
// collections instead of Go's default two, under a soft ceiling. A serving
// Yanxiu keeps a modest live heap (about 30 MB under load, most of it the
// read and fragment caches; the SQLite page caches live outside it), so
// the default collects so often that profiles under load showed a tenth of
// the CPU in the collector; the ceiling keeps resident memory in bounds
// (the heap, about 40 MB of SQLite caches and the binary make the 200 MB
// of the district benchmark). GOGC and GOMEMLIMIT in the environment still
// win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(90 << 20)
	}
}

func printLogins(w io.Writer, logins []demo.Login) {
	if len(logins) == 0 {
		fmt.Fprintln(w, "Demo logins: admin, district, school, teacher, expert, facilitator (password demo12345)")
		return
	}
	fmt.Fprintln(w, "Demo logins (username / password):")
	for _, l := range logins {
		fmt.Fprintf(w, "  %-12s %-12s %s\n", l.Username, l.Password, l.Note)
	}
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := parse("migrate", args, stderr, false, nil)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DBURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d (%s)\n", n, v, db.Kind())
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var scale, cpuProfile string
	var seed int64
	cfg, _, err := parse("demo", args, stderr, false, func(fs *flag.FlagSet) {
		fs.StringVar(&scale, "scale", "small", "small (seconds) or district (100,000 teachers, for benchmarks)")
		fs.Int64Var(&seed, "seed", 1, "random seed; the same seed gives the same district")
		fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the seed to this `file` (for go tool pprof)")
	})
	if err != nil {
		return err
	}
	if scale != "small" && scale != "district" {
		return fmt.Errorf("--scale %q: want small or district", scale)
	}
	a, err := app.Open(ctx, cfg, newLogger(stderr, "warn"), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if cpuProfile != "" {
		stop, err := startCPUProfile(cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	res, err := demo.Seed(ctx, a.DB, demo.Options{Scale: demo.Scale(scale), Seed: seed, Files: a.Blobs,
		Log: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d institutions, %d users, %d journal entries, %d communities, %d topics, %d replies, %d resources, %d events in %s\n",
		res.Institutions, res.Users, res.Entries, res.Communities, res.Topics, res.Replies, res.Resources, res.Events, res.Elapsed.Round(1e6))
	printLogins(stdout, res.Logins)
	return nil
}

func cmdUserCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var username, password, role, name string
	var inst int64
	cfg, _, err := parse("user create", args, stderr, false, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name (3–32 lowercase letters, digits, . _ -)")
		fs.StringVar(&password, "password", "", "password (at least 8 characters)")
		fs.StringVar(&role, "role", "teacher", "admin, district_admin, school_admin, facilitator, expert or teacher")
		fs.Int64Var(&inst, "institution", 0, "home institution `ID` (required except for admin)")
		fs.StringVar(&name, "name", "", "display name")
	})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(stderr, "warn"), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Service.CreateUser(ctx, nil, service.NewUser{Username: username, Password: password,
		Role: account.Role(role), InstitutionID: inst, Profile: service.Profile{DisplayName: name}})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
	return nil
}

func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var username, name string
	cfg, _, err := parse("token create", args, stderr, false, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "user", "", "username the token acts as; a comma-separated list issues one token per user, one per line in that order")
		fs.StringVar(&name, "name", "command line", "label shown in the token list")
	})
	if err != nil {
		return err
	}
	if username == "" {
		return errors.New("--user is required")
	}
	// Several users in one process: a load test that needs hundreds of
	// authenticated clients would otherwise open the database hundreds of
	// times. Every user is checked before any token is issued, so a typo
	// leaves no half-made set behind.
	names := strings.Split(username, ",")
	a, err := app.Open(ctx, cfg, newLogger(stderr, "warn"), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	users := make([]*account.User, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		if users[i], err = a.Service.UserByUsername(ctx, n); err != nil {
			return fmt.Errorf("user %q: %w", n, describe(err))
		}
	}
	for _, u := range users {
		plain, _, err := a.Service.CreateToken(ctx, u, name)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stderr, "token for %s (shown once; store it safely):\n", u.Username)
		fmt.Fprintln(stdout, plain)
	}
	return nil
}

func cmdImportRoster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var inst int64
	var dryRun, onlyValid bool
	var lang string
	cfg, fs, err := parse("import roster", args, stderr, false, func(fs *flag.FlagSet) {
		fs.Int64Var(&inst, "institution", 0, "institution `ID` the people belong to")
		fs.BoolVar(&dryRun, "dry-run", false, "show what would change and write nothing")
		fs.BoolVar(&onlyValid, "only-valid", false, "import the valid rows even when some rows have errors")
		fs.StringVar(&lang, "lang", "zh-CN", "language of messages: zh-CN or en")
	})
	if err != nil {
		return err
	}
	if inst == 0 || fs.NArg() != 1 {
		return errors.New("usage: yanxiu import roster --institution ID [--dry-run] [--only-valid] FILE")
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sheet, err := roster.Parse(f, path, roster.Options{})
	if err != nil {
		if e, ok := apperr.As(err); ok {
			return errors.New(cat.T(lang, e.Key, argList(e.Args)...))
		}
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(stderr, "warn"), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	var res *service.RosterResult
	if dryRun {
		res, err = a.Service.PreviewRoster(ctx, nil, inst, sheet)
	} else {
		res, err = a.Service.ImportRoster(ctx, nil, inst, sheet, path, onlyValid)
	}
	if res != nil {
		for _, l := range res.Lines {
			for _, e := range l.Errors {
				args := make([]any, 0, 2*len(e.Args))
				for k, v := range e.Args {
					args = append(args, k, v)
				}
				fmt.Fprintf(stderr, "row %d, %s: %s\n", e.Row, cat.T(lang, roster.ColumnMessageKey(e.Column)), cat.T(lang, e.Code, args...))
			}
		}
		for _, u := range res.Sheet.Unknown {
			fmt.Fprintf(stderr, "unknown column ignored: %s\n", u)
		}
	}
	if err != nil {
		if errors.Is(err, service.ErrRosterHasErrors) {
			return fmt.Errorf("%d row(s) have errors; nothing was imported (use --only-valid to import the others)", res.Invalid)
		}
		return describe(err)
	}
	verb := "imported"
	if dryRun {
		verb = "dry run, nothing written"
	}
	fmt.Fprintf(stdout, "%s: %d created, %d updated, %d unchanged, %d skipped\n", verb, res.Created, res.Updated, res.Unchanged, res.Invalid)
	if !dryRun {
		for _, l := range res.Lines {
			if l.Password != "" {
				fmt.Fprintf(stdout, "%s\t%s\n", l.Row.Username, l.Password)
			}
		}
	}
	return nil
}

func argList(m map[string]any) []any {
	out := make([]any, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var out string
	cfg, _, err := parse("backup", args, stderr, false, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "`file` to write the copy to (must not exist)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return errors.New("--out FILE is required")
	}
	db, err := store.Open(ctx, cfg.DBURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, out); err != nil {
		return err
	}
	// Check the copy: it must open and hold at least the rows the source had
	// (the server may have written more since the snapshot, never fewer).
	copyDB, err := store.Open(ctx, "sqlite:"+out, "")
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer copyDB.Close()
	counts, err := copyDB.TableCounts(ctx)
	if err != nil {
		return fmt.Errorf("check backup: %w", err)
	}
	var total int64
	for _, n := range counts {
		total += n
	}
	fmt.Fprintf(stdout, "backup written to %s (%d tables, %d rows)\n", out, len(counts), total)
	return nil
}

func cmdStats(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if code := statcli.Run(withoutStorageFlags(args), stdout, stderr); code != 0 {
		return errSilent
	}
	return nil
}

// withoutStorageFlags drops --data and --db (which every subcommand accepts,
// so scripts can pass them uniformly) from arguments for a command that
// reads only its input file.
func withoutStorageFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data" || a == "--db" || a == "-data" || a == "-db":
			i++ // skip the value too
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-data=") || strings.HasPrefix(a, "-db="):
		default:
			out = append(out, a)
		}
	}
	return out
}

// errSilent reports failure when the subcommand already printed its reason.
var errSilent = errors.New("failed")

// describe renders a service error for the terminal in English.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	msg := cat.T("en", e.Key, argList(e.Args)...)
	var parts []string
	for f, fe := range e.Fields {
		parts = append(parts, f+": "+cat.T("en", fe.Key, argList(fe.Args)...))
	}
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	return errors.New(msg)
}

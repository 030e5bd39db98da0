// Command yanxiu is the Yanxiu server and its administration tools in one
// binary: serve, migrate, demo, user create, token create, import roster,
// backup, stats and version. Every subcommand takes --data/--db and exits
// non-zero with a one-line reason on stderr when it fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "start the web server", cmdServe},
		{"migrate", "apply database migrations", cmdMigrate},
		{"demo", "seed a demo district into an empty database", cmdDemo},
		{"user create", "create an account", cmdUserCreate},
		{"token create", "issue a personal access token for the API", cmdTokenCreate},
		{"import roster", "import a staff roster (CSV or XLSX) into an institution", cmdImportRoster},
		{"resources reindex", "rebuild the search index of teaching resources", cmdResourcesReindex},
		{"backup", "write a consistent copy of the SQLite database", cmdBackup},
		{"stats", "run a statistical analysis on a CSV file", cmdStats},
		{"version", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "yanxiu", version)
			return nil
		}},
	}
}

// errUsage means the help was printed and the exit should be non-zero.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(ctx, args[len(words):], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.Is(err, errSilent):
				return 1
			}
			fmt.Fprintf(stderr, "yanxiu %s: %s\n", c.name, oneLine(err))
			return 1
		}
	}
	usage(stderr)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return 0
	}
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: yanxiu COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'yanxiu COMMAND --help' for a command's flags.")
}

// oneLine keeps an error on one line, as scripts expect.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

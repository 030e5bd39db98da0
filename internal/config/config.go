// Package config holds the settings of a Yanxiu process: defaults, then the
// environment (YANXIU_*), then command-line flags, with Validate. A Config is
// passed explicitly to what needs it; there is no global configuration.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting a subcommand may use.
type Config struct {
	Addr    string // listen address for serve
	DataDir string // folder for the SQLite database, uploads and backups
	DBURL   string // postgres://... to use PostgreSQL; "" for SQLite in DataDir
	Demo    bool   // seed demo data on first start
	// DemoScale is small or district.
	DemoScale string
	// BaseURL is the public URL, for links in feeds; derived from Addr when empty.
	BaseURL string
	// SecureCookies marks cookies Secure; on by default unless serving plain HTTP on loopback.
	SecureCookies bool
	LogLevel      string
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration
	// MaxBodyBytes bounds ordinary request bodies (forms, JSON).
	MaxBodyBytes int64
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data", DemoScale: "small", LogLevel: "info",
		ShutdownTimeout: 10 * time.Second, MaxBodyBytes: 1 << 20}
}

// Env reads YANXIU_* variables; the function argument is os.Getenv in
// production and a map lookup in tests.
func (c *Config) Env(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("YANXIU_ADDR", &c.Addr)
	str("YANXIU_DATA", &c.DataDir)
	str("YANXIU_DB", &c.DBURL)
	str("YANXIU_BASE_URL", &c.BaseURL)
	str("YANXIU_LOG_LEVEL", &c.LogLevel)
	if v := getenv("YANXIU_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("YANXIU_SECURE_COOKIES: %w", err)
		}
		c.SecureCookies = b
	}
	return nil
}

// Flags registers the common flags (--data, --db) on fs; serve adds its own.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `folder` (SQLite database, uploads); env YANXIU_DATA")
	fs.StringVar(&c.DBURL, "db", c.DBURL, "database `URL`: postgres://... for PostgreSQL, empty for SQLite in --data; env YANXIU_DB")
}

// ServeFlags registers the flags of the serve subcommand.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.Flags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen `address` host:port; env YANXIU_ADDR")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed a demo district into an empty database on first start")
	fs.StringVar(&c.DemoScale, "scale", c.DemoScale, "demo size: small or district")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public `URL` for links in feeds; env YANXIU_BASE_URL")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure (behind HTTPS); env YANXIU_SECURE_COOKIES")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
}

// Validate checks the settings and fills derived ones.
func (c *Config) Validate() error {
	var errs []error
	if c.DataDir == "" && c.DBURL == "" {
		errs = append(errs, errors.New("either --data or --db is required"))
	}
	if c.DBURL != "" && !strings.HasPrefix(c.DBURL, "postgres://") && !strings.HasPrefix(c.DBURL, "postgresql://") && !strings.HasPrefix(c.DBURL, "sqlite:") {
		errs = append(errs, fmt.Errorf("--db %q: want postgres://... or sqlite:PATH", c.DBURL))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: %w", c.Addr, err))
	}
	if c.DemoScale != "small" && c.DemoScale != "district" {
		errs = append(errs, fmt.Errorf("--scale %q: want small or district", c.DemoScale))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return errors.Join(errs...)
}

// FromEnvironment returns defaults overlaid with the real environment.
func FromEnvironment() (Config, error) {
	c := Default()
	err := c.Env(os.Getenv)
	return c, err
}

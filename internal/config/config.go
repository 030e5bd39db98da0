// Package config holds the settings of a Yanxiu process: defaults, then the
// environment (YANXIU_*), then command-line flags, with Validate. A Config is
// passed explicitly to what needs it; there is no global configuration.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting a subcommand may use.
type Config struct {
	Addr string // listen address for serve
	// DebugAddr, when set, serves Go's runtime profiles (net/http/pprof)
	// on a second listener, meant for loopback: profiles show internals
	// and cost CPU, so they never share the public port.
	DebugAddr string
	DataDir   string // folder for the SQLite database, uploads and backups
	DBURL     string // postgres://... to use PostgreSQL; "" for SQLite in DataDir
	Demo      bool   // seed demo data on first start
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
	// SMTP is the outgoing mail server; notifications are sent by e-mail
	// only when SMTP.Host is set.
	SMTP SMTP
	// S3 is the object storage for uploaded files; files stay on local
	// disk under DataDir unless S3.Endpoint is set.
	S3 S3
}

// S3 configures an S3-compatible bucket for uploaded files (MinIO, AWS S3,
// or a cloud's S3-compatible service). The bucket must exist.
type S3 struct {
	Endpoint  string // host[:port], without a scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	Prefix    string // prepended to object names, such as "yanxiu/"
	TLS       bool   // HTTPS to the endpoint (default on)
}

// SMTP configures the outgoing mail server.
type SMTP struct {
	Host     string
	Port     int
	TLS      string // none, starttls or tls
	Username string
	Password string
	From     string // sender address, optionally with a name: "研修平台 <noreply@example.org>"
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data", DemoScale: "small", LogLevel: "info",
		ShutdownTimeout: 10 * time.Second, MaxBodyBytes: 1 << 20, SMTP: SMTP{Port: 587, TLS: "starttls"},
		S3: S3{TLS: true}}
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
	str("YANXIU_DEBUG_ADDR", &c.DebugAddr)
	str("YANXIU_DATA", &c.DataDir)
	str("YANXIU_DB", &c.DBURL)
	str("YANXIU_BASE_URL", &c.BaseURL)
	str("YANXIU_LOG_LEVEL", &c.LogLevel)
	str("YANXIU_SMTP_HOST", &c.SMTP.Host)
	str("YANXIU_SMTP_TLS", &c.SMTP.TLS)
	str("YANXIU_SMTP_USERNAME", &c.SMTP.Username)
	str("YANXIU_SMTP_PASSWORD", &c.SMTP.Password)
	str("YANXIU_SMTP_FROM", &c.SMTP.From)
	str("YANXIU_S3_ENDPOINT", &c.S3.Endpoint)
	str("YANXIU_S3_BUCKET", &c.S3.Bucket)
	str("YANXIU_S3_ACCESS_KEY", &c.S3.AccessKey)
	str("YANXIU_S3_SECRET_KEY", &c.S3.SecretKey)
	str("YANXIU_S3_REGION", &c.S3.Region)
	str("YANXIU_S3_PREFIX", &c.S3.Prefix)
	if v := getenv("YANXIU_S3_TLS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("YANXIU_S3_TLS: %w", err)
		}
		c.S3.TLS = b
	}
	if v := getenv("YANXIU_SMTP_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("YANXIU_SMTP_PORT: %w", err)
		}
		c.SMTP.Port = n
	}
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
	fs.StringVar(&c.S3.Endpoint, "s3-endpoint", c.S3.Endpoint, "keep uploaded files in the S3-compatible service at this `host[:port]` instead of --data; env YANXIU_S3_ENDPOINT")
	fs.StringVar(&c.S3.Bucket, "s3-bucket", c.S3.Bucket, "S3 `bucket` (must exist); env YANXIU_S3_BUCKET")
	fs.StringVar(&c.S3.AccessKey, "s3-access-key", c.S3.AccessKey, "S3 access `key`; env YANXIU_S3_ACCESS_KEY")
	fs.StringVar(&c.S3.SecretKey, "s3-secret-key", c.S3.SecretKey, "S3 `secret` key (prefer env YANXIU_S3_SECRET_KEY: flags show in the process list)")
	fs.StringVar(&c.S3.Region, "s3-region", c.S3.Region, "S3 `region`, when the service needs one; env YANXIU_S3_REGION")
	fs.StringVar(&c.S3.Prefix, "s3-prefix", c.S3.Prefix, "`prefix` of object names, e.g. yanxiu/; env YANXIU_S3_PREFIX")
	fs.BoolVar(&c.S3.TLS, "s3-tls", c.S3.TLS, "use HTTPS to the S3 endpoint; env YANXIU_S3_TLS")
}

// ServeFlags registers the flags of the serve subcommand.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.Flags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen `address` host:port; env YANXIU_ADDR")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "serve runtime profiles (/debug/pprof/) on this loopback `address`; empty for none; env YANXIU_DEBUG_ADDR")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed a demo district into an empty database on first start")
	fs.StringVar(&c.DemoScale, "scale", c.DemoScale, "demo size: small or district")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public `URL` for links in feeds; env YANXIU_BASE_URL")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure (behind HTTPS); env YANXIU_SECURE_COOKIES")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.StringVar(&c.SMTP.Host, "smtp-host", c.SMTP.Host, "outgoing mail server `host`; empty sends no e-mail; env YANXIU_SMTP_HOST")
	fs.IntVar(&c.SMTP.Port, "smtp-port", c.SMTP.Port, "outgoing mail server `port`; env YANXIU_SMTP_PORT")
	fs.StringVar(&c.SMTP.TLS, "smtp-tls", c.SMTP.TLS, "mail server TLS: none, starttls or tls (implicit, port 465); env YANXIU_SMTP_TLS")
	fs.StringVar(&c.SMTP.Username, "smtp-username", c.SMTP.Username, "mail server `user` name; env YANXIU_SMTP_USERNAME")
	fs.StringVar(&c.SMTP.Password, "smtp-password", c.SMTP.Password, "mail server `password` (prefer env YANXIU_SMTP_PASSWORD: flags show in the process list)")
	fs.StringVar(&c.SMTP.From, "smtp-from", c.SMTP.From, "sender `address` of e-mails, e.g. \"研修 <noreply@example.org>\"; env YANXIU_SMTP_FROM")
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
	if c.DebugAddr != "" {
		if host, _, err := net.SplitHostPort(c.DebugAddr); err != nil {
			errs = append(errs, fmt.Errorf("--debug-addr %q: %w", c.DebugAddr, err))
		} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			errs = append(errs, fmt.Errorf("--debug-addr %q: profiles are served on loopback only", c.DebugAddr))
		}
	}
	if c.DemoScale != "small" && c.DemoScale != "district" {
		errs = append(errs, fmt.Errorf("--scale %q: want small or district", c.DemoScale))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	errs = append(errs, c.SMTP.validate()...)
	errs = append(errs, c.S3.validate()...)
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

// validate checks the mail settings when mail is switched on (Host set).
func (m SMTP) validate() []error {
	if m.Host == "" {
		return nil
	}
	var errs []error
	if m.Port < 1 || m.Port > 65535 {
		errs = append(errs, fmt.Errorf("--smtp-port %d: want 1 to 65535", m.Port))
	}
	switch m.TLS {
	case "none", "starttls", "tls":
	default:
		errs = append(errs, fmt.Errorf("--smtp-tls %q: want none, starttls or tls", m.TLS))
	}
	if a, err := mail.ParseAddress(m.From); err != nil || a.Address == "" {
		errs = append(errs, fmt.Errorf("--smtp-from %q: want a sender address such as noreply@example.org", m.From))
	}
	if m.Password != "" && m.Username == "" {
		errs = append(errs, errors.New("--smtp-password without --smtp-username"))
	}
	return errs
}

// validate checks the object storage settings when S3 is switched on.
func (o S3) validate() []error {
	if o.Endpoint == "" {
		return nil
	}
	var errs []error
	if strings.Contains(o.Endpoint, "://") || strings.Contains(o.Endpoint, "/") {
		errs = append(errs, fmt.Errorf("--s3-endpoint %q: want host[:port] without a scheme or path (use --s3-tls for HTTPS)", o.Endpoint))
	}
	if o.Bucket == "" {
		errs = append(errs, errors.New("--s3-endpoint without --s3-bucket"))
	}
	if (o.AccessKey == "") != (o.SecretKey == "") {
		errs = append(errs, errors.New("--s3-access-key and --s3-secret-key go together"))
	}
	return errs
}

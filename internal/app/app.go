// Package app wires a running Yanxiu together: configuration, database,
// file storage, services, the web site and the API. The yanxiu command and
// the end-to-end tests both start servers through it, so what tests run is
// what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/api"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/config"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/mail"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/web"
	"github.com/yanxiu/yanxiu/internal/web/static"
)

// App is an opened Yanxiu: database migrated, services ready.
type App struct {
	Config  config.Config
	DB      *store.DB
	Service *service.Service
	Blobs   blob.Store
	Log     *slog.Logger
	// Jobs runs background work such as notification e-mails; Serve starts it.
	Jobs *jobs.Runner
}

// Options tune Open for tests.
type Options struct {
	// Argon2 overrides the password hashing cost (tests use a cheap one).
	Argon2 account.Argon2Params
	Now    func() time.Time
}

// Open connects to the database, applies migrations and builds the services.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	db, err := store.Open(ctx, cfg.DBURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	dataDir := cfg.DataDir
	if dataDir == "" {
		dataDir = "./data"
	}
	blobs, err := openBlobs(ctx, cfg, dataDir)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open file storage: %w", err)
	}
	cat, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load message catalogues: %w", err)
	}
	mailer, err := newMailer(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	// The runner shares the service's clock: jobs are scheduled by it.
	runner := jobs.NewRunner(db, jobs.RunnerOptions{Logger: log.With("component", "jobs"), Now: opts.Now})
	notifyOpts := service.NotifyOptions{Catalog: cat, BaseURL: cfg.BaseURL, WakeJobs: runner.Wake}
	if mailer != nil {
		notifyOpts.Mailer = mailer
	}
	svc := service.New(service.Options{DB: db, Blobs: blobSaver{blobs}, Logger: log, Argon2: opts.Argon2, Now: opts.Now,
		Notify: notifyOpts, Files: blobs})
	// Community fan-outs fill inboxes, which need no mail server.
	runner.Register(service.JobCommunityFanout, svc.FanOutToMembers)
	// Text of uploaded PDF and Office files, for search.
	runner.Register(service.JobResourceText, svc.ExtractResourceText)
	// Thumbnails of uploaded pictures and PDFs' first pages.
	runner.Register(service.JobResourceThumbnail, svc.MakeResourceThumbnail)
	// Questionnaire reminders fill inboxes too.
	runner.Register(service.JobSurveyReminders, svc.SendSurveyReminders)
	if mailer != nil {
		runner.Register(service.JobNotificationMail, svc.SendNotificationMail)
		runner.Register(service.JobNotificationDigest, svc.SendDigest)
		runner.Register(service.JobNotificationDigestFor, svc.SendDigestFor)
	}
	return &App{Config: cfg, DB: db, Service: svc, Blobs: blobs, Log: log, Jobs: runner}, nil
}

// newMailer returns the SMTP sender, or nil when no mail server is configured.
func newMailer(cfg config.Config) (*mail.Sender, error) {
	if cfg.SMTP.Host == "" {
		return nil, nil
	}
	from, err := netmail.ParseAddress(cfg.SMTP.From)
	if err != nil {
		return nil, fmt.Errorf("--smtp-from %q: %w", cfg.SMTP.From, err)
	}
	// EHLO names this host; an address would need the [1.2.3.4] form, so
	// only a public host name from the base URL replaces "localhost".
	hello := "localhost"
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		hello = u.Hostname()
	}
	return mail.NewSender(mail.Config{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, TLS: mail.TLSMode(cfg.SMTP.TLS),
		Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, From: *from, HelloName: hello})
}

// openBlobs opens the file storage: an S3-compatible bucket when one is
// configured, the data folder otherwise. S3 spools uploads under the data
// folder's tmp, next to the other temporary files.
func openBlobs(ctx context.Context, cfg config.Config, dataDir string) (blob.Store, error) {
	if cfg.S3.Endpoint == "" {
		return blob.NewLocal(filepath.Join(dataDir, "files"))
	}
	return blob.NewS3(ctx, blob.S3Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, AccessKey: cfg.S3.AccessKey,
		SecretKey: cfg.S3.SecretKey, Region: cfg.S3.Region, UseTLS: cfg.S3.TLS, Prefix: cfg.S3.Prefix,
		TempDir: filepath.Join(dataDir, "tmp", "uploads")})
}

// blobSaver adapts the blob store to the service's small Blobs interface.
type blobSaver struct{ l blob.Store }

func (b blobSaver) Save(ctx context.Context, r io.Reader) (string, error) {
	obj, err := b.l.Put(ctx, r)
	return obj.Key, err
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Handler builds the whole HTTP handler: web pages, API, static files.
func (a *App) Handler() (http.Handler, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("load message catalogues: %w", err)
	}
	assets, err := static.New()
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	apiHandler := api.New(api.Options{Service: a.Service, Catalog: cat, Logger: a.Log, MaxBodyBytes: a.Config.MaxBodyBytes})
	srv, err := web.New(web.Options{Service: a.Service, Catalog: cat, Assets: assets, Blobs: a.Blobs, API: apiHandler,
		Logger: a.Log, BaseURL: a.Config.BaseURL, SecureCookies: a.Config.SecureCookies, MaxBodyBytes: a.Config.MaxBodyBytes,
		TempDir: filepath.Join(a.dataDir(), "tmp"), Concurrency: a.concurrency()})
	if err != nil {
		return nil, err
	}
	return srv.Handler(), nil
}

// concurrency is how many requests the site serves at once: two per core
// on SQLite, where pages are CPU-bound and the writer must get its turn;
// more on PostgreSQL, where requests spend much of their time waiting on it.
func (a *App) concurrency() int {
	if a.DB.Kind() == "postgres" {
		return 8 * web.DefaultConcurrency()
	}
	return web.DefaultConcurrency()
}

func (a *App) dataDir() string {
	if a.Config.DataDir == "" {
		return "./data"
	}
	return a.Config.DataDir
}

// Serve listens on ln (or Config.Addr when ln is nil) until ctx is done, then
// shuts down gracefully. ready, when not nil, receives the bound address.
func (a *App) Serve(ctx context.Context, ln net.Listener, ready func(addr string)) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	if ln == nil {
		if ln, err = net.Listen("tcp", a.Config.Addr); err != nil {
			return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
		}
	}
	// Fixed timeouts for ordinary requests; 1 GB uploads and downloads
	// extend their own while they flow (transfer.go).
	srv := &http.Server{Handler: keepTransfersAlive(h, defaultTransfers), ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	if a.Config.DebugAddr != "" {
		stop, err := serveProfiles(a.Config.DebugAddr, a.Log)
		if err != nil {
			return err
		}
		defer stop()
	}
	go a.housekeeping(ctx)
	go a.indexMissingResources(ctx)
	a.startJobs(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	timeout := a.Config.ShutdownTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	// Running jobs finish, or go back to the queue when the deadline comes.
	if err := a.Jobs.Stop(sctx); err != nil {
		a.Log.Warn("stop background jobs", "err", err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startJobs starts the background job runner when it has work to handle
// and makes sure the daily digest is queued (when there is a mail server).
func (a *App) startJobs(ctx context.Context) {
	if len(a.Jobs.Kinds()) == 0 {
		return
	}
	if err := a.Jobs.Start(ctx); err != nil {
		a.Log.Error("start background jobs", "err", err)
		return
	}
	if err := a.Service.ScheduleDigest(ctx); err != nil {
		a.Log.Warn("schedule the daily digest", "err", err)
	}
}

// indexMissingResources puts into the search index what it lacks (after a
// migration that changed the index layout, every resource), in the
// background so that a large collection does not delay the start.
func (a *App) indexMissingResources(ctx context.Context) {
	n, err := a.Service.IndexMissingResources(ctx)
	if err != nil && ctx.Err() == nil {
		a.Log.Warn("index resources", "err", err)
	}
	if n > 0 {
		a.Log.Info("indexed resources missing from search", "count", n)
	}
}

// housekeeping prunes expired sessions hourly.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := a.Service.PruneSessions(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("prune sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

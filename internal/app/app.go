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
	"os"
	"path/filepath"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/api"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/config"
	"github.com/yanxiu/yanxiu/internal/i18n"
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
	Blobs   *blob.Local
	Log     *slog.Logger
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
	blobs, err := blob.NewLocal(filepath.Join(dataDir, "files"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open file storage: %w", err)
	}
	svc := service.New(service.Options{DB: db, Blobs: blobSaver{blobs}, Logger: log, Argon2: opts.Argon2, Now: opts.Now})
	return &App{Config: cfg, DB: db, Service: svc, Blobs: blobs, Log: log}, nil
}

// blobSaver adapts the blob store to the service's small Blobs interface.
type blobSaver struct{ l *blob.Local }

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
		TempDir: filepath.Join(a.dataDir(), "tmp")})
	if err != nil {
		return nil, err
	}
	return srv.Handler(), nil
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
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	go a.housekeeping(ctx)
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
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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

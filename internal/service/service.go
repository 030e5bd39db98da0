// Package service holds Yanxiu's use cases, shared by the HTML pages, the JSON
// API and the command line so that permissions cannot drift apart between
// them. Each method checks who may do what, opens the transaction, writes the
// change and its event together, and returns domain values or *apperr.Error.
package service

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Blobs is the part of file storage the services use.
type Blobs interface {
	// Save stores the content of r and returns its content-addressed key.
	Save(ctx context.Context, r io.Reader) (key string, err error)
}

// Options configure a Service.
type Options struct {
	DB     *store.DB
	Blobs  Blobs
	Logger *slog.Logger
	// Now is the clock; tests pass a fixed one.
	Now func() time.Time
	// Argon2 are the password hashing costs.
	Argon2 account.Argon2Params
	// SessionTTL is how long an idle session lives.
	SessionTTL time.Duration
	// Notify configures e-mail for notifications (none by default).
	Notify NotifyOptions
	// FanoutBatch is how many members a JobCommunityFanout job notifies in
	// one transaction (default DefaultFanoutBatch); tests make it small.
	FanoutBatch int
	// Files is the whole file store, which resources need beyond Save:
	// staging an upload to look inside it, opening files for download and
	// text extraction. Without it, file resources are refused.
	Files blob.Store
	// Resources tunes resources (quotas per kind of space); zero values
	// take the defaults.
	Resources ResourceOptions
}

// Service is the use-case layer.
type Service struct {
	db     *store.DB
	blobs  Blobs
	log    *slog.Logger
	now    func() time.Time
	argon  account.Argon2Params
	ttl    time.Duration
	spaces *spaceCache
	reads  *readCache
	// argonSlots bounds the password hashes computed at once; see
	// hashPassword.
	argonSlots chan struct{}
	touched    touchLimiter
	notify     *notifier
	// fanoutBatch is Options.FanoutBatch with its default.
	fanoutBatch int
	files       blob.Store
	resOpts     ResourceOptions
	blobLocks   blobLocks
}

// New returns a Service with defaults filled in.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Argon2 == (account.Argon2Params{}) {
		o.Argon2 = account.DefaultArgon2
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 14 * 24 * time.Hour
	}
	if o.FanoutBatch <= 0 {
		o.FanoutBatch = DefaultFanoutBatch
	}
	return &Service{db: o.DB, blobs: o.Blobs, log: o.Logger, now: o.Now, argon: o.Argon2, ttl: o.SessionTTL,
		spaces: newSpaceCache(o.DB), reads: newReadCache(o.DB), argonSlots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)), notify: newNotifier(o.Notify), fanoutBatch: o.FanoutBatch,
		files: o.Files, resOpts: o.Resources.withDefaults()}
}

// DB exposes the database to the edges that report on it (health checks).
func (s *Service) DB() *store.DB { return s.db }

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.now().UTC() }

// record appends an event inside the caller's transaction. ctx values are
// marshalled to a small JSON object.
func (s *Service) record(ctx context.Context, q *store.Q, e event.Event, details map[string]any) error {
	if e.At.IsZero() {
		e.At = s.Now()
	}
	if len(details) > 0 {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		if len(b) > event.MaxContext {
			b = []byte("{}")
		}
		e.Context = string(b)
	}
	return q.AppendEvent(ctx, &e)
}

package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Login throttling: failures counted over a sliding window, per account (to
// stop guessing one password) and per address (to stop spraying many).
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresPerUser = 10
	maxFailuresPerIP   = 50
)

// dummyHash is checked when the username does not exist, so that response
// time does not reveal which usernames exist.
// It is made on first use so that starting the binary costs nothing.
var dummyHash = sync.OnceValue(func() string {
	h, _ := account.HashPassword("not a password", account.DefaultArgon2)
	return h
})

// hashPassword and checkPassword run argon2id, which holds its memory
// parameter (19 MiB by default) for each hash, at most argonSlots at once.
// A burst of sign-ins (a class logging in together, the benchmark's 32
// writers) would otherwise hold 19 MiB for every request admitted at the
// same time, past the server's memory budget; in line they take ~40 ms each.
func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	if err := s.argonSlot(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.argonSlots }()
	return account.HashPassword(pw, s.argon)
}

func (s *Service) checkPassword(ctx context.Context, pw, hash string) (bool, error) {
	if err := s.argonSlot(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.argonSlots }()
	return account.CheckPassword(pw, hash)
}

func (s *Service) argonSlot(ctx context.Context) error {
	select {
	case s.argonSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS RNG failing is unrecoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// LoginInput is what the login form and API send.
type LoginInput struct {
	Username, Password, IP, UserAgent string
}

// Login checks credentials and opens a session; it returns the cookie token
// (shown once, stored only as a hash) and the session.
func (s *Service) Login(ctx context.Context, in LoginInput) (string, *account.Session, *account.User, error) {
	username := account.NormalizeUsername(in.Username)
	f := apperr.Fields{}
	if username == "" {
		f.Add("username", "form.required")
	}
	if in.Password == "" {
		f.Add("password", "form.required")
	}
	if len(username) > 64 || len(in.Password) > account.MaxPassword {
		f.Add("username", "auth.invalid_credentials")
	}
	if err := f.Err(); err != nil {
		return "", nil, nil, err
	}
	now := s.Now()
	r := s.db.R()
	nUser, err := r.CountLoginFailures(ctx, "user", username, now.Add(-throttleWindow))
	if err != nil {
		return "", nil, nil, err
	}
	nIP, err := r.CountLoginFailures(ctx, "ip", in.IP, now.Add(-throttleWindow))
	if err != nil {
		return "", nil, nil, err
	}
	if nUser >= maxFailuresPerUser || nIP >= maxFailuresPerIP {
		return "", nil, nil, &apperr.Error{Code: apperr.RateLimited, Key: "auth.throttled",
			Args: map[string]any{"minutes": int(throttleWindow.Minutes())}}
	}
	u, err := r.UserByUsername(ctx, username)
	hash := dummyHash()
	if err == nil {
		if hash, err = r.PasswordHash(ctx, u.ID); err != nil {
			return "", nil, nil, err
		}
	} else if !apperr.Is(err, apperr.NotFound) {
		return "", nil, nil, err
	}
	ok, err := s.checkPassword(ctx, in.Password, hash)
	if err != nil {
		return "", nil, nil, fmt.Errorf("check password of %s: %w", username, err)
	}
	if !ok || u == nil || u.Disabled {
		werr := s.db.Tx(ctx, func(q *store.Q) error {
			if err := q.RecordLoginFailure(ctx, "user", username, now); err != nil {
				return err
			}
			return q.RecordLoginFailure(ctx, "ip", in.IP, now)
		})
		if werr != nil {
			return "", nil, nil, werr
		}
		return "", nil, nil, &apperr.Error{Code: apperr.Unauthorized, Key: "auth.invalid_credentials",
			Fields: map[string]apperr.FieldError{"password": {Key: "auth.invalid_credentials"}}}
	}
	tok := randomToken(32)
	sess := &account.Session{ID: hashToken(tok), UserID: u.ID, CSRFToken: randomToken(24), CreatedAt: now,
		ExpiresAt: now.Add(s.ttl), LastSeen: now, UserAgent: truncate(in.UserAgent, 200), IP: truncate(in.IP, 64)}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateSession(ctx, sess); err != nil {
			return err
		}
		if err := q.ClearLoginFailures(ctx, "user", username); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.LoggedIn, ObjectType: event.ObjUser,
			ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, nil)
	})
	if err != nil {
		return "", nil, nil, err
	}
	return tok, sess, u, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Authenticate resolves a session cookie token to its session and user,
// sliding the expiry forward at most once a minute to spare the writer.
func (s *Service) Authenticate(ctx context.Context, tok string) (*account.Session, *account.User, error) {
	if tok == "" || len(tok) > 128 {
		return nil, nil, errUnauthorized
	}
	now := s.Now()
	sess, u, err := s.db.R().SessionWithUser(ctx, hashToken(tok), now)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(sess.LastSeen) > time.Minute {
		sess.LastSeen, sess.ExpiresAt = now, now.Add(s.ttl)
		if err := s.db.W().TouchSession(ctx, sess.ID, sess.LastSeen, sess.ExpiresAt); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	return sess, u, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, sess *account.Session) error {
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteSession(ctx, sess.ID); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: sess.UserID, Verb: event.LoggedOut, ObjectType: event.ObjUser, ObjectID: sess.UserID}, nil)
	})
}

// LogoutEverywhere ends every session of the user, including the current one.
func (s *Service) LogoutEverywhere(ctx context.Context, u *account.User) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(q *store.Q) error {
		var err error
		if n, err = q.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.SessionsRevoked, ObjectType: event.ObjUser,
			ObjectID: u.ID, InstitutionID: u.InstitutionID}, map[string]any{"sessions": n})
	})
	return n, err
}

// ChangePassword verifies the current password, sets the new one and ends
// every other session, so a stolen session does not survive the change.
func (s *Service) ChangePassword(ctx context.Context, u *account.User, keepSession, current, next, confirm string) error {
	f := apperr.Fields{}
	if current == "" {
		f.Add("current", "form.required")
	}
	account.ValidatePassword(f, "new", next)
	if next != confirm {
		f.Add("confirm", "account.password.mismatch")
	}
	if err := f.Err(); err != nil {
		return err
	}
	hash, err := s.db.R().PasswordHash(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok, err := s.checkPassword(ctx, current, hash); err != nil || !ok {
		f.Add("current", "account.password.wrong")
		return f.Err()
	}
	newHash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.SetPasswordHash(ctx, u.ID, newHash, s.Now().UnixMilli()); err != nil {
			return err
		}
		if _, err := q.DeleteUserSessions(ctx, u.ID, keepSession); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.PasswordChanged, ObjectType: event.ObjUser,
			ObjectID: u.ID, InstitutionID: u.InstitutionID}, nil)
	})
}

// tokenPrefix starts every personal access token, so leaked tokens are easy
// to recognise in logs and by secret scanners.
const tokenPrefix = "yx_"

// MaxTokenName bounds a token's label.
const MaxTokenName = 64

// CreateToken issues a personal access token for u and returns it in plain
// text; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, u *account.User, name string) (string, *account.Token, error) {
	name = strings.TrimSpace(name)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		f.Add("name", "form.required")
	case n > MaxTokenName:
		f.Add("name", "form.too_long", "max", MaxTokenName)
	}
	if err := f.Err(); err != nil {
		return "", nil, err
	}
	plain := tokenPrefix + randomToken(30)
	t := &account.Token{UserID: u.ID, Name: name, Prefix: plain[:8], Hash: hashToken(plain), CreatedAt: s.Now()}
	err := s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateToken(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.TokenCreated, ObjectType: event.ObjToken,
			ObjectID: t.ID, InstitutionID: u.InstitutionID}, map[string]any{"name": name})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, t, nil
}

// Tokens lists u's tokens.
func (s *Service) Tokens(ctx context.Context, u *account.User) ([]*account.Token, error) {
	return s.db.R().Tokens(ctx, u.ID)
}

// RevokeToken deletes one of u's tokens.
func (s *Service) RevokeToken(ctx context.Context, u *account.User, id int64) error {
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.DeleteToken(ctx, u.ID, id); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.TokenRevoked, ObjectType: event.ObjToken,
			ObjectID: id, InstitutionID: u.InstitutionID}, nil)
	})
}

// AuthenticateToken resolves a bearer token to its user.
func (s *Service) AuthenticateToken(ctx context.Context, plain string) (*account.User, error) {
	if !strings.HasPrefix(plain, tokenPrefix) || len(plain) > 128 {
		return nil, errUnauthorized
	}
	now := s.Now()
	u, id, err := s.db.R().UserByTokenHash(ctx, hashToken(plain), now)
	if err != nil {
		return nil, err
	}
	if s.touched.due(id, now) {
		if err := s.db.W().TouchToken(ctx, id, now); err != nil {
			s.log.Warn("touch token", "err", err)
		}
	}
	return u, nil
}

// PruneSessions deletes expired sessions and stale login failures.
func (s *Service) PruneSessions(ctx context.Context) error {
	return s.db.W().DeleteExpiredSessions(ctx, s.Now())
}

// touchLimiter remembers when each token was last written as used, so that
// a busy API client costs one write a minute instead of one per request
// (the SQLite writer is a single connection).
type touchLimiter struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

func (l *touchLimiter) due(id int64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil || len(l.last) > 10_000 {
		l.last = map[int64]time.Time{}
	}
	if now.Sub(l.last[id]) < time.Minute {
		return false
	}
	l.last[id] = now
	return true
}

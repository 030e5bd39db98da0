package service

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/event"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/mail"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Mailer delivers one e-mail; *mail.Sender is the real one.
type Mailer interface {
	Send(ctx context.Context, m *mail.Message) error
}

// NotifyOptions configure how notifications reach people.
type NotifyOptions struct {
	// Mailer sends e-mail; nil keeps notifications in the inbox only.
	Mailer Mailer
	// Catalog holds the texts of e-mails, rendered in the recipient's language.
	Catalog *i18n.Catalog
	// BaseURL makes links in e-mails absolute ("https://yanxiu.example.org").
	BaseURL string
	// WakeJobs tells the local job runner that a job was enqueued, so it
	// looks at once instead of at its next poll.
	WakeJobs func()
}

// Job kinds the notification services handle; the app registers
// SendNotificationMail, SendDigest and SendDigestFor for them.
const (
	JobNotificationMail      = "notify.mail"
	JobNotificationDigest    = "notify.digest"
	JobNotificationDigestFor = "notify.digest_for"
)

// objNotificationPrefs is the object type of preference-change events.
const objNotificationPrefs = "notification_prefs"

// unsubscribeSecretKey names the settings row with the key that signs unsubscribe links.
const unsubscribeSecretKey = "unsubscribe_secret"

// notifier holds the notification settings and the signing key, loaded once.
type notifier struct {
	NotifyOptions
	mu  sync.Mutex
	key []byte
}

func newNotifier(o NotifyOptions) *notifier {
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &notifier{NotifyOptions: o}
}

// mailPayload is the payload of a JobNotificationMail job.
type mailPayload struct {
	NotificationID int64 `json:"notification_id"`
}

// Notify puts n in its recipient's inbox and, when the recipient wants this
// kind by e-mail immediately and has an address, enqueues the e-mail. Call
// it inside the transaction of the change it reports, so that a rolled-back
// change notifies nobody. Nobody is notified of their own action, and
// disabled accounts get nothing.
func (s *Service) Notify(ctx context.Context, q *store.Q, n notify.Notification) error {
	if n.ActorID != 0 && n.ActorID == n.UserID {
		return nil
	}
	n.ID, n.ReadAt, n.EmailedAt = 0, nil, nil
	if n.CreatedAt.IsZero() {
		n.CreatedAt = s.Now()
	}
	n.Title = notify.ShortTitle(strings.TrimSpace(n.Title), notify.MaxTitle)
	if err := n.Validate(); err != nil {
		return fmt.Errorf("notify user %d of %s: %w", n.UserID, n.Kind, err)
	}
	recipient, err := q.UserByID(ctx, n.UserID)
	if err != nil {
		return fmt.Errorf("notify user %d: %w", n.UserID, err)
	}
	if recipient.Disabled {
		return nil
	}
	if err := q.InsertNotification(ctx, &n); err != nil {
		return err
	}
	if s.notify.Mailer == nil || recipient.Email == "" {
		return nil
	}
	prefs, err := q.NotificationPrefs(ctx, n.UserID)
	if err != nil {
		return err
	}
	if prefs.Mode(n.Kind) != notify.Immediately {
		return nil
	}
	if _, err := jobs.Enqueue(ctx, q, JobNotificationMail, mailPayload{NotificationID: n.ID}, s.Now(), jobs.Options{}); err != nil {
		return err
	}
	// On SQLite the runner's claim waits for this transaction's writer
	// connection, so it sees the job once we commit; on PostgreSQL the
	// store's NOTIFY wakes every runner at commit as well.
	if s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return nil
}

// notifyFollow tells the followee about a new follower.
func (s *Service) notifyFollow(ctx context.Context, q *store.Q, follower, followee *account.User) error {
	return s.Notify(ctx, q, notify.Notification{UserID: followee.ID, Kind: notify.Follow, ActorID: follower.ID,
		SpaceID: follower.PersonalSpaceID, ObjectType: event.ObjUser, ObjectID: follower.ID, URL: "/u/" + follower.Username})
}

// Inbox lists u's notifications, newest first, with the total for paging.
func (s *Service) Inbox(ctx context.Context, u *account.User, unreadOnly bool, limit, offset int) ([]*notify.Notification, int, error) {
	if u == nil {
		return nil, 0, errUnauthorized
	}
	r := s.db.R()
	total, err := r.CountNotifications(ctx, u.ID, unreadOnly)
	if err != nil {
		return nil, 0, err
	}
	ns, err := r.Inbox(ctx, u.ID, unreadOnly, limit, offset)
	return ns, total, err
}

// UnreadCount is the number on the inbox badge.
func (s *Service) UnreadCount(ctx context.Context, u *account.User) (int, error) {
	if u == nil {
		return 0, errUnauthorized
	}
	return s.db.R().CountNotifications(ctx, u.ID, true)
}

// MarkRead marks some of u's notifications read (IDs of others' are
// ignored) and returns how many changed; no IDs changes nothing.
func (s *Service) MarkRead(ctx context.Context, u *account.User, ids []int64) (int, error) {
	if u == nil {
		return 0, errUnauthorized
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if len(ids) > 500 {
		return 0, apperr.New(apperr.Invalid, "form.invalid")
	}
	n, err := s.db.W().MarkNotificationsRead(ctx, u.ID, ids, s.Now())
	return int(n), err
}

// MarkAllRead marks every notification of u read.
func (s *Service) MarkAllRead(ctx context.Context, u *account.User) (int, error) {
	if u == nil {
		return 0, errUnauthorized
	}
	n, err := s.db.W().MarkNotificationsRead(ctx, u.ID, nil, s.Now())
	return int(n), err
}

// OpenNotification marks one of u's notifications read and returns the
// site-relative link it points to ("/notifications" when it has none).
func (s *Service) OpenNotification(ctx context.Context, u *account.User, id int64) (string, error) {
	if u == nil {
		return "", errUnauthorized
	}
	n, err := s.db.R().NotificationByID(ctx, id)
	if err != nil {
		return "", err
	}
	if n.UserID != u.ID {
		return "", apperr.New(apperr.NotFound, "error.not_found")
	}
	if n.Unread() {
		if _, err := s.db.W().MarkNotificationsRead(ctx, u.ID, []int64{id}, s.Now()); err != nil {
			return "", err
		}
	}
	if n.URL == "" {
		return "/notifications", nil
	}
	return n.URL, nil
}

// Preferences returns u's e-mail mode for every kind, defaults included.
func (s *Service) Preferences(ctx context.Context, u *account.User) (notify.Preferences, error) {
	if u == nil {
		return nil, errUnauthorized
	}
	chosen, err := s.db.R().NotificationPrefs(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	p := notify.Preferences{}
	for _, k := range notify.Kinds() {
		p[k] = chosen.Mode(k)
	}
	return p, nil
}

// SetPreferences stores u's modes for the given kinds.
func (s *Service) SetPreferences(ctx context.Context, u *account.User, p notify.Preferences) error {
	if u == nil {
		return errUnauthorized
	}
	f := apperr.Fields{}
	for k, m := range p {
		if !k.Valid() || !m.Valid() {
			f.Add("mode_"+string(k), "form.invalid")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(q *store.Q) error {
		if err := q.SetNotificationPrefs(ctx, u.ID, p); err != nil {
			return err
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.Updated, ObjectType: objNotificationPrefs,
			ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID}, nil)
	})
}

// Unsubscription is what an unsubscribe link stops.
type Unsubscription struct {
	User *account.User
	// Kind is the kind whose e-mails stop, or "" for the daily digest.
	Kind notify.Kind
}

// scopeDigest is the unsubscribe scope of digest e-mails.
const scopeDigest = "digest"

// CheckUnsubscribe verifies an unsubscribe token without acting on it, for
// the page that asks to confirm.
func (s *Service) CheckUnsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	uid, scope, ok := strings.Cut(token, ".")
	scope, sig, ok2 := strings.Cut(scope, ".")
	id, err := strconv.ParseInt(uid, 10, 64)
	bad := apperr.New(apperr.NotFound, "notify.unsubscribe.invalid")
	if !ok || !ok2 || err != nil || id <= 0 || (scope != scopeDigest && !notify.Kind(scope).Valid()) {
		return nil, bad
	}
	want, err := s.unsubscribeSignature(ctx, id, scope)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return nil, bad
	}
	u, err := s.db.R().UserByID(ctx, id)
	if err != nil {
		return nil, bad
	}
	un := &Unsubscription{User: u}
	if scope != scopeDigest {
		un.Kind = notify.Kind(scope)
	}
	return un, nil
}

// Unsubscribe acts on a signed unsubscribe link: it turns e-mail off for the
// link's kind, or for every kind in digest mode. The token is the only
// authorisation (RFC 8058 one-click unsubscribe comes from a mail client
// without a session); repeating it changes nothing.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	un, err := s.CheckUnsubscribe(ctx, token)
	if err != nil {
		return nil, err
	}
	u := un.User
	err = s.db.Tx(ctx, func(q *store.Q) error {
		chosen, err := q.NotificationPrefs(ctx, u.ID)
		if err != nil {
			return err
		}
		change := notify.Preferences{}
		for _, k := range notify.Kinds() {
			if (un.Kind == k || un.Kind == "" && chosen.Mode(k) == notify.Digest) && chosen.Mode(k) != notify.Off {
				change[k] = notify.Off
			}
		}
		if len(change) == 0 {
			return nil
		}
		if err := q.SetNotificationPrefs(ctx, u.ID, change); err != nil {
			return err
		}
		scope := string(un.Kind)
		if scope == "" {
			scope = scopeDigest
		}
		return s.record(ctx, q, event.Event{ActorID: u.ID, Verb: event.Updated, ObjectType: objNotificationPrefs,
			ObjectID: u.ID, SpaceID: u.PersonalSpaceID, InstitutionID: u.InstitutionID},
			map[string]any{"via": "unsubscribe", "scope": scope})
	})
	if err != nil {
		return nil, err
	}
	return un, nil
}

// UnsubscribeToken returns the signed token that stops kind's e-mails to
// userID ("" stops the digest).
func (s *Service) UnsubscribeToken(ctx context.Context, userID int64, kind notify.Kind) (string, error) {
	scope := string(kind)
	if scope == "" {
		scope = scopeDigest
	}
	sig, err := s.unsubscribeSignature(ctx, userID, scope)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(userID, 10) + "." + scope + "." + sig, nil
}

// unsubscribeSignature is an HMAC over the user and scope with the server's
// secret, so links cannot be forged or moved to another person or kind.
func (s *Service) unsubscribeSignature(ctx context.Context, userID int64, scope string) (string, error) {
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "unsubscribe\x00%d\x00%s", userID, scope)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// unsubscribeKey loads the signing secret, creating it on first use. It
// must not run inside a write transaction: on SQLite it takes the writer.
func (s *Service) unsubscribeKey(ctx context.Context) ([]byte, error) {
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	if s.notify.key != nil {
		return s.notify.key, nil
	}
	v, ok, err := s.db.R().Setting(ctx, unsubscribeSecretKey)
	if err != nil {
		return nil, err
	}
	if !ok {
		b := make([]byte, 32)
		rand.Read(b)
		if v, err = s.db.W().InitSetting(ctx, unsubscribeSecretKey, hex.EncodeToString(b), s.Now()); err != nil {
			return nil, err
		}
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("setting %s is not a hex key of at least 16 bytes", unsubscribeSecretKey)
	}
	s.notify.key = key
	return key, nil
}

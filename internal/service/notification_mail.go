package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/jobs"
	"github.com/yanxiu/yanxiu/internal/mail"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// The daily digest goes out at 07:30 China Standard Time, before the
// school day, and covers what arrived in the last week and is still unread.
const (
	digestAt     = 7*time.Hour + 30*time.Minute
	digestWindow = 7 * 24 * time.Hour
	digestMax    = 50
)

// chinaTime has no daylight saving, so a fixed zone needs no tzdata.
var chinaTime = time.FixedZone("CST", 8*3600)

// digestPayload is the payload of a JobNotificationDigest job.
type digestPayload struct {
	Day string `json:"day"` // 2006-01-02 in China Standard Time
}

// SendNotificationMail is the handler of JobNotificationMail: it e-mails one
// notification in the recipient's language, unless it was read in the
// meantime or the recipient changed their mind.
func (s *Service) SendNotificationMail(ctx context.Context, j jobs.Job) error {
	if s.notify.Mailer == nil {
		return errors.New("no mail server configured")
	}
	var p mailPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	r := s.db.R()
	n, err := r.NotificationByID(ctx, p.NotificationID)
	if apperr.Is(err, apperr.NotFound) {
		return nil // the recipient's account was deleted
	}
	if err != nil {
		return err
	}
	if n.EmailedAt != nil || n.ReadAt != nil {
		return nil
	}
	u, err := r.UserByID(ctx, n.UserID)
	if err != nil {
		return err
	}
	prefs, err := r.NotificationPrefs(ctx, u.ID)
	if err != nil {
		return err
	}
	if u.Email == "" || u.Disabled || prefs.Mode(n.Kind) != notify.Immediately {
		return nil
	}
	msg, err := s.composeMail(ctx, u, []*notify.Notification{n}, n.Kind)
	if err != nil {
		return err
	}
	if err := s.notify.Mailer.Send(ctx, msg); err != nil {
		if mail.Rejected(err) {
			return jobs.Permanent(err)
		}
		return err
	}
	return s.db.W().MarkNotificationsEmailed(ctx, []int64{n.ID}, s.Now())
}

// ScheduleDigest enqueues the next daily digest unless it is already
// queued; every instance may call it at start, and one job results.
func (s *Service) ScheduleDigest(ctx context.Context) error {
	if s.notify.Mailer == nil {
		return nil
	}
	now := s.Now().In(chinaTime)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, chinaTime)
	at := day.Add(digestAt)
	if !at.After(now) {
		day = day.AddDate(0, 0, 1)
		at = day.Add(digestAt)
	}
	key := JobNotificationDigest + ":" + day.Format(time.DateOnly)
	return s.db.Tx(ctx, func(q *store.Q) error {
		_, err := jobs.Enqueue(ctx, q, JobNotificationDigest, digestPayload{Day: day.Format(time.DateOnly)}, s.Now(),
			jobs.Options{RunAt: at, UniqueKey: key, MaxAttempts: 6})
		return err
	})
}

// SendDigest is the handler of JobNotificationDigest: it schedules the next
// digest, then queues one JobNotificationDigestFor job per person with
// unread, un-e-mailed notifications, so that each person's e-mail is retried
// on its own and the sending spreads over every worker and instance. Unique
// keys make a retried or repeated run queue nobody twice for the same day.
func (s *Service) SendDigest(ctx context.Context, j jobs.Job) error {
	if err := s.ScheduleDigest(ctx); err != nil {
		return err
	}
	var p digestPayload
	if err := j.Decode(&p); err != nil || p.Day == "" {
		p.Day = s.Now().In(chinaTime).Format(time.DateOnly)
	}
	users, err := s.db.R().DigestRecipients(ctx, s.Now().Add(-digestWindow))
	if err != nil {
		return err
	}
	if len(users) == 0 {
		return nil
	}
	err = s.db.Tx(ctx, func(q *store.Q) error {
		for _, id := range users {
			key := fmt.Sprintf("%s:%s:%d", JobNotificationDigestFor, p.Day, id)
			if _, err := jobs.Enqueue(ctx, q, JobNotificationDigestFor, digestForPayload{UserID: id}, s.Now(),
				jobs.Options{UniqueKey: key, MaxAttempts: 8}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && s.notify.WakeJobs != nil {
		s.notify.WakeJobs()
	}
	return err
}

// digestForPayload is the payload of a JobNotificationDigestFor job.
type digestForPayload struct {
	UserID int64 `json:"user_id"`
}

// SendDigestFor is the handler of JobNotificationDigestFor: one person's
// digest e-mail. What it sends is marked, so nothing goes out twice.
func (s *Service) SendDigestFor(ctx context.Context, j jobs.Job) error {
	if s.notify.Mailer == nil {
		return errors.New("no mail server configured")
	}
	var p digestForPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	err := s.sendDigestTo(ctx, p.UserID, s.Now().Add(-digestWindow))
	if apperr.Is(err, apperr.NotFound) {
		return nil // the account was deleted
	}
	if mail.Rejected(err) {
		return jobs.Permanent(err)
	}
	return err
}

func (s *Service) sendDigestTo(ctx context.Context, userID int64, since time.Time) error {
	r := s.db.R()
	u, err := r.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	prefs, err := r.NotificationPrefs(ctx, userID)
	if err != nil {
		return err
	}
	pending, err := r.PendingMail(ctx, userID, since, 4*digestMax)
	if err != nil {
		return err
	}
	var ns []*notify.Notification
	for _, n := range pending {
		if prefs.Mode(n.Kind) == notify.Digest && len(ns) < digestMax {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 || u.Email == "" || u.Disabled {
		return nil
	}
	msg, err := s.composeMail(ctx, u, ns, "")
	if err != nil {
		return err
	}
	if err := s.notify.Mailer.Send(ctx, msg); err != nil {
		return err
	}
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return s.db.W().MarkNotificationsEmailed(ctx, ids, s.Now())
}

// mailView is what the HTML e-mail template shows.
type mailView struct {
	Lang, Greeting, Intro string
	Items                 []mailItem
	Footer, SettingsLabel string
	SettingsURL           string
	UnsubscribeLabel      string
	UnsubscribeURL        string
}

type mailItem struct {
	Sentence, URL, When string
	// Where names the community (or other space) it happened in, so a
	// reader of the e-mail knows the context without opening the link.
	Where string
}

var mailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"></head>
<body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2933;line-height:1.6">
<p>{{.Greeting}}</p>
{{with .Intro}}<p>{{.}}</p>{{end}}
<ul style="padding-left:1.2em">
{{range .Items}}<li style="margin-bottom:.6em">{{if .URL}}<a href="{{.URL}}">{{.Sentence}}</a>{{else}}{{.Sentence}}{{end}}<br><small style="color:#616e7c">{{with .Where}}{{.}} · {{end}}{{.When}}</small></li>
{{end}}</ul>
<hr style="border:0;border-top:1px solid #e4e7eb">
<p style="color:#616e7c;font-size:12px">{{.Footer}}<br>
<a href="{{.SettingsURL}}">{{.SettingsLabel}}</a> · <a href="{{.UnsubscribeURL}}">{{.UnsubscribeLabel}}</a></p>
</body></html>
`))

// composeMail renders notifications for u in u's language: one
// notification of kind, or (kind "") a digest of several.
func (s *Service) composeMail(ctx context.Context, u *account.User, ns []*notify.Notification, kind notify.Kind) (*mail.Message, error) {
	if s.notify.Catalog == nil {
		return nil, errors.New("no message catalogue for e-mails")
	}
	lang := u.Lang
	if lang != i18n.English && lang != i18n.Chinese {
		lang = i18n.Default
	}
	p := s.notify.Catalog.Printer(lang)
	token, err := s.UnsubscribeToken(ctx, u.ID, kind)
	if err != nil {
		return nil, err
	}
	v := mailView{Lang: lang, Greeting: p.T("notify.mail.greeting", "name", u.Name()),
		SettingsLabel: p.T("notify.mail.settings"), SettingsURL: s.notify.BaseURL + "/settings/notifications",
		UnsubscribeURL: s.notify.BaseURL + "/unsubscribe?token=" + url.QueryEscape(token)}
	var subject string
	if kind == "" {
		subject = p.T("notify.digest.subject", "count", len(ns))
		v.Intro = p.T("notify.digest.intro")
		v.Footer = p.T("notify.digest.footer")
		v.UnsubscribeLabel = p.T("notify.digest.unsubscribe")
	} else {
		subject = Sentence(p, ns[0])
		v.Footer = p.T("notify.mail.footer", "kind", p.T("notify.kind_name."+string(kind)))
		v.UnsubscribeLabel = p.T("notify.mail.unsubscribe")
	}
	for _, n := range ns {
		item := mailItem{Sentence: Sentence(p, n), When: n.CreatedAt.In(chinaTime).Format("2006-01-02 15:04")}
		if n.SpaceID != 0 {
			if sp, err := s.db.R().SpaceByID(ctx, n.SpaceID); err == nil && sp.Kind == space.Community {
				item.Where = p.T("notify.mail.where", "space", sp.Name)
			}
		}
		if n.URL != "" {
			item.URL = s.notify.BaseURL + n.URL
		}
		v.Items = append(v.Items, item)
	}
	var html bytes.Buffer
	if err := mailHTML.Execute(&html, v); err != nil {
		return nil, fmt.Errorf("render notification e-mail: %w", err)
	}
	var text strings.Builder
	text.WriteString(v.Greeting + "\n\n")
	if v.Intro != "" {
		text.WriteString(v.Intro + "\n\n")
	}
	for _, it := range v.Items {
		fmt.Fprintf(&text, "• %s\n  ", it.Sentence)
		if it.Where != "" {
			fmt.Fprintf(&text, "%s · ", it.Where)
		}
		fmt.Fprintf(&text, "%s\n", it.When)
		if it.URL != "" {
			fmt.Fprintf(&text, "  %s\n", it.URL)
		}
		text.WriteString("\n")
	}
	fmt.Fprintf(&text, "-- \n%s\n%s: %s\n%s: %s\n", v.Footer, v.SettingsLabel, v.SettingsURL, v.UnsubscribeLabel, v.UnsubscribeURL)
	return &mail.Message{To: mail.Address{Name: u.Name(), Address: u.Email}, Subject: subject,
		Text: text.String(), HTML: html.String(), Unsubscribe: v.UnsubscribeURL}, nil
}

// Sentence says what a notification is about in p's language, for the
// inbox and e-mails alike: "李娜 mentioned you in “Layered homework”".
func Sentence(p i18n.Printer, n *notify.Notification) string {
	actor := n.ActorName
	if actor == "" {
		actor = p.T("notify.someone")
	}
	key := "notify.kind." + string(n.Kind)
	if n.Kind == notify.JoinDecision {
		// The outcome is in the object type, so the sentence is translated.
		switch n.ObjectType {
		case ObjJoinApproved:
			key += ".approved"
		case ObjJoinDeclined:
			key += ".declined"
		}
	}
	return p.T(key, "actor", actor, "title", n.Title)
}

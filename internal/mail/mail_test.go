package mail_test

import (
	"bytes"
	"context"
	"errors"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/mail"
	"github.com/yanxiu/yanxiu/internal/testkit/smtptest"
)

var from = mail.Address{Name: "研修平台 Yanxiu", Address: "noreply@yanxiu.example"}

func message() *mail.Message {
	return &mail.Message{
		To:          mail.Address{Name: "张伟", Address: "zhang.wei@school.example"},
		Subject:     "李娜在《关于分层作业设计的讨论：从课堂观察到作业改进的三个问题》中提到了你",
		Text:        "李娜提到了你：\n\n打开 https://yanxiu.example/t/1\n\n.\n一行以点开头\n",
		HTML:        `<p>李娜提到了你：<a href="https://yanxiu.example/t/1">打开</a></p>`,
		Unsubscribe: "https://yanxiu.example/unsubscribe?token=1.mention.abc",
	}
}

func TestSendOverEveryTLSMode(t *testing.T) {
	for _, tc := range []struct {
		name       string
		mode       mail.TLSMode
		user, pass string
	}{
		{"plain relay", mail.TLSNone, "", ""},
		{"plain with auth on loopback", mail.TLSNone, "mailer", "s3cret"},
		{"starttls with auth", mail.TLSStartTLS, "mailer", "s3cret"},
		{"implicit tls", mail.TLSImplicit, "mailer", "s3cret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{TLS: string(tc.mode), Username: tc.user, Password: tc.pass})
			s, err := mail.NewSender(mail.Config{Host: srv.Host, Port: srv.Port, TLS: tc.mode, Username: tc.user,
				Password: tc.pass, From: from, TLSConfig: srv.ClientTLS()})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), message()); err != nil {
				t.Fatal(err)
			}
			got := srv.Wait(t, 1, 5*time.Second)[0]
			if got.ParseErr != nil {
				t.Fatalf("malformed message: %v\n%s", got.ParseErr, got.Raw)
			}
			if got.TLS != (tc.mode != mail.TLSNone) || got.AuthUser != tc.user {
				t.Errorf("TLS = %v, auth = %q", got.TLS, got.AuthUser)
			}
			if got.From != from.Address || len(got.To) != 1 || got.To[0] != "zhang.wei@school.example" {
				t.Errorf("envelope %s → %v", got.From, got.To)
			}
			want := map[string]string{
				"Subject":               message().Subject,
				"From":                  "研修平台 Yanxiu <noreply@yanxiu.example>",
				"To":                    "张伟 <zhang.wei@school.example>",
				"List-Unsubscribe":      "<https://yanxiu.example/unsubscribe?token=1.mention.abc>",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
				"MIME-Version":          "1.0",
				"Auto-Submitted":        "auto-generated",
			}
			for h, v := range want {
				if g := got.Get(h); g != v {
					t.Errorf("%s = %q, want %q", h, g, v)
				}
			}
			if got.Subject != message().Subject {
				t.Errorf("decoded subject %q", got.Subject)
			}
			if d, err := got.Header.Date(); err != nil || time.Since(d) > time.Minute {
				t.Errorf("Date = %v, %v", d, err)
			}
			if id := got.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@yanxiu.example>") {
				t.Errorf("Message-ID = %q", id)
			}
			if got.Text != strings.ReplaceAll(message().Text, "\n", "\r\n") {
				t.Errorf("text body = %q", got.Text)
			}
			if got.HTML != message().HTML {
				t.Errorf("html body = %q", got.HTML)
			}
		})
	}
}

func TestRawMessageShape(t *testing.T) {
	raw, err := message().Build(from, time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatal("no blank line after the headers")
	}
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 78 && !strings.HasPrefix(line, "List-Unsubscribe:") {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
		for _, r := range line {
			if r > 127 {
				t.Fatalf("raw 8-bit character in header line %q", line)
			}
		}
	}
	if bytes.Contains(raw, []byte("\n")) && bytes.Count(raw, []byte("\n")) != bytes.Count(raw, []byte("\r\n")) {
		t.Error("bare LF in message")
	}
	for _, want := range []string{"Date: Fri, 09 Oct 2026 09:00:00 +0000\r\n", "Content-Type: multipart/alternative;",
		"Content-Type: text/plain; charset=utf-8", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("missing %q", want)
		}
	}
	if bytes.Index(raw, []byte("text/plain")) > bytes.Index(raw, []byte("text/html")) {
		t.Error("HTML alternative comes before the plain text")
	}
	plain := &mail.Message{To: mail.Address{Address: "a@b.example"}, Subject: "Hello", Text: "only text"}
	raw, err = plain.Build(from, time.Now())
	if err != nil || !bytes.Contains(raw, []byte("Content-Type: text/plain; charset=utf-8\r\n")) || bytes.Contains(raw, []byte("List-Unsubscribe")) {
		t.Errorf("plain message: %v\n%s", err, raw)
	}
}

func TestBuildRefusesInjection(t *testing.T) {
	for name, mut := range map[string]func(m *mail.Message){
		"recipient with line break": func(m *mail.Message) { m.To.Address = "a@b.example\r\nBcc: c@d.example" },
		"recipient not an address":  func(m *mail.Message) { m.To.Address = "nobody" },
		"unsubscribe not absolute":  func(m *mail.Message) { m.Unsubscribe = "/unsubscribe?token=x" },
		"unsubscribe with break":    func(m *mail.Message) { m.Unsubscribe = "https://a.example/\r\nBcc: x@y" },
		"unsubscribe javascript":    func(m *mail.Message) { m.Unsubscribe = "javascript:alert(1)" },
		"no body":                   func(m *mail.Message) { m.Text = "" },
	} {
		m := message()
		mut(m)
		if _, err := m.Build(from, time.Now()); err == nil {
			t.Errorf("%s: built", name)
		}
	}
	// A line break in the subject is encoded, never a new header.
	m := message()
	m.Subject = "Hi\r\nBcc: victim@example.com"
	raw, err := m.Build(from, time.Now())
	if err != nil || bytes.Contains(raw, []byte("\r\nBcc:")) {
		t.Fatalf("subject injection: %v\n%s", err, raw)
	}
}

func TestFailuresAreClassified(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Username: "mailer", Password: "right",
		Reject: func(rcpt string) bool { return strings.HasPrefix(rcpt, "gone@") }})
	cfg := mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone, Username: "mailer", Password: "right", From: from}
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := message()
	m.To.Address = "gone@school.example"
	err = s.Send(context.Background(), m)
	var te *textproto.Error
	if !mail.Rejected(err) || !errors.As(err, &te) || te.Code != 550 {
		t.Errorf("rejected recipient: %v (Rejected = %v)", err, mail.Rejected(err))
	}
	cfg.Password = "wrong"
	s, _ = mail.NewSender(cfg)
	if err := s.Send(context.Background(), message()); err == nil || mail.Rejected(err) {
		t.Errorf("bad password: %v (a configuration problem, worth retrying once fixed)", err)
	}
	// STARTTLS demanded of a server that does not offer it: refuse rather than send in the clear.
	cfg.Password, cfg.TLS = "right", mail.TLSStartTLS
	s, _ = mail.NewSender(cfg)
	if err := s.Send(context.Background(), message()); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("missing STARTTLS: %v", err)
	}
	// A certificate nobody vouches for is refused.
	tlsSrv := smtptest.Start(t, smtptest.Options{TLS: smtptest.TLSImplicit})
	s, _ = mail.NewSender(mail.Config{Host: tlsSrv.Host, Port: tlsSrv.Port, TLS: mail.TLSImplicit, From: from})
	if err := s.Send(context.Background(), message()); err == nil {
		t.Error("untrusted certificate accepted")
	}
	if n := len(srv.Messages()) + len(tlsSrv.Messages()); n != 0 {
		t.Errorf("%d messages delivered by failed sends", n)
	}
	// Nothing listening: a dial error, retryable.
	s, _ = mail.NewSender(mail.Config{Host: "127.0.0.1", Port: 1, TLS: mail.TLSNone, From: from, Timeout: time.Second})
	if err := s.Send(context.Background(), message()); err == nil || mail.Rejected(err) {
		t.Errorf("dial failure: %v", err)
	}
}

func TestNewSenderChecksConfig(t *testing.T) {
	ok := mail.Config{Host: "smtp.example", Port: 587, From: from}
	for name, mut := range map[string]func(c *mail.Config){
		"no host":  func(c *mail.Config) { c.Host = "" },
		"bad port": func(c *mail.Config) { c.Port = 70000 },
		"bad mode": func(c *mail.Config) { c.TLS = "ssl" },
		"bad from": func(c *mail.Config) { c.From.Address = "not an address" },
	} {
		c := ok
		mut(&c)
		if _, err := mail.NewSender(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := mail.NewSender(ok); err != nil {
		t.Fatal(err)
	}
}

func TestSendHonoursContext(t *testing.T) {
	srv := smtptest.Start(t)
	s, _ := mail.NewSender(mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone, From: from})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, message()); err == nil {
		t.Fatal("sent with a cancelled context")
	}
}

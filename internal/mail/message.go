// Package mail sends e-mail through an SMTP server: it builds standard MIME
// messages (UTF-8 headers encoded per RFC 2047, a text/plain part with an
// optional text/html alternative, one-click unsubscribe headers per RFC
// 8058) and delivers them with net/smtp over plain, STARTTLS or implicit TLS
// connections. It knows nothing about who gets what; the services decide.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Address is a mailbox with an optional display name.
type Address = mail.Address

// Message is one e-mail to one recipient.
type Message struct {
	To      Address
	Subject string
	// Text is the plain-text body, always sent; HTML, when set, is sent as
	// the preferred alternative.
	Text string
	HTML string
	// Unsubscribe is an http(s) URL that unsubscribes the recipient with a
	// POST (RFC 8058 one-click); when set, List-Unsubscribe and
	// List-Unsubscribe-Post headers point mail clients' unsubscribe buttons at it.
	Unsubscribe string
	// Date defaults to the time of building; MessageID to a random ID at the sender's domain.
	Date      time.Time
	MessageID string
}

// maxLine is where header lines are folded (RFC 5322 recommends 78).
const maxLine = 76

// Build renders m as an RFC 5322 message from the given sender, with CRLF
// line endings, ready for SMTP DATA.
func (m *Message) Build(from Address, now time.Time) ([]byte, error) {
	if err := m.check(from); err != nil {
		return nil, err
	}
	date := m.Date
	if date.IsZero() {
		date = now
	}
	id := m.MessageID
	if id == "" {
		id = newMessageID(from.Address)
	}
	var b bytes.Buffer
	header := func(name, value string) { writeHeader(&b, name, value) }
	header("From", from.String())
	header("To", m.To.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	// RFC 3834: an automatic message, so auto-responders stay quiet.
	header("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+m.Unsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	// Alternatives go from plainest to richest; clients show the last they understand.
	for _, part := range []struct{ ctype, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("create %s part: %w", part.ctype, err)
		}
		if err := writeQP(w, part.content); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("close multipart body: %w", err)
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// check refuses what would make a malformed or dangerous message.
func (m *Message) check(from Address) error {
	if !validAddress(from.Address) {
		return fmt.Errorf("sender address %q is not valid", from.Address)
	}
	if !validAddress(m.To.Address) {
		return fmt.Errorf("recipient address %q is not valid", m.To.Address)
	}
	if m.Text == "" {
		return errors.New("message has no text body")
	}
	if m.Unsubscribe != "" {
		u, err := url.Parse(m.Unsubscribe)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.ContainsAny(m.Unsubscribe, "<>\r\n \t") {
			return fmt.Errorf("unsubscribe URL %q is not an absolute http(s) URL", m.Unsubscribe)
		}
	}
	if strings.ContainsAny(m.MessageID, "\r\n") {
		return errors.New("message ID holds a line break")
	}
	return nil
}

// validAddress accepts a bare addr-spec, which also rules out line breaks
// and anything else that could inject headers or SMTP commands.
func validAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// newMessageID returns "<random@domain>" with the sender's domain, as RFC 5322 suggests.
func newMessageID(from string) string {
	domain := "localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	b := make([]byte, 16)
	rand.Read(b)
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

// writeHeader writes "Name: value", folding long values at spaces (even
// before the first word, so that a 75-character encoded word fits). Values
// come from mime encoding or net/mail, so words are short and hold no line
// break; whitespace between encoded words is dropped when decoding, so
// folding there changes nothing.
func writeHeader(b *bytes.Buffer, name, value string) {
	line := len(name) + 2
	b.WriteString(name)
	b.WriteString(":")
	for i, word := range strings.Split(value, " ") {
		if line+1+len(word) > maxLine && (i > 0 || len(word) < maxLine) {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" ")
		b.WriteString(word)
		line += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// writeQP writes text as quoted-printable with CRLF line breaks.
func writeQP(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return fmt.Errorf("encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("encode body: %w", err)
	}
	return nil
}

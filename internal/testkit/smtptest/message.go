package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Message is one received message: the SMTP envelope, the raw bytes, and
// the decoded view a mail client would show.
type Message struct {
	From string   // MAIL FROM
	To   []string // RCPT TO
	Raw  []byte   // the DATA as received
	// AuthUser is who authenticated ("" for nobody); TLS tells whether the
	// message travelled encrypted.
	AuthUser string
	TLS      bool

	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// Text and HTML are the decoded bodies of the text/plain and text/html parts.
	Text, HTML string
	// ParseErr is set when the message is not well-formed MIME; the raw
	// bytes are kept so a test can show them.
	ParseErr error
}

// Get returns a header decoded from RFC 2047 encoded words.
func (m *Message) Get(name string) string {
	if m.Header == nil {
		return ""
	}
	v := m.Header.Get(name)
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

func parse(from string, to []string, raw []byte, authUser string, tls bool) *Message {
	m := &Message{From: from, To: to, Raw: raw, AuthUser: authUser, TLS: tls}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.ParseErr = fmt.Errorf("read message: %w", err)
		return m
	}
	m.Header = msg.Header
	m.Subject = m.Get("Subject")
	m.ParseErr = m.readBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return m
}

// readBody fills Text and HTML from a single part or a multipart tree.
func (m *Message) readBody(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read part: %w", err)
			}
			// multipart.Reader has already decoded quoted-printable parts
			// and removed their Content-Transfer-Encoding header.
			if err := m.readBody(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("read %s body: %w", mediaType, err)
	}
	switch mediaType {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}

// Package smtptest runs a real SMTP server on loopback for tests: it speaks
// the protocol (EHLO, STARTTLS or implicit TLS, AUTH PLAIN, MAIL, RCPT,
// DATA) through github.com/emersion/go-smtp, keeps every message it
// receives, and decodes them so tests can assert on headers and bodies as a
// mail client would show them.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLS modes of the test server.
const (
	TLSNone     = "none"
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
)

// Options configure the server; the zero value is a plain server without
// authentication.
type Options struct {
	// TLS is none (default), starttls or tls.
	TLS string
	// Username and Password, when set, are required before MAIL.
	Username, Password string
	// Reject, when it returns true for a recipient, refuses it with 550.
	Reject func(rcpt string) bool
}

// Server is a running test SMTP server.
type Server struct {
	Addr string // host:port
	Host string
	Port int
	opts Options
	cert *x509.Certificate
	srv  *smtp.Server

	mu       sync.Mutex
	messages []*Message
	arrived  chan struct{} // closed and replaced on every arrival
}

// Start runs a server on 127.0.0.1 until the test ends.
func Start(t testing.TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.TLS == "" {
		o.TLS = TLSNone
	}
	s := &Server{opts: o, arrived: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{s: s, tls: isTLS}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.ErrorLog = log.New(io.Discard, "", 0)
	// Without TLS the server would not offer AUTH at all; with STARTTLS it
	// offers it only after the upgrade, as real servers do.
	srv.AllowInsecureAuth = o.TLS == TLSNone
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if o.TLS != TLSNone {
		cfg, cert, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		s.cert = cert
		switch o.TLS {
		case TLSStartTLS:
			srv.TLSConfig = cfg
		case TLSImplicit:
			ln = tls.NewListener(ln, cfg)
		default:
			t.Fatalf("smtptest: unknown TLS mode %q", o.TLS)
		}
	}
	s.srv = srv
	s.Addr = ln.Addr().String()
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// ClientTLS returns a TLS configuration that trusts this server's
// certificate, for the client under test.
func (s *Server) ClientTLS() *tls.Config {
	pool := x509.NewCertPool()
	if s.cert != nil {
		pool.AddCert(s.cert)
	}
	return &tls.Config{RootCAs: pool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Message(nil), s.messages...)
}

// Wait blocks until at least n messages have arrived and returns them, or
// fails the test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []*Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d message(s) after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

func (s *Server) add(m *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// session is one SMTP conversation.
type session struct {
	s        *Server
	tls      bool
	authUser string
	from     string
	to       []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.authUser = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.authUser == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.opts.Reject != nil && ss.s.opts.Reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.from == "" || len(ss.to) == 0 {
		return errors.New("DATA before MAIL and RCPT")
	}
	ss.s.add(parse(ss.from, ss.to, raw, ss.authUser, ss.tls))
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a day.
func selfSigned() (*tls.Config, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion: tls.VersionTLS12}, cert, nil
}

package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// TLSMode is how the connection to the SMTP server is secured.
type TLSMode string

// The TLS modes: none (plain, for a relay on the same host), starttls
// (upgrade a plain connection, usually port 587; refused if the server does
// not offer it, so a network attacker cannot downgrade it) and tls
// (implicit TLS from the first byte, usually port 465).
const (
	TLSNone     TLSMode = "none"
	TLSStartTLS TLSMode = "starttls"
	TLSImplicit TLSMode = "tls"
)

// Valid reports whether m is a known mode.
func (m TLSMode) Valid() bool { return m == TLSNone || m == TLSStartTLS || m == TLSImplicit }

// Config says where and how to send.
type Config struct {
	Host string
	Port int
	TLS  TLSMode
	// Username and Password, when set, authenticate with AUTH PLAIN, which
	// net/smtp allows only over TLS or to the local host.
	Username, Password string
	// From is the sender of every message.
	From Address
	// HelloName is the host name announced in EHLO (default "localhost").
	HelloName string
	// Timeout bounds one delivery (default 30 s).
	Timeout time.Duration
	// TLSConfig overrides the TLS settings, e.g. to trust a test server's
	// certificate; nil verifies the server against the system roots.
	TLSConfig *tls.Config
}

// Sender delivers messages to one SMTP server; it is safe for concurrent
// use (each delivery has its own connection).
type Sender struct{ cfg Config }

// NewSender checks cfg and returns a Sender.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail: SMTP port %d out of range", cfg.Port)
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if !cfg.TLS.Valid() {
		return nil, fmt.Errorf("mail: TLS mode %q: want none, starttls or tls", cfg.TLS)
	}
	if !validAddress(cfg.From.Address) {
		return nil, fmt.Errorf("mail: sender address %q is not valid", cfg.From.Address)
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}, nil
}

// From returns the sender address.
func (s *Sender) From() Address { return s.cfg.From }

// Error is a failed delivery, saying at which SMTP step it failed.
type Error struct {
	Step string // dial, hello, starttls, auth, mail, rcpt, data, quit
	Err  error
}

func (e *Error) Error() string { return "smtp " + e.Step + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Rejected reports whether the server refused the message or its recipient
// for good (a 5xx reply to RCPT or DATA), so trying again is pointless.
// Other failures, including 5xx replies to AUTH (a configuration problem
// the operator can fix), are worth retrying.
func Rejected(err error) bool {
	var e *Error
	var te *textproto.Error
	return errors.As(err, &e) && (e.Step == "rcpt" || e.Step == "data") &&
		errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// Send delivers m. It honours ctx's deadline and cancellation.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	raw, err := m.Build(s.cfg.From, time.Now())
	if err != nil {
		return fmt.Errorf("build message: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return &Error{"dial", err}
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	// Cancelling ctx unblocks whatever read or write is in progress.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return &Error{"hello", err}
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return &Error{"hello", err}
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &Error{"starttls", errors.New("server does not offer STARTTLS")}
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return &Error{"starttls", err}
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &Error{"auth", errors.New("server does not offer AUTH")}
		}
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return &Error{"auth", err}
		}
	}
	if err := c.Mail(s.cfg.From.Address); err != nil {
		return &Error{"mail", err}
	}
	if err := c.Rcpt(m.To.Address); err != nil {
		return &Error{"rcpt", err}
	}
	w, err := c.Data()
	if err != nil {
		return &Error{"data", err}
	}
	if _, err := w.Write(raw); err != nil {
		return &Error{"data", err}
	}
	if err := w.Close(); err != nil {
		return &Error{"data", err}
	}
	// The server accepted the message at the end of DATA; a failed QUIT loses nothing.
	_ = c.Quit()
	return nil
}

func (s *Sender) dial(ctx context.Context) (net.Conn, error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	d := &net.Dialer{}
	if s.cfg.TLS == TLSImplicit {
		return (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

func (s *Sender) tlsConfig() *tls.Config {
	var c *tls.Config
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	} else {
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

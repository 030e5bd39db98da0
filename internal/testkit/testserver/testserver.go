// Package testserver starts a complete Yanxiu (the same wiring as the yanxiu
// binary) on a loopback port with a fresh database, for HTTP and browser
// tests. It is separate from testkit so that packages the app imports can
// still use testkit's database helpers in their own tests.
package testserver

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/app"
	"github.com/yanxiu/yanxiu/internal/config"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// Server is a running Yanxiu.
type Server struct {
	URL string
	App *app.App
}

// Start runs a server on the engine's fresh database until the test ends.
func Start(t testing.TB, engine testkit.Engine) *Server {
	t.Helper()
	return StartWithClock(t, engine, nil)
}

// StartWithClock is Start with the service's clock replaced by now (nil
// keeps the real one), so that tests can move past deadlines such as a
// vote's closing time without waiting.
func StartWithClock(t testing.TB, engine testkit.Engine, now func() time.Time) *Server {
	t.Helper()
	return StartWith(t, engine, Options{Now: now})
}

// Options adjust the server a test starts; the zero value is Start's.
type Options struct {
	// Now replaces the service's clock (nil keeps the real one).
	Now func() time.Time
	// SMTP sends notification e-mail to a mail server, such as one from
	// smtptest.Start ({Host, Port, TLS: "none", From}); empty sends none.
	SMTP config.SMTP
}

// StartWith runs a server as Start does, adjusted by o.
func StartWith(t testing.TB, engine testkit.Engine, o Options) *Server {
	t.Helper()
	db, dbURL := engine.Open(t)
	db.Close() // the app opens its own connection to the same database
	// Listen first so that the base URL in links (feeds, e-mails) is the real one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DBURL = dbURL
	cfg.Addr = "127.0.0.1:0"
	cfg.BaseURL = "http://" + ln.Addr().String()
	if o.SMTP.Host != "" {
		cfg.SMTP = o.SMTP
	}
	if err := cfg.Validate(); err != nil {
		ln.Close()
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, nil, app.Options{Argon2: account.FastArgon2, Now: o.Now})
	if err != nil {
		ln.Close()
		t.Fatalf("open app: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln, nil) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
		a.Close()
	})
	return &Server{URL: cfg.BaseURL, App: a}
}

// Client is an HTTP client with its own cookie jar that does not follow
// redirects, so tests can assert on them.
func (s *Server) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Login signs the client in as username by minting a session through the
// service, as wtf's tests do, instead of typing a password on every test.
func (s *Server) Login(t testing.TB, c *http.Client, username, password string) {
	t.Helper()
	tok, _, _, err := s.App.Service.Login(context.Background(), service.LoginInput{Username: username, Password: password, IP: "127.0.0.1"})
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	u, _ := url.Parse(s.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "yx_session", Value: tok, Path: "/"}})
}

// CSRF fetches a page with c and returns the CSRF token in its meta tag.
func (s *Server) CSRF(t testing.TB, c *http.Client, path string) string {
	t.Helper()
	resp, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	body := b.String()
	const marker = `<meta name="csrf-token" content="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no CSRF token on %s (status %d)", path, resp.StatusCode)
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

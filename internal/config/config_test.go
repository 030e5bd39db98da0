package config

import (
	"flag"
	"testing"
)

func TestPrecedence(t *testing.T) {
	c := Default()
	env := map[string]string{"YANXIU_ADDR": "0.0.0.0:9000", "YANXIU_DATA": "/env/data"}
	if err := c.Env(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--data", "/flag/data"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DataDir != "/flag/data" || c.BaseURL != "http://0.0.0.0:9000" {
		t.Fatalf("got %+v", c)
	}
}

func TestValidate(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"no storage":          func(c *Config) { c.DataDir = "" },
		"bad db":              func(c *Config) { c.DBURL = "mysql://x" },
		"bad addr":            func(c *Config) { c.Addr = "nonsense" },
		"bad scale":           func(c *Config) { c.DemoScale = "huge" },
		"public debug addr":   func(c *Config) { c.DebugAddr = "0.0.0.0:6060" },
		"bad debug addr":      func(c *Config) { c.DebugAddr = "6060" },
		"smtp without sender": func(c *Config) { c.SMTP.Host = "smtp.example.org" },
		"s3 without bucket":   func(c *Config) { c.S3.Endpoint = "minio.local:9000" },
		"s3 with scheme":      func(c *Config) { c.S3 = S3{Endpoint: "https://minio.local", Bucket: "b"} },
		"s3 half the keys":    func(c *Config) { c.S3 = S3{Endpoint: "minio.local", Bucket: "b", AccessKey: "k"} },
		"smtp bad sender": func(c *Config) {
			c.SMTP = SMTP{Host: "smtp.example.org", Port: 587, TLS: "starttls", From: "not an address"}
		},
		"smtp bad port": func(c *Config) {
			c.SMTP = SMTP{Host: "smtp.example.org", Port: 0, TLS: "starttls", From: "noreply@example.org"}
		},
		"smtp bad tls": func(c *Config) {
			c.SMTP = SMTP{Host: "smtp.example.org", Port: 465, TLS: "ssl", From: "noreply@example.org"}
		},
		"smtp password without user": func(c *Config) {
			c.SMTP = SMTP{Host: "smtp.example.org", Port: 587, TLS: "starttls", From: "noreply@example.org", Password: "x"}
		},
	} {
		c := Default()
		mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, c)
		}
	}
	for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:0"} {
		c := Default()
		c.DebugAddr = addr
		if err := c.Validate(); err != nil {
			t.Errorf("loopback debug address %s refused: %v", addr, err)
		}
	}
	if err := (&Config{}).Env(func(string) string { return "maybe" }); err == nil {
		t.Error("bad boolean accepted")
	}
	if err := (&Config{}).Env(func(k string) string { return map[string]string{"YANXIU_SMTP_PORT": "smtp"}[k] }); err == nil {
		t.Error("bad SMTP port accepted")
	}
}

func TestSMTPSettings(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil || c.SMTP.Host != "" || c.SMTP.Port != 587 || c.SMTP.TLS != "starttls" {
		t.Fatalf("defaults: %+v, %v (mail is off until a host is given)", c.SMTP, err)
	}
	env := map[string]string{"YANXIU_SMTP_HOST": "smtp.env.example", "YANXIU_SMTP_PORT": "2525",
		"YANXIU_SMTP_USERNAME": "env-user", "YANXIU_SMTP_PASSWORD": "env-pass", "YANXIU_SMTP_FROM": "研修平台 <noreply@env.example>",
		"YANXIU_SMTP_TLS": "none"}
	if err := c.Env(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--smtp-port", "465", "--smtp-tls", "tls"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := SMTP{Host: "smtp.env.example", Port: 465, TLS: "tls", Username: "env-user", Password: "env-pass", From: "研修平台 <noreply@env.example>"}
	if c.SMTP != want {
		t.Fatalf("SMTP = %+v, want %+v", c.SMTP, want)
	}
}

func TestS3Settings(t *testing.T) {
	c := Default()
	if !c.S3.TLS || c.S3.Endpoint != "" {
		t.Fatalf("default S3 settings %+v: want off, with TLS when switched on", c.S3)
	}
	env := map[string]string{"YANXIU_S3_ENDPOINT": "minio.local:9000", "YANXIU_S3_BUCKET": "files",
		"YANXIU_S3_ACCESS_KEY": "k", "YANXIU_S3_SECRET_KEY": "s", "YANXIU_S3_TLS": "false"}
	if err := c.Env(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--s3-prefix", "yanxiu/", "--s3-region", "cn-north-1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := S3{Endpoint: "minio.local:9000", Bucket: "files", AccessKey: "k", SecretKey: "s", Region: "cn-north-1",
		Prefix: "yanxiu/", TLS: false}
	if c.S3 != want {
		t.Fatalf("S3 = %+v, want %+v", c.S3, want)
	}
	if err := (&Config{}).Env(func(k string) string { return map[string]string{"YANXIU_S3_TLS": "perhaps"}[k] }); err == nil {
		t.Error("bad YANXIU_S3_TLS accepted")
	}
}

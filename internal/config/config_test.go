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
		"no storage": func(c *Config) { c.DataDir = "" },
		"bad db":     func(c *Config) { c.DBURL = "mysql://x" },
		"bad addr":   func(c *Config) { c.Addr = "nonsense" },
		"bad scale":  func(c *Config) { c.DemoScale = "huge" },
	} {
		c := Default()
		mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, c)
		}
	}
	if err := (&Config{}).Env(func(string) string { return "maybe" }); err == nil {
		t.Error("bad boolean accepted")
	}
}

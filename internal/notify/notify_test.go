package notify

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Notification{UserID: 1, Kind: Mention, Title: "分层作业", URL: "/c/1/t/2#r3"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(n *Notification){
		"no recipient":      func(n *Notification) { n.UserID = 0 },
		"unknown kind":      func(n *Notification) { n.Kind = "gossip" },
		"long title":        func(n *Notification) { n.Title = strings.Repeat("题", MaxTitle+1) },
		"absolute url":      func(n *Notification) { n.URL = "https://evil.example/" },
		"protocol-relative": func(n *Notification) { n.URL = "//evil.example/x" },
		"backslash":         func(n *Notification) { n.URL = "/\\evil.example" },
		"line break":        func(n *Notification) { n.URL = "/a\r\nb" },
		"too long url":      func(n *Notification) { n.URL = "/" + strings.Repeat("a", MaxURL) },
	} {
		n := ok
		mut(&n)
		if err := n.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestModesAndDefaults(t *testing.T) {
	for _, k := range Kinds() {
		if !k.Valid() || !DefaultMode(k).Valid() {
			t.Errorf("%s: invalid kind or default", k)
		}
	}
	for k, want := range map[Kind]Mode{Mention: Immediately, Reply: Immediately, Message: Immediately, JoinRequest: Immediately,
		Invitation: Immediately, VoteOpened: Digest, BriefingPublished: Digest, Follow: Digest} {
		if got := DefaultMode(k); got != want {
			t.Errorf("DefaultMode(%s) = %s, want %s", k, got, want)
		}
	}
	p := Preferences{Mention: Off, Reply: "garbage"}
	if p.Mode(Mention) != Off || p.Mode(Reply) != Immediately || p.Mode(VoteClosed) != Digest {
		t.Errorf("Preferences.Mode: %s %s %s", p.Mode(Mention), p.Mode(Reply), p.Mode(VoteClosed))
	}
	if Mode("sometimes").Valid() {
		t.Error("unknown mode valid")
	}
}

func TestShortTitle(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"短标题", 10, "短标题"},
		{"关于分层作业设计的讨论", 5, "关于分层…"},
		{"abc def", 5, "abc…"},
	} {
		if got := ShortTitle(tc.in, tc.max); got != tc.want {
			t.Errorf("ShortTitle(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

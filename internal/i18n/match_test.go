package i18n

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name, accept, preferred, want string
	}{
		{"nothing sent", "", "", "zh-CN"},
		{"chinese browser", "zh-CN,zh;q=0.9,en;q=0.8", "", "zh-CN"},
		{"simplified script tag", "zh-Hans-CN", "", "zh-CN"},
		{"english browser", "en-US,en;q=0.9", "", "en"},
		{"british english", "en-GB", "", "en"},
		{"english before chinese by weight", "zh;q=0.5, en;q=0.9", "", "en"},
		{"unsupported falls to default", "fr-FR,de;q=0.8", "", "zh-CN"},
		{"unsupported then english", "fr-FR, en;q=0.5", "", "en"},
		{"garbage header", ";;;q=x,,", "", "zh-CN"},
		{"oversized header", strings.Repeat("en,", 1000), "", "zh-CN"},
		{"stored preference wins", "zh-CN", "en", "en"},
		{"stored chinese wins", "en-US", "zh-CN", "zh-CN"},
		{"unsupported preference ignored", "en", "fr", "en"},
		{"invalid preference ignored", "en", "!!", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.accept, tt.preferred); got != tt.want {
				t.Errorf("Match(%q, %q) = %q, want %q", tt.accept, tt.preferred, got, tt.want)
			}
		})
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("zh-CN,zh;q=0.9", "")
	f.Add("en-US", "en")
	f.Fuzz(func(t *testing.T, accept, preferred string) {
		got := Match(accept, preferred)
		if got != Chinese && got != English {
			t.Errorf("Match(%q, %q) = %q, not a supported language", accept, preferred, got)
		}
	})
}

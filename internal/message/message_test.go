package message

import (
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

func TestPairKey(t *testing.T) {
	tests := []struct {
		a, b int64
		want string
	}{
		{1, 2, "1:2"},
		{2, 1, "1:2"},
		{10, 9, "9:10"},
		{123456789012, 7, "7:123456789012"},
	}
	for _, tc := range tests {
		if got := PairKey(tc.a, tc.b); got != tc.want {
			t.Errorf("PairKey(%d, %d) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
	// The key must not let two different pairs collide (no "1:23" == "12:3").
	if PairKey(1, 23) == PairKey(12, 3) {
		t.Error("pairs (1,23) and (12,3) share a key")
	}
}

func TestValidateBody(t *testing.T) {
	tests := []struct {
		name, in, want, errKey string
	}{
		{"plain", "你好，李老师", "你好，李老师", ""},
		{"trimmed", "  \n hello \t", "hello", ""},
		{"empty", "", "", "form.required"},
		{"only spaces", " \n\t ", "", "form.required"},
		{"at limit in Chinese", strings.Repeat("长", MaxBody), strings.Repeat("长", MaxBody), ""},
		{"over limit", strings.Repeat("长", MaxBody+1), "", "form.too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateBody(tc.in)
			if tc.errKey == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ValidateBody = %q, %v; want %q, nil", got, err, tc.want)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || e.Fields["body"].Key != tc.errKey {
				t.Fatalf("ValidateBody error = %v, want body: %s", err, tc.errKey)
			}
		})
	}
}

func TestReasonsAndStatuses(t *testing.T) {
	for _, r := range ReportReasons {
		if !ValidReason(r) {
			t.Errorf("ValidReason(%q) = false", r)
		}
	}
	for _, r := range []string{"", "SPAM", "because", "spam "} {
		if ValidReason(r) {
			t.Errorf("ValidReason(%q) = true", r)
		}
	}
	for _, s := range ReportStatuses {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	if ReportStatus("closed").Valid() {
		t.Error(`"closed" is not a status`)
	}
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// The first instance to create a setting wins; later ones read its value.
func TestInitSettingFirstWins(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, ok, err := db.R().Setting(ctx, "secret"); ok || err != nil {
			t.Fatalf("unset setting: %v %v", ok, err)
		}
		first, err := db.W().InitSetting(ctx, "secret", "aaaa", time.Now())
		if err != nil || first != "aaaa" {
			t.Fatalf("first = %q %v", first, err)
		}
		second, err := db.W().InitSetting(ctx, "secret", "bbbb", time.Now())
		if err != nil || second != "aaaa" {
			t.Fatalf("second = %q %v, want the first value", second, err)
		}
		if v, ok, err := db.R().Setting(ctx, "secret"); !ok || v != "aaaa" || err != nil {
			t.Fatalf("stored = %q %v %v", v, ok, err)
		}
	})
}

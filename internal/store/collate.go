package store

import (
	"encoding/hex"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Names are sorted by a collation key computed here rather than by the
// engine's collation, so that Chinese names sort in pinyin order (张 after 李)
// identically on SQLite, whose built-in order is by code point, and on
// PostgreSQL whatever its locale. The key is stored hex-encoded so that a
// plain byte-wise ORDER BY on TEXT gives the collation order.
var collators = sync.Pool{New: func() any { return collate.New(language.Chinese, collate.Loose) }}

// SortKey returns the collation key of a display name.
func SortKey(name string) string {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	return hex.EncodeToString(c.KeyFromString(&buf, name))
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func ptrMS(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := fromMS(*v)
	return &t
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

package service_test

import (
	"context"
	"sync"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// Parallel uploads racing for the last room of a quota: at most one fits.
// On PostgreSQL the transactions are READ COMMITTED, so without the lock on
// the space's row each one summed the old total and all were stored.
func TestUploadQuotaUnderRace(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		const racers = 4
		for _, u := range []*account.User{w.teacher, w.colleague, w.groupMember, w.stranger} {
			var wg sync.WaitGroup
			var mu sync.Mutex
			stored := 0
			start := make(chan struct{})
			for i := range racers {
				// 40 KiB each against a 64 KiB quota; distinct bytes, distinct blobs.
				data := append(testkit.PNG(), make([]byte, 40<<10)...)
				data[len(data)-1] = byte(i + 1)
				wg.Go(func() {
					<-start
					if _, err := w.upload(t, u, 0, pub("竞争上传"), "race.png", data); err == nil {
						mu.Lock()
						stored++
						mu.Unlock()
					}
				})
			}
			close(start)
			wg.Wait()
			used, err := db.R().SpaceFileBytes(context.Background(), u.PersonalSpaceID)
			if err != nil {
				t.Fatal(err)
			}
			if stored != 1 || used > 64<<10 {
				t.Errorf("%s: %d of %d parallel uploads stored, %d bytes used of a 64 KiB quota", u.Username, stored,
					racers, used)
			}
		}
	})
}

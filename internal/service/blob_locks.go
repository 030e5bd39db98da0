package service

import (
	"hash/fnv"
	"sync"
)

// blobLocks serialises, per stored file, the moments that decide whether
// the file may be deleted. Files are content-addressed, so two uploads of
// the same bytes share one file: without the lock, a failed upload (or a
// deleted resource) could find the file unused and delete it just after a
// concurrent identical upload had committed a resource pointing at it. The
// locks are striped (a fixed array indexed by a hash of the key) so memory
// stays constant; unrelated files rarely share a stripe, and when they do
// they only wait for each other. They hold within one server process;
// several processes sharing one store would need a database lock as well.
type blobLocks [64]sync.Mutex

func (l *blobLocks) lock(key string) func() {
	m := &l[l.stripe(key)]
	m.Lock()
	return m.Unlock
}

// stripe is the index of key's lock (lockAll takes several in order).
func (l *blobLocks) stripe(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(len(l)))
}

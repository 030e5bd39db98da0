package store

import (
	"context"
	"fmt"
	"runtime"
)

// BulkLoadMode readies SQLite for loading a large data set into a new
// database in one transaction, and returns a function that puts everything
// back (call it after the load commits or fails). Besides GrowCache's
// bigger page cache it takes the database out of WAL mode for the load:
// with the write-ahead log, every page of a district (1.5 GB) is written
// twice, once into the log at commit and again when the checkpoint copies
// it into the database, and a page spilled from the cache mid-load is
// found again through the log's index. With an in-memory rollback journal
// the new pages go straight to their place in the file, and a smaller
// cache suffices. synchronous=OFF skips the fsyncs of the load.
//
// What this gives up is durability during the load: a process killed
// mid-load may leave a damaged database file. It is for seeding an empty
// database, where the remedy is to delete the file and seed again; an
// error inside the transaction still rolls back cleanly, since the journal
// (in memory) is kept. The database returns to WAL mode afterwards.
//
// Leaving WAL mode needs the only open connection, so the idle readers are
// closed for the load (nothing else may read the database meanwhile); if
// it cannot be left, the load runs in WAL mode, only slower. On
// PostgreSQL it does nothing.
func (db *DB) BulkLoadMode(ctx context.Context, cacheMiB int) (func(context.Context) error, error) {
	if db.Dialect == Postgres {
		return func(context.Context) error { return nil }, nil
	}
	restoreCache, err := db.GrowCache(ctx, cacheMiB)
	if err != nil {
		return nil, err
	}
	db.read.SetMaxIdleConns(0) // closes the idle readers
	var mode string
	if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode = MEMORY`).Scan(&mode); err != nil {
		mode = "wal" // a reader is busy: load in WAL mode
	}
	// Sorts go to temporary files instead of memory, so that an index
	// build sorts its keys in runs, each in a sorter thread (see
	// SortInRuns); the files are deleted as soon as they are opened.
	for _, p := range []string{`PRAGMA synchronous = OFF`, `PRAGMA temp_store = FILE`} {
		if _, err := db.write.ExecContext(ctx, p); err != nil {
			return nil, fmt.Errorf("bulk load: %s: %w", p, err)
		}
	}
	return func(ctx context.Context) error {
		var errs []error
		if mode != "wal" {
			if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
				errs = append(errs, fmt.Errorf("back to WAL mode: %w", err))
			}
		}
		for _, p := range []string{`PRAGMA synchronous = NORMAL`, `PRAGMA temp_store = MEMORY`} {
			if _, err := db.write.ExecContext(ctx, p); err != nil {
				errs = append(errs, fmt.Errorf("after the bulk load: %s: %w", p, err))
			}
		}
		db.read.SetMaxIdleConns(readers())
		if err := restoreCache(ctx); err != nil {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return errs[0]
		}
		return nil
	}, nil
}

// readers is the size of SQLite's reader pool.
func readers() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// SortInRuns shrinks the page cache of the load's transaction to mib
// mebibytes before the indexes are built again (BulkLoadMode's cache is for
// loading). SQLite sorts an index's keys in memory runs of the cache's
// size: one run as large as the whole index (a district's events index is
// about 200 MB) is sorted by the connection's own thread while the second
// core idles, whereas runs of tens of megabytes are sorted by the sorter
// threads as the table is read and then merged. With temporary storage in
// memory (the server's setting) SQLite never sorts in runs, which is why
// BulkLoadMode switches it to files. The cache's dirty pages are written to
// the database file on the way, as they would be at commit. On PostgreSQL
// it does nothing.
func (q *Q) SortInRuns(ctx context.Context, mib int) error {
	if q.dialect == Postgres {
		return nil
	}
	if _, err := q.q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -mib*1024)); err != nil {
		return fmt.Errorf("cache for the index builds: %w", err)
	}
	return nil
}

package service

import (
	"context"
	"fmt"

	"github.com/yanxiu/yanxiu/internal/resource"
	"github.com/yanxiu/yanxiu/internal/store"
)

// ReindexResources rebuilds the whole search index in one transaction
// (store.ReindexAllResources says how), for `yanxiu resources reindex`.
func (s *Service) ReindexResources(ctx context.Context, progress store.ReindexProgress) (int, error) {
	var n int
	err := s.db.Tx(ctx, func(q *store.Q) error {
		var err error
		n, err = q.ReindexAllResources(ctx, s.Now().UnixMilli(), progress)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("rebuild the search index: %w", err)
	}
	return n, nil
}

// unindexedBatch is how many resources IndexMissingResources takes per
// transaction, so that it never holds the writer for long.
const unindexedBatch = 100

// IndexMissingResources indexes the resources the index lacks, from their
// kept text: after migration 0014 replaced the index layout, every
// resource; otherwise none, or the odd one whose indexing was interrupted.
// The server runs it at start, in the background.
func (s *Service) IndexMissingResources(ctx context.Context) (int, error) {
	ids, err := s.db.R().UnindexedResources(ctx, 0, 1)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	// An empty index with resources to fill it (the first start after the
	// migration) is rebuilt in bulk, which is many times faster.
	stats, err := s.db.R().ResourceIndexStats(ctx)
	if err != nil {
		return 0, err
	}
	if stats.Docs == 0 {
		return s.ReindexResources(ctx, nil)
	}
	done := 0
	var after int64
	for {
		ids, err := s.db.R().UnindexedResources(ctx, after, unindexedBatch)
		if err != nil || len(ids) == 0 {
			return done, err
		}
		after = ids[len(ids)-1]
		err = s.db.Tx(ctx, func(q *store.Q) error {
			rs, err := q.ResourcesByIDs(ctx, ids)
			if err != nil {
				return err
			}
			for _, r := range rs {
				body, err := q.ResourceText(ctx, r.ID)
				if err != nil {
					return err
				}
				doc := resource.IndexDoc{Title: r.Title, Meta: resource.MetaText(r), Body: body}
				if err := q.IndexResource(ctx, r.ID, doc.Fields(), s.Now().UnixMilli()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("index resources: %w", err)
		}
		done += len(ids)
	}
}

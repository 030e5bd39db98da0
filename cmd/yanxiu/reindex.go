package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/yanxiu/yanxiu/internal/app"
)

// cmdResourcesReindex rebuilds the resources' search index in one
// transaction, printing its phases with elapsed times; searches keep
// answering from the old index until it commits.
func cmdResourcesReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := parse("resources reindex", args, stderr, false, nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(stderr, "warn"), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	phase := ""
	n, err := a.Service.ReindexResources(ctx, func(p string, done int) {
		if p != phase {
			phase = p
			fmt.Fprintf(stderr, "%s (%s)\n", p, time.Since(start).Round(time.Millisecond))
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d resources in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

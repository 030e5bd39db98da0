package service

import (
	"context"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Reading the responses of an analysis into columns. The database reads
// on one goroutine and survey.Decoder decodes on another, so that with a
// core to spare decoding 100,000 responses costs no time of its own: the
// reader copies each response's answers into a batch and hands full
// batches over; a few batches circulate between the two.

// answersBatch holds consecutive responses' answers as read: answers k is
// buf[ends[k-1]:ends[k]].
type answersBatch struct {
	buf  []byte
	ends []int
}

// batches is how many batches circulate: one being filled, one being
// decoded, one waiting.
const batches = 3

// batchBytes is the size at which a batch is handed to the decoder; a
// variable so that tests can hand over every response on its own.
var batchBytes = 256 << 10

// readTable reads the submitted responses of questionnaire sv into a table
// of res's variables, keeping those that pass filters, and counts every
// submitted response by day (Unix milliseconds of the UTC day). It
// enforces MaxAnalysedResponses and the cells limit on the responses kept.
func (s *Service) readTable(ctx context.Context, sv *survey.Survey, res *SurveyResults, filters []filter) (*survey.Table, map[int64]int, error) {
	dec := survey.NewDecoder(sv.Definition, res.Variables)
	tab := dec.Table()
	if len(filters) == 0 {
		// Every response is kept: make room for them at once, within the
		// limits.
		tab.Grow(max(0, min(sv.ResponseCount, MaxAnalysedResponses, maxSurveyCells/max(len(res.Variables), 1))))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := make(chan *answersBatch, batches)
	free := make(chan *answersBatch, batches)
	for range batches {
		free <- &answersBatch{}
	}
	// The decoder: it takes every batch the reader hands over and gives it
	// back; after an error it only gives them back, and stops the reader.
	var decodeErr error
	var decodePanic any // raised again on this goroutine, as without the decoder's
	decoded := make(chan struct{})
	go func() {
		defer close(decoded)
		defer func() {
			if decodePanic = recover(); decodePanic != nil {
				cancel()
				for b := range full { // let the reader finish
					free <- b
				}
			}
		}()
		for b := range full {
			if decodeErr == nil {
				if decodeErr = decodeBatch(dec, b, filters, len(res.Variables)); decodeErr != nil {
					decodeErr = fmt.Errorf("answers of a response to survey %d: %w", sv.ID, decodeErr)
					cancel()
				}
			}
			b.buf, b.ends = b.buf[:0], b.ends[:0]
			free <- b
		}
	}()
	// The reader. The responses per day are counted on this pass, which
	// reads every submitted response anyway (before the filters): a query
	// of its own reads every response's row a second time, a fifth of the
	// time of 100,000 responses (docs/PERFORMANCE.md).
	byDay := map[int64]int{}
	cur := <-free
	readErr := s.db.R().EachSubmittedAnswers(ctx, sv.ID, func(at time.Time, answers []byte) error {
		if !at.IsZero() {
			byDay[store.Day(at).UnixMilli()]++
		}
		cur.buf = append(cur.buf, answers...)
		cur.ends = append(cur.ends, len(cur.buf))
		if len(cur.buf) < batchBytes {
			return nil
		}
		select {
		case full <- cur:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case cur = <-free:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	if readErr == nil && len(cur.ends) > 0 {
		full <- cur // never blocks: the decoder drains full until it is closed
	}
	close(full)
	<-decoded
	if decodePanic != nil {
		panic(decodePanic)
	}
	if decodeErr != nil {
		return nil, nil, decodeErr
	}
	if readErr != nil {
		return nil, nil, readErr
	}
	return tab, byDay, nil
}

// decodeBatch appends a batch's responses to the decoder's table, dropping
// those the filters do not keep; vars is the number of variables.
func decodeBatch(dec *survey.Decoder, b *answersBatch, filters []filter, vars int) error {
	tab := dec.Table()
	start := 0
	for _, end := range b.ends {
		if err := dec.Decode(b.buf[start:end]); err != nil {
			return err
		}
		start = end
		n := tab.Len()
		if !keep(tab, filters, n-1) {
			tab.Truncate(n - 1)
			continue
		}
		if n > MaxAnalysedResponses {
			return apperr.New(apperr.TooLarge, "survey.error.too_many_responses")
		}
		if err := checkSurveyCells(n, vars); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"math"
	"math/bits"
	"time"
)

// The histogram keeps latencies in microseconds in log-linear buckets: exact
// below 128 µs, then 64 buckets per power of two, so a percentile is off by
// at most 1/64 (1.6 %) of its value. Recording is an index computation and
// an increment, cheap enough for the hot loop of every worker; each worker
// owns one histogram and they are merged when a phase ends, so the workers
// share nothing while the load runs.
const (
	subBucketBits = 6
	subBuckets    = 1 << subBucketBits
	// maxExponent bounds the values kept apart: anything from 2^37 µs
	// (about 38 hours) up lands in the last bucket.
	maxExponent = 30
	bucketCount = (maxExponent + 2) * subBuckets
)

// histogram counts request latencies; the zero value is ready to use.
type histogram struct {
	counts [bucketCount]uint64
	count  uint64
	sum    time.Duration
	min    time.Duration
	max    time.Duration
}

// bucketOf returns the bucket of a value in microseconds.
func bucketOf(us int64) int {
	if us < 0 {
		us = 0
	}
	e := bits.Len64(uint64(us)) - (subBucketBits + 1)
	if e < 0 {
		e = 0
	}
	if e > maxExponent {
		return bucketCount - 1
	}
	return e<<subBucketBits + int(us>>uint(e))
}

// bucketUpper returns the largest value, in microseconds, that falls into
// bucket i.
func bucketUpper(i int) int64 {
	if i < 2*subBuckets {
		return int64(i)
	}
	e := i>>subBucketBits - 1
	m := int64(i - e<<subBucketBits)
	return (m+1)<<uint(e) - 1
}

// record adds one latency.
func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(d.Microseconds())]++
	if h.count == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.count++
	h.sum += d
}

// merge adds the counts of o to h.
func (h *histogram) merge(o *histogram) {
	if o.count == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.count += o.count
	h.sum += o.sum
}

// percentile returns the latency under which a fraction q (0 < q ≤ 1) of the
// recorded requests completed. It answers with the upper edge of the bucket
// that holds the rank, so it errs on the slow side, never beyond the maximum.
func (h *histogram) percentile(q float64) time.Duration {
	if h.count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	if rank < 1 {
		rank = 1
	}
	if rank > h.count {
		rank = h.count
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			d := time.Duration(bucketUpper(i)) * time.Microsecond
			if i == bucketCount-1 || d > h.max {
				d = h.max
			}
			if d < h.min {
				d = h.min
			}
			return d
		}
	}
	return h.max
}

// mean returns the average latency.
func (h *histogram) mean() time.Duration {
	if h.count == 0 {
		return 0
	}
	return h.sum / time.Duration(h.count)
}

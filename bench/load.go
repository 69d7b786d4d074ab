package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Load bounds every measured loop: at most N operations, C at a time, and
// no new operation starts after Duration. Warmup operations run first and
// are not measured.
type Load struct {
	N        int
	C        int
	Duration time.Duration
	Warmup   int
}

// op performs operation i (unique across warm-up and measurement, so it can
// name unique ids) on worker w (0..C-1).
type op func(ctx context.Context, w, i int) error

// drive runs the warm-up, then the measured loop, and returns the latency of
// every measured operation. The first failing operation stops the loop.
func drive(ctx context.Context, l Load, fn op) (Sample, error) {
	if l.Warmup > 0 {
		if _, err := loop(ctx, l.C, 0, l.Warmup, l.Duration, fn); err != nil {
			return Sample{}, fmt.Errorf("warming up: %w", err)
		}
	}
	return loop(ctx, l.C, l.Warmup, l.N, l.Duration, fn)
}

func loop(ctx context.Context, c, first, n int, d time.Duration, fn op) (Sample, error) {
	c = max(c, 1)
	var (
		next     atomic.Int64
		stop     atomic.Bool
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	lats := make([][]time.Duration, c)
	start := time.Now()
	deadline := start.Add(d)
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && ctx.Err() == nil && time.Now().Before(deadline) {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := fn(ctx, w, first+i); err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return Sample{}, firstErr
	}
	if err := ctx.Err(); err != nil {
		return Sample{}, err
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return Sample{Count: len(all), Elapsed: elapsed, Latencies: all}, nil
}

package natsbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// WithRetryBackoff sets EnsureStreamsRetry's first wait between attempts and
// the most it doubles to; defaults 250 ms and 5 s.
func WithRetryBackoff(first, most time.Duration) EnsureOption {
	return func(o *ensureOptions) {
		if first > 0 {
			o.firstWait = first
		}
		o.maxWait = max(most, o.firstWait)
	}
}

// WithAttemptTimeout bounds each of EnsureStreamsRetry's attempts, so one
// request lost to a broken connection does not hold up the next; default
// 10 s.
func WithAttemptTimeout(d time.Duration) EnsureOption {
	return func(o *ensureOptions) {
		if d > 0 {
			o.attemptTimeout = d
		}
	}
}

// EnsureStreamsRetry is EnsureStreams for a start that must not depend on
// NATS being up first: while JetStream cannot be reached or answers with an
// error another attempt may not meet, it tries again with backoff (each
// retry logged at warn level) until ctx ends. What retrying cannot mend
// returns at once: an invalid cfg, and a stream of our name with other
// subjects (ErrForeignStream), which an operator must resolve.
func EnsureStreamsRetry(ctx context.Context, js jetstream.JetStream, cfg StreamsConfig, opts ...EnsureOption) error {
	o := newEnsureOptions(opts)
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	for wait := o.firstWait; ; wait = min(2*wait, o.maxWait) {
		actx, cancel := context.WithTimeout(ctx, o.attemptTimeout)
		err := ensureAll(actx, js, cfg, o.log)
		cancel()
		if err == nil || errors.Is(err, ErrForeignStream) {
			return err
		}
		if ctx.Err() != nil {
			return giveUp(ctx, err)
		}
		o.log.Warn("ensuring JetStream streams failed; retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return giveUp(ctx, err)
		case <-time.After(wait):
		}
	}
}

// giveUp is the last attempt's error, marked with why there is no next one.
func giveUp(ctx context.Context, last error) error {
	return fmt.Errorf("ensuring JetStream streams: %w (gave up: %w)", last, context.Cause(ctx))
}

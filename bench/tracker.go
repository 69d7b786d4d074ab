package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// tracker matches messages read from a stream to the operations that caused
// them, by a key both sides know (a text, a header, a command id).
type tracker struct {
	mu   sync.Mutex
	want map[string]chan arrival
}

// arrival is when a key became readable, and err when the message that
// carried it reports a failure (a result with an error status).
type arrival struct {
	at  time.Time
	err error
}

// keyFunc extracts a message's key; a non-nil error means the message is
// the answer for key but a failed one. An empty key is ignored.
type keyFunc func(jetstream.Msg) (string, error)

func newTracker() *tracker { return &tracker{want: map[string]chan arrival{}} }

// expect registers key before the operation that produces it starts, so an
// arrival can never be missed; the channel receives the arrival time.
func (t *tracker) expect(key string) <-chan arrival {
	ch := make(chan arrival, 1)
	t.mu.Lock()
	t.want[key] = ch
	t.mu.Unlock()
	return ch
}

// arrived reports key as readable at at; unknown keys (other traffic on the
// same subject, or a redelivery) are ignored.
func (t *tracker) arrived(key string, a arrival) {
	t.mu.Lock()
	ch, ok := t.want[key]
	delete(t.want, key)
	t.mu.Unlock()
	if ok {
		ch <- a
	}
}

// forget drops keys that will not be waited for any more.
func (t *tracker) forget(keys ...string) {
	t.mu.Lock()
	for _, k := range keys {
		delete(t.want, k)
	}
	t.mu.Unlock()
}

// watch reads every message stored on stream under filter from now on and
// reports its key to tr, until the returned stop is called. It starts after
// the stream's current last sequence, so older traffic is never replayed.
func watch(ctx context.Context, js jetstream.JetStream, stream, filter string, key keyFunc, tr *tracker) (func(), error) {
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("looking up stream %s: %w", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading stream %s: %w", stream, err)
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    info.State.LastSeq + 1,
	})
	if err != nil {
		return nil, fmt.Errorf("creating a consumer on %s %s: %w", stream, filter, err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		at := time.Now()
		if k, err := key(m); k != "" {
			tr.arrived(k, arrival{at: at, err: err})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("consuming %s %s: %w", stream, filter, err)
	}
	return cc.Stop, nil
}

// awaitAll waits for every channel and returns the latest arrival time. It
// gives up at ctx's end, saying how many arrived, and at the first failure.
func awaitAll(ctx context.Context, chans []<-chan arrival) (time.Time, error) {
	var last time.Time
	for i, ch := range chans {
		select {
		case a := <-ch:
			if a.err != nil {
				return time.Time{}, a.err
			}
			if a.at.After(last) {
				last = a.at
			}
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%d of %d messages (at least) reached the stream in time: %w", i, len(chans), ctx.Err())
		}
	}
	return last, nil
}

// roundTrip sends one message and waits until its key is readable on the
// stream, so the operation's latency is end to end.
func roundTrip(ctx context.Context, tr *tracker, key string, timeout time.Duration, send func() error) error {
	ch := tr.expect(key)
	if err := send(); err != nil {
		tr.forget(key)
		return err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case a := <-ch:
		return a.err
	case <-timer.C:
		tr.forget(key)
		return fmt.Errorf("%s was not readable on the stream within %s", key, timeout)
	case <-ctx.Done():
		tr.forget(key)
		return ctx.Err()
	}
}

// flood sends up to l.N messages from l.C senders without waiting for them,
// then waits until every sent one is readable on the stream. Elapsed runs
// from the first send to the last arrival; there are no per-message latencies.
func flood(ctx context.Context, l Load, tr *tracker, keyOf func(i int) string, send func(ctx context.Context, w int, key string) error) (Sample, error) {
	chans := make([]<-chan arrival, l.N)
	start := time.Now()
	s, err := loop(ctx, l.C, 0, l.N, l.Duration, func(ctx context.Context, w, i int) error {
		key := keyOf(i)
		chans[i] = tr.expect(key)
		if err := send(ctx, w, key); err != nil {
			tr.forget(key)
			return err
		}
		return nil
	})
	if err != nil {
		return Sample{}, err
	}
	// Workers take an index only before the deadline and finish it, so the
	// sent messages are exactly 0..Count-1.
	wctx, cancel := context.WithTimeout(ctx, l.Duration+arrivalGrace)
	defer cancel()
	last, err := awaitAll(wctx, chans[:s.Count])
	if err != nil {
		return Sample{}, err
	}
	return Sample{Count: s.Count, Elapsed: last.Sub(start)}, nil
}

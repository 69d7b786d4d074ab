package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// inboundLatency measures one message at a time, end to end: from the call
// until a consumer has read the message from the stream.
func (b *bench) inboundLatency(ctx context.Context) ([]Row, error) {
	base, err := b.rawEvents(ctx, func(tr *tracker) (Sample, error) {
		return drive(ctx, b.with(1), func(ctx context.Context, _, i int) error {
			key := fmt.Sprintf("%s-js1-%d", b.run, i)
			return roundTrip(ctx, tr, key, opTimeout, func() error { return b.publishRaw(ctx, key) })
		})
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	wab, err := b.wabEvents(ctx, func(tr *tracker) (Sample, error) {
		return drive(ctx, b.with(1), func(ctx context.Context, w, i int) error {
			key := fmt.Sprintf("%s-in1-%d", b.run, i)
			return roundTrip(ctx, tr, key, opTimeout, func() error { return b.inbound(ctx, w, key) })
		})
	})
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	return compare("inbound e2e c=1", base, wab), nil
}

// inboundFlood measures throughput: N messages sent by C senders, counted
// done when the last one is readable.
func (b *bench) inboundFlood(ctx context.Context) ([]Row, error) {
	l := b.load
	base, err := b.rawEvents(ctx, func(tr *tracker) (Sample, error) {
		return flood(ctx, l, tr, func(i int) string { return fmt.Sprintf("%s-jsN-%d", b.run, i) },
			func(ctx context.Context, _ int, key string) error { return b.publishRaw(ctx, key) })
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	wab, err := b.wabEvents(ctx, func(tr *tracker) (Sample, error) {
		return flood(ctx, l, tr, func(i int) string { return fmt.Sprintf("%s-inN-%d", b.run, i) },
			func(ctx context.Context, w int, key string) error { return b.inbound(ctx, w, key) })
	})
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	return compare(fmt.Sprintf("inbound flood c=%d", l.C), base, wab), nil
}

// rawEvents runs measure while a consumer reads the baseline stream.
func (b *bench) rawEvents(ctx context.Context, measure func(*tracker) (Sample, error)) (Sample, error) {
	tr := newTracker()
	stop, err := watch(ctx, b.base.js, rawStream, rawSubject, func(m jetstream.Msg) (string, error) {
		return m.Headers().Get(rawKeyField), nil
	}, tr)
	if err != nil {
		return Sample{}, err
	}
	defer stop()
	return measure(tr)
}

// wabEvents runs measure while a consumer reads message.received from WA_EVENTS.
func (b *bench) wabEvents(ctx context.Context, measure func(*tracker) (Sample, error)) (Sample, error) {
	tr := newTracker()
	stop, err := watch(ctx, b.wab.js, "WA_EVENTS", fmt.Sprintf("wa.%s.evt.*.message.received", session), receivedText, tr)
	if err != nil {
		return Sample{}, err
	}
	defer stop()
	return measure(tr)
}

// publishRaw is the baseline of an inbound message: one synchronous
// JetStream publish of a payload the size of a message.received event.
func (b *bench) publishRaw(ctx context.Context, key string) error {
	msg := nats.NewMsg(rawSubject)
	msg.Header.Set(rawKeyField, key)
	msg.Data = []byte(filler(key, 2*payloadSize))
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if _, err := b.base.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("publishing %s: %w", key, err)
	}
	return nil
}

// inbound makes worker w's virtual contact send text to the session.
func (b *bench) inbound(ctx context.Context, w int, text string) error {
	body, err := json.Marshal(map[string]string{"from": phoneFor(w), "message": text})
	if err != nil {
		return fmt.Errorf("encoding inbound: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	status, env, err := postJSON(ctx, b.wab.http, b.wab.httpURL+"/sandbox/inbound", body, nil)
	if err := expectOK(status, env, err); err != nil {
		return fmt.Errorf("POST /sandbox/inbound: %w", err)
	}
	return nil
}

// receivedText keys a message.received event by its text, which the bench
// chose, so it is known before the event exists.
func receivedText(m jetstream.Msg) (string, error) {
	e, err := cenats.Decode(m.Headers(), m.Data())
	if err != nil {
		return "", nil // not ours to judge; an unkeyed event is ignored
	}
	var data struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(e.Data(), &data) != nil {
		return "", nil
	}
	return data.Text, nil
}

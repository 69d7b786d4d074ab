package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// Issue 10's targets for GET /events: at least half a raw ordered
// consumer's rate and at least 100,000 events/s, memory flat.
const (
	targetReplay = 100_000 // events/s
	// sessionReplay is a session wabridge does not run: its events are
	// only stored, so the chat store's projector spends nothing on them and
	// the scenario measures reading alone.
	sessionReplay = "replaybench"
	replayTimeout = 5 * time.Minute
)

func replayScenarios(s StoreLoad) []scenario {
	return []scenario{{Name: fmt.Sprintf("replay GET /events %d", s.ReplayEvents),
		Baseline: "an ordered JetStream consumer reading the same events from WA_EVENTS over TCP",
		Wabridge: "GET /events (NDJSON of structured CloudEvents with seq), read to its end; rss = wabridge's resident memory before (baseline column) and at its peak (wabridge column)",
		run:      (*bench).replay}}
}

// replay fills WA_EVENTS with ReplayEvents events of a session of its own,
// then reads them all with a raw ordered consumer and with GET /events.
func (b *bench) replay(ctx context.Context) ([]Row, error) {
	ctx, cancel := context.WithTimeout(ctx, replayTimeout)
	defer cancel()
	replayEvents := b.store.ReplayEvents
	if err := b.wab.fillEvents(ctx, sessionReplay, replayEvents); err != nil {
		return nil, err
	}
	base, err := b.wab.orderedRead(ctx, sessionReplay, replayEvents)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	rss := startRSSSampler(b.wab.cmd.Process.Pid)
	wab, err := b.wab.restReplay(ctx, sessionReplay, replayEvents)
	first, peak := rss.stop()
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	name := fmt.Sprintf("replay GET /events %d", replayEvents)
	rows := compare(name, base, wab)
	rows = append(rows,
		Row{Scenario: name, Metric: "vs target", Kind: KindThroughput, Unit: "ops/s",
			Baseline: targetReplay, Wabridge: wab.Throughput(), Ratio: ratio(targetReplay, wab.Throughput()), N: wab.Count},
		Row{Scenario: name, Metric: "rss", Kind: KindLatency, Unit: "MiB",
			Baseline: first, Wabridge: peak, Ratio: ratio(peak, first), N: wab.Count})
	return rows, nil
}

// fillEvents async-publishes n valid message.received CloudEvents of
// session straight into WA_EVENTS, as the outbox would (binary mode).
func (t *target) fillEvents(ctx context.Context, session string, n int) error {
	subjects := natsbus.Subjects{}
	const window = 4096
	for i := 0; i < n; i++ {
		ce, err := events.NewCloudEvent(events.NumberedSample(session, i))
		if err != nil {
			return err
		}
		msg, err := cenats.NewMsg(subjects.Event(session, ce.Subject(), "message.received"), ce, cenats.Binary)
		if err != nil {
			return err
		}
		if _, err := t.js.PublishMsgAsync(msg, jetstream.WithExpectStream("WA_EVENTS")); err != nil {
			return fmt.Errorf("publishing event %d: %w", i, err)
		}
		if i%window == window-1 {
			if err := waitAcks(ctx, t.js); err != nil {
				return err
			}
		}
	}
	return waitAcks(ctx, t.js)
}

func waitAcks(ctx context.Context, js jetstream.JetStream) error {
	select {
	case <-js.PublishAsyncComplete():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for publish acks: %w", ctx.Err())
	}
}

// orderedRead is the baseline: every event of session through an ordered
// consumer, each message's data touched.
func (t *target) orderedRead(ctx context.Context, session string, n int) (Sample, error) {
	s, err := t.js.Stream(ctx, "WA_EVENTS")
	if err != nil {
		return Sample{}, err
	}
	start := time.Now()
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"wa." + session + ".evt.>"}})
	if err != nil {
		return Sample{}, err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(512))
	if err != nil {
		return Sample{}, err
	}
	defer it.Stop()
	count, size := 0, 0
	for count < n {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return Sample{}, fmt.Errorf("after %d events: %w", count, err)
		}
		size += len(m.Data())
		count++
	}
	return Sample{Count: count, Elapsed: time.Since(start)}, nil
}

// restReplay reads GET /events of session to its end, counting lines.
func (t *target) restReplay(ctx context.Context, session string, n int) (Sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.httpURL+"/events", nil)
	if err != nil {
		return Sample{}, err
	}
	req.Header.Set("X-Session", session)
	start := time.Now()
	// The client of the other scenarios gives up after opTimeout; this
	// one answer is a million events long.
	resp, err := (&http.Client{Transport: t.http.Transport}).Do(req)
	if err != nil {
		return Sample{}, fmt.Errorf("GET /events: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Sample{}, fmt.Errorf("GET /events: status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(bufio.NewReaderSize(resp.Body, 256<<10))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	count := 0
	for sc.Scan() {
		if len(sc.Bytes()) == 0 || sc.Bytes()[0] != '{' {
			return Sample{}, fmt.Errorf("line %d is not a JSON event: %.80q", count, sc.Bytes())
		}
		count++
	}
	if err := sc.Err(); err != nil {
		return Sample{}, fmt.Errorf("reading GET /events after %d events: %w", count, err)
	}
	if count != n {
		return Sample{}, fmt.Errorf("GET /events gave %d events, want %d", count, n)
	}
	return Sample{Count: count, Elapsed: time.Since(start)}, nil
}

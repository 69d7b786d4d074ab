package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// hookSession is the session the webhook scenario's events belong to; its
// webhook takes only those, so the other scenarios' events do not count.
const hookSession = "benchhooks"

func webhookScenarios(c int) []scenario {
	const base = "raw HTTP POST loop of the same bodies to the same local receiver, c clients, keep-alive, from a process of its own as wabridge is"
	return []scenario{{
		Name:     fmt.Sprintf("webhook fan-out c=%d", c),
		Baseline: base,
		Wabridge: "N events over max(7, c) chats async-published into WA_EVENTS until a webhook (concurrency c: c chats in parallel, each in order), running before the clock starts, delivered all N to the receiver: storing the events and delivering them share the cores; rss = wabridge's resident memory before (baseline column) and at its peak (wabridge column)",
		run:      func(b *bench, ctx context.Context) ([]Row, error) { return b.webhookFanout(ctx, c, false) },
	}, {
		Name:     fmt.Sprintf("webhook backlog c=%d", c),
		Baseline: base,
		Wabridge: "the same N events stored in WA_EVENTS while the receiver held the webhook's first requests (as after a receiver outage); the clock starts when the receiver answers again and stops when it has all N: the delivery alone; rss as above",
		run:      func(b *bench, ctx context.Context) ([]Row, error) { return b.webhookFanout(ctx, c, true) },
	}}
}

func (b *bench) webhookFanout(ctx context.Context, c int, backlog bool) ([]Row, error) {
	name := fmt.Sprintf("webhook fan-out c=%d", c)
	if backlog {
		name = fmt.Sprintf("webhook backlog c=%d", c)
	}
	rc, err := startCountingReceiver()
	if err != nil {
		return nil, err
	}
	defer rc.close()
	msgs, err := b.hookEvents(name, b.load.N, hookChats(c))
	if err != nil {
		return nil, err
	}
	base, err := b.rawPosts(ctx, rc, msgs, c)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	status, env, err := b.wab.call(ctx, http.MethodPost, "/webhooks", map[string]any{
		"url": rc.url, "sessions": []string{hookSession}, "concurrency": c}, nil)
	if err := expectOK(status, env, err); err != nil {
		return nil, fmt.Errorf("creating the webhook: %w", err)
	}
	id, err := b.awaitHookRunning(ctx, env.Data)
	if err != nil {
		return nil, err
	}
	defer b.deleteHook(ctx, id)
	rss := startRSSSampler(b.wab.cmd.Process.Pid)
	var wab Sample
	if backlog {
		wab, err = b.drainBacklog(ctx, rc, msgs)
	} else {
		wab, err = b.publishUntilDelivered(ctx, rc, msgs)
	}
	before, peak := rss.stop()
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	rows := compare(name, base, wab)
	if before > 0 {
		rows = append(rows, Row{Scenario: name, Metric: "rss", Kind: KindLatency, Unit: "MiB",
			Baseline: before, Wabridge: peak, Ratio: ratio(peak, before), N: wab.Count})
	}
	return rows, nil
}

// deleteHook removes a scenario's webhook, so the next scenario's events
// are not delivered to a receiver that is gone.
func (b *bench) deleteHook(ctx context.Context, id string) {
	status, env, err := b.wab.call(ctx, http.MethodDelete, "/webhooks/"+id, nil, nil)
	if err := expectOK(status, env, err); err != nil {
		fmt.Fprintf(os.Stderr, "deleting webhook %s: %v\n", id, err)
	}
}

// hookChats is how many chats the scenario's events spread over: at
// least c. A webhook's concurrency is how many chats proceed at once, each
// in order, so with fewer chats than c it could not have the c deliveries
// in flight the baseline's c clients have.
func hookChats(c int) int { return max(7, c) }

// hookEvents are n valid message.received events of this run and scenario
// over chats chats, as NATS messages for WA_EVENTS: ids of their own, or
// WA_EVENTS' deduplication would drop another scenario's.
func (b *bench) hookEvents(scenario string, n, chats int) ([]*nats.Msg, error) {
	subj := natsbus.Subjects{}
	out := make([]*nats.Msg, n)
	for i := range n {
		e := inChat(events.NumberedSample(hookSession, i), fmt.Sprintf("1203630252461259%03d@g.us", i%chats))
		e.Key = b.run + "|" + scenario + "|" + e.Key
		ce, err := events.NewCloudEvent(e)
		if err != nil {
			return nil, err
		}
		m, err := cenats.NewMsg(subj.Event(hookSession, e.Subject, "message.received"), ce, cenats.Binary)
		if err != nil {
			return nil, err
		}
		m.Header.Set(nats.MsgIdHdr, ce.ID())
		out[i] = m
	}
	return out, nil
}

// inChat moves a numbered sample message into chat.
func inChat(e events.Event, chat string) events.Event {
	msg := e.Data.(events.MessageReceived)
	msg.Chat = events.JID{JID: chat}
	msg.ID = "false_" + chat + "_" + msg.WAID
	msg.Quoted.ID = "false_" + chat + "_" + msg.Quoted.WAID
	e.Subject, e.Key, e.Data = chat, chat+"|"+msg.Sender.JID+"|"+msg.WAID, msg
	return e
}

// awaitHookRunning waits until the created webhook (data: its id) has its
// consumer bound and delivers: the scenario measures delivery, not the
// start of a webhook.
func (b *bench) awaitHookRunning(ctx context.Context, data json.RawMessage) (string, error) {
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(data, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("reading the created webhook's id from %s: %v", data, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, env, err := b.wab.call(ctx, http.MethodGet, "/webhooks/"+created.ID, nil, nil)
		if err := expectOK(status, env, err); err != nil {
			return "", fmt.Errorf("reading the webhook: %w", err)
		}
		var view struct {
			Status struct {
				Running bool `json:"running"`
			} `json:"status"`
		}
		if err := json.Unmarshal(env.Data, &view); err == nil && view.Status.Running {
			return created.ID, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("webhook %s is not running after 10 s", created.ID)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// rawPosts POSTs the events' bodies with c clients from a process of its
// own until all arrived.
func (b *bench) rawPosts(ctx context.Context, rc *countingReceiver, msgs []*nats.Msg, c int) (Sample, error) {
	rc.reset(len(msgs))
	s, err := rawPostsInChild(ctx, b.dir, rc.url, msgs, c, b.load.Duration)
	if err != nil {
		return Sample{}, err
	}
	if got := rc.count(); got != int64(s.Count) {
		return Sample{}, fmt.Errorf("the receiver has %d of the %d bodies posted", got, s.Count)
	}
	return s, nil
}

// publishUntilDelivered publishes every event and waits until the receiver
// has each one.
func (b *bench) publishUntilDelivered(ctx context.Context, rc *countingReceiver, msgs []*nats.Msg) (Sample, error) {
	done := rc.reset(len(msgs))
	start := time.Now()
	if err := b.publishAll(ctx, msgs); err != nil {
		return Sample{}, err
	}
	return b.awaitDelivered(ctx, rc, done, len(msgs), start)
}

// drainBacklog stores every event while the receiver holds the webhook's
// first requests, then lets the receiver answer and measures until it has
// each one: the webhook drains a stored backlog, as after an outage.
func (b *bench) drainBacklog(ctx context.Context, rc *countingReceiver, msgs []*nats.Msg) (Sample, error) {
	done := rc.reset(len(msgs))
	release := rc.hold()
	defer release()
	if err := b.publishAll(ctx, msgs); err != nil {
		return Sample{}, err
	}
	start := time.Now()
	release()
	return b.awaitDelivered(ctx, rc, done, len(msgs), start)
}

// publishAll publishes msgs into WA_EVENTS and waits for their acks.
func (b *bench) publishAll(ctx context.Context, msgs []*nats.Msg) error {
	for _, m := range msgs {
		if _, err := b.wab.js.PublishMsgAsync(m); err != nil {
			return fmt.Errorf("publishing an event: %w", err)
		}
	}
	select {
	case <-b.wab.js.PublishAsyncComplete():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// awaitDelivered waits until done (the receiver has all n) and measures
// from start.
func (b *bench) awaitDelivered(ctx context.Context, rc *countingReceiver, done <-chan struct{}, n int, start time.Time) (Sample, error) {
	select {
	case <-done:
	case <-ctx.Done():
		return Sample{}, ctx.Err()
	case <-time.After(b.load.Duration + arrivalGrace):
		return Sample{}, fmt.Errorf("the receiver has %d of %d events", rc.count(), n)
	}
	return Sample{Count: n, Elapsed: time.Since(start)}, nil
}

// countingReceiver answers 204 to everything and says when it has seen
// want distinct deliveries (by webhook-id; every request without one).
type countingReceiver struct {
	srv *http.Server
	url string

	mu   sync.Mutex
	held chan struct{} // while open, requests wait before they are answered
	seen map[string]bool
	n    atomic.Int64
	want int64
	done chan struct{}
}

func startCountingReceiver() (*countingReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the webhook receiver: %w", err)
	}
	rc := &countingReceiver{url: "http://" + ln.Addr().String() + "/hook"}
	rc.srv = &http.Server{Handler: http.HandlerFunc(rc.handle), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = rc.srv.Serve(ln) }()
	return rc, nil
}

func (rc *countingReceiver) handle(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	rc.mu.Lock()
	held := rc.held
	rc.mu.Unlock()
	if held != nil {
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
	if id := r.Header.Get("webhook-id"); id != "" {
		rc.mu.Lock()
		dup := rc.seen[id]
		rc.seen[id] = true
		rc.mu.Unlock()
		if dup {
			return
		}
	}
	if rc.n.Add(1) == rc.want {
		close(rc.done)
	}
}

// reset starts counting anew; the channel closes at want deliveries.
func (rc *countingReceiver) reset(want int) <-chan struct{} {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seen, rc.want, rc.done = map[string]bool{}, int64(want), make(chan struct{})
	rc.n.Store(0)
	return rc.done
}

// hold makes requests wait until the returned release is called (once or
// more).
func (rc *countingReceiver) hold() (release func()) {
	ch := make(chan struct{})
	rc.mu.Lock()
	rc.held = ch
	rc.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			rc.mu.Lock()
			rc.held = nil
			rc.mu.Unlock()
			close(ch)
		})
	}
}

func (rc *countingReceiver) count() int64 { return rc.n.Load() }

func (rc *countingReceiver) close() { _ = rc.srv.Close() }

// rssSampler reads a process's resident memory (Linux /proc) every 50 ms.
type rssSampler struct {
	pid          int
	before, peak float64
	stopc, done  chan struct{}
}

func startRSSSampler(pid int) *rssSampler {
	s := &rssSampler{pid: pid, before: rssMiB(pid), stopc: make(chan struct{}), done: make(chan struct{})}
	s.peak = s.before
	go func() {
		defer close(s.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stopc:
				return
			case <-t.C:
				s.peak = max(s.peak, rssMiB(pid))
			}
		}
	}()
	return s
}

// stop answers the resident memory before and at its peak (0, 0 where
// /proc is not there).
func (s *rssSampler) stop() (before, peak float64) {
	close(s.stopc)
	<-s.done
	return s.before, s.peak
}

func rssMiB(pid int) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

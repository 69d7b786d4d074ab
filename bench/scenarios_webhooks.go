package main

import (
	"bytes"
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
	return []scenario{{
		Name:     fmt.Sprintf("webhook fan-out c=%d", c),
		Baseline: "raw HTTP POST loop of the same bodies to the same local receiver, c clients, keep-alive",
		Wabridge: "N events over max(7, c) chats async-published into WA_EVENTS until a webhook (concurrency c: c chats in parallel, each in order), running before the clock starts, delivered all N to the receiver; rss = wabridge's resident memory before (baseline column) and at its peak (wabridge column)",
		run:      func(b *bench, ctx context.Context) ([]Row, error) { return b.webhookFanout(ctx, c) },
	}}
}

func (b *bench) webhookFanout(ctx context.Context, c int) ([]Row, error) {
	name := fmt.Sprintf("webhook fan-out c=%d", c)
	rc, err := startCountingReceiver()
	if err != nil {
		return nil, err
	}
	defer rc.close()
	msgs, err := b.hookEvents(b.load.N, hookChats(c))
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
	if err := b.awaitHookRunning(ctx, env.Data); err != nil {
		return nil, err
	}
	rss := startRSSSampler(b.wab.cmd.Process.Pid)
	wab, err := b.publishUntilDelivered(ctx, rc, msgs)
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

// hookChats is how many chats the scenario's events spread over: at
// least c. A webhook's concurrency is how many chats proceed at once, each
// in order, so with fewer chats than c it could not have the c deliveries
// in flight the baseline's c clients have.
func hookChats(c int) int { return max(7, c) }

// hookEvents are n valid message.received events of this run over chats
// chats, as NATS messages for WA_EVENTS.
func (b *bench) hookEvents(n, chats int) ([]*nats.Msg, error) {
	subj := natsbus.Subjects{}
	out := make([]*nats.Msg, n)
	for i := range n {
		e := inChat(events.NumberedSample(hookSession, i), fmt.Sprintf("1203630252461259%03d@g.us", i%chats))
		e.Key = b.run + "|" + e.Key
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
func (b *bench) awaitHookRunning(ctx context.Context, data json.RawMessage) error {
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(data, &created); err != nil || created.ID == "" {
		return fmt.Errorf("reading the created webhook's id from %s: %v", data, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, env, err := b.wab.call(ctx, http.MethodGet, "/webhooks/"+created.ID, nil, nil)
		if err := expectOK(status, env, err); err != nil {
			return fmt.Errorf("reading the webhook: %w", err)
		}
		var view struct {
			Status struct {
				Running bool `json:"running"`
			} `json:"status"`
		}
		if err := json.Unmarshal(env.Data, &view); err == nil && view.Status.Running {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("webhook %s is not running after 10 s", created.ID)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// rawPosts POSTs the events' bodies with c clients until all arrived.
func (b *bench) rawPosts(ctx context.Context, rc *countingReceiver, msgs []*nats.Msg, c int) (Sample, error) {
	client := httpClient(c)
	defer client.CloseIdleConnections()
	rc.reset(len(msgs))
	return loop(ctx, c, 0, len(msgs), b.load.Duration, func(ctx context.Context, _, i int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, rc.url, bytes.NewReader(msgs[i].Data))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("receiver answered %d", resp.StatusCode)
		}
		return nil
	})
}

// publishUntilDelivered publishes every event and waits until the receiver
// has each one.
func (b *bench) publishUntilDelivered(ctx context.Context, rc *countingReceiver, msgs []*nats.Msg) (Sample, error) {
	done := rc.reset(len(msgs))
	start := time.Now()
	for _, m := range msgs {
		if _, err := b.wab.js.PublishMsgAsync(m); err != nil {
			return Sample{}, fmt.Errorf("publishing an event: %w", err)
		}
	}
	select {
	case <-b.wab.js.PublishAsyncComplete():
	case <-ctx.Done():
		return Sample{}, ctx.Err()
	}
	select {
	case <-done:
	case <-ctx.Done():
		return Sample{}, ctx.Err()
	case <-time.After(b.load.Duration + arrivalGrace):
		return Sample{}, fmt.Errorf("the receiver has %d of %d events", rc.count(), len(msgs))
	}
	return Sample{Count: len(msgs), Elapsed: time.Since(start)}, nil
}

// countingReceiver answers 204 to everything and says when it has seen
// want distinct deliveries (by webhook-id; every request without one).
type countingReceiver struct {
	srv *http.Server
	url string

	mu   sync.Mutex
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

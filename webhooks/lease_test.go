package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus/natstest"
	"github.com/wabridge/wabridge/webhooks"
)

// node is a webhooks service as one of several nodes sharing a NATS
// runs it; its deliveries carry its name in x-node.
type node struct {
	name   string
	svc    *webhooks.Service
	freeze func(bool)
}

func startNode(t *testing.T, js jetstream.JetStream, name string, ttl time.Duration) *node {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second, Transport: tagged{name: name, base: http.DefaultTransport},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	svc, err := webhooks.New(webhooks.Config{JS: js, Log: slog.New(slog.DiscardHandler), Client: client,
		BackoffMin: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond, AckWait: 2 * time.Second, Timeout: 2 * time.Second,
		NodeID: name, LeaseTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	n := &node{name: name, svc: svc, freeze: webhooks.FreezableLeases(svc)}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.freeze(false); _ = svc.Stop(context.Background()) })
	return n
}

type tagged struct {
	name string
	base http.RoundTripper
}

func (tg tagged) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("x-node", tg.name)
	return tg.base.RoundTrip(req)
}

// holder is the node the webhook's view names, asked of n.
func holder(t *testing.T, n *node, id string) string {
	t.Helper()
	v, err := n.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Node
}

// checkHandover checks the successful deliveries of the events want
// (published in this order): every event delivered, each chat's in order
// (a repeat right after the handover aside), one node after the other
// (from, then to: none of from's after to's first), and repeats only of
// events from had in flight when it stopped (at most one per lane, each
// its last of that chat, repeated by to).
func checkHandover(t *testing.T, got []delivery, want []string, from, to string, lanes int) {
	t.Helper()
	firstTo, lastFrom := len(got), -1
	byFrom, byTo := map[string]int{}, map[string]bool{}
	lastOfChat := map[string]string{} // chat → from's last event in it
	for i, d := range got {
		switch d.header.Get("x-node") {
		case from:
			lastFrom, byFrom[d.id] = i, i
			lastOfChat[d.chat] = d.id
		case to:
			firstTo = min(firstTo, i)
			byTo[d.id] = true
		default:
			t.Fatalf("delivery %d by %q", i, d.header.Get("x-node"))
		}
	}
	if lastFrom > firstTo {
		t.Fatalf("%s delivered (#%d) after %s began (#%d)", from, lastFrom, to, firstTo)
	}
	if firstTo == len(got) {
		t.Fatalf("%s never delivered", to)
	}
	repeats := 0
	for id := range byFrom {
		if !byTo[id] {
			continue
		}
		repeats++
		if chat := got[byFrom[id]].chat; lastOfChat[chat] != id {
			t.Errorf("event %s repeated although %s delivered later events of chat %s", id, from, chat)
		}
	}
	if repeats > lanes {
		t.Errorf("%d events delivered by both nodes, more than the %d lanes in flight", repeats, lanes)
	}
	t.Logf("%d deliveries by %s, %d by %s, %d repeated", len(byFrom), from, len(byTo), to, repeats)
	var seq []string
	seen := map[string]bool{}
	for _, d := range got {
		if !seen[d.id] {
			seen[d.id] = true
			seq = append(seq, d.id)
		}
	}
	if len(seq) != len(want) {
		t.Fatalf("%d events delivered, want %d", len(seq), len(want))
	}
	chatOf := map[string]string{}
	for _, d := range got {
		chatOf[d.id] = d.chat
	}
	perChat := func(ids []string) map[string][]string {
		m := map[string][]string{}
		for _, id := range ids {
			m[chatOf[id]] = append(m[chatOf[id]], id)
		}
		return m
	}
	gotChats, wantChats := perChat(seq), perChat(want)
	for chat, w := range wantChats {
		if !slices.Equal(gotChats[chat], w) {
			t.Errorf("chat %s: delivered %v, want %v", chat, gotChats[chat], w)
		}
	}
}

// Two nodes share one webhook: one delivers; when it stops cleanly the
// other takes over at its next attempt (not after the TTL), every event
// delivered, in order per chat.
func TestOneNodeDeliversAndAnotherTakesOverAtAStop(t *testing.T) {
	js := natstest.JetStream(t)
	e := &env{t: t, js: js}
	const ttl = 3 * time.Second // a takeover waiting for it would show
	nodes := []*node{startNode(t, js, "node-a", ttl), startNode(t, js, "node-b", ttl)}
	rc := newReceiver(t, func(string, string, int) int { return http.StatusOK })
	c, err := nodes[0].svc.Create(context.Background(), webhooks.Definition{URL: rc.srv.URL, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 20 {
		want = append(want, e.publish(i))
	}
	eventually(t, "20 deliveries", func() bool { return len(rc.succeeded()) >= 20 })
	owner, other := nodes[0], nodes[1]
	if holder(t, owner, c.ID) != owner.name {
		owner, other = other, owner
	}
	if h := holder(t, other, c.ID); h != owner.name {
		t.Fatalf("the nodes disagree on the holder: %q and %q", owner.name, h)
	}
	for i := 20; i < 40; i++ {
		want = append(want, e.publish(i))
	}
	if err := owner.svc.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	eventually(t, "the other node holding the lease", func() bool { return holder(t, other, c.ID) == other.name })
	t.Logf("taken over %v after the stop (lease TTL %v)", time.Since(stopped).Round(time.Millisecond), ttl)
	for i := 40; i < 60; i++ {
		want = append(want, e.publish(i))
	}
	eventually(t, "60 events delivered", func() bool { return distinct(rc.succeeded()) >= 60 })
	checkHandover(t, rc.succeeded(), want, owner.name, other.name, 4)
	if h := holder(t, other, c.ID); h != other.name {
		t.Errorf("holder after the takeover %q, want %q", h, other.name)
	}
}

// An owner whose renewals fail (it cannot reach the lease bucket) stops
// delivering before its lease ends on the server, so the node taking
// over never delivers alongside it; events it had in flight may come
// again from the new owner, nothing else.
func TestFrozenOwnerStopsBeforeTheTakeover(t *testing.T) {
	js := natstest.JetStream(t)
	e := &env{t: t, js: js}
	// A margin of 600 ms between the frozen node's stop and the earliest
	// takeover: scheduling delays on a loaded machine stay well within it.
	const ttl = 3 * time.Second
	nodes := []*node{startNode(t, js, "node-a", ttl), startNode(t, js, "node-b", ttl)}
	rc := newReceiver(t, func(string, string, int) int { return http.StatusOK })
	c, err := nodes[1].svc.Create(context.Background(), webhooks.Definition{URL: rc.srv.URL, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 10 {
		want = append(want, e.publish(i))
	}
	eventually(t, "10 deliveries", func() bool { return len(rc.succeeded()) >= 10 })
	owner, other := nodes[0], nodes[1]
	if holder(t, owner, c.ID) != owner.name {
		owner, other = other, owner
	}
	owner.freeze(true)
	// Events keep coming while the lease runs out and changes hands.
	for i := 10; i < 110; i++ {
		want = append(want, e.publish(i))
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, "110 events delivered", func() bool { return distinct(rc.succeeded()) >= 110 })
	checkHandover(t, rc.succeeded(), want, owner.name, other.name, 2)
	v, err := owner.svc.Get(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Node != other.name || v.Status.Running {
		t.Errorf("the frozen node's view: node %q, running %v; want %q, not running", v.Node, v.Status.Running, other.name)
	}
}

// A lease someone else wrote (the revision moved) stops the holder at its
// next renewal; once that lease expired on the server, the node takes the
// webhook again and delivers what waited.
func TestLeaseTakenElsewhereStopsTheHolder(t *testing.T) {
	js := natstest.JetStream(t)
	e := &env{t: t, js: js}
	n := startNode(t, js, "node-a", 3*time.Second)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusOK })
	c, err := n.svc.Create(context.Background(), webhooks.Definition{URL: rc.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{e.publish(0)}
	eventually(t, "the first delivery", func() bool { return len(rc.succeeded()) == 1 })
	leases, err := js.KeyValue(context.Background(), webhooks.LeaseBucket(webhooks.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	intruder, _ := json.Marshal(map[string]any{"node": "intruder", "expires": time.Now().Add(3 * time.Second)})
	if _, err := leases.Put(context.Background(), c.ID, intruder); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the holder stopping", func() bool {
		v, err := n.svc.Get(context.Background(), c.ID)
		return err == nil && !v.Status.Running && v.Node == "intruder"
	})
	want = append(want, e.publish(1))
	eventually(t, "the lease taken back and the waiting event delivered", func() bool { return len(rc.succeeded()) == 2 })
	var got []string
	for _, d := range rc.succeeded() {
		got = append(got, d.id)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	if h := holder(t, n, c.ID); h != n.name {
		t.Errorf("holder %q, want %q", h, n.name)
	}
}

// Deleting a webhook deletes its lease, also one another node holds (the
// webhook's key would otherwise stay until its TTL).
func TestDeletingAWebhookDeletesItsLease(t *testing.T) {
	js := natstest.JetStream(t)
	n := startNode(t, js, "node-a", 30*time.Second)
	c, err := n.svc.Create(context.Background(), webhooks.Definition{URL: "http://127.0.0.1:1/hook"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the lease taken", func() bool { return holder(t, n, c.ID) == n.name })
	leases, err := js.KeyValue(context.Background(), webhooks.LeaseBucket(webhooks.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, _ := json.Marshal(map[string]any{"node": "node-b", "expires": time.Now().Add(30 * time.Second)})
	if _, err := leases.Put(context.Background(), c.ID, elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := n.svc.Delete(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := leases.Get(context.Background(), c.ID); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Fatalf("the lease after the deletion: %v, want it gone", err)
	}
}

func distinct(ds []delivery) int {
	seen := map[string]bool{}
	for _, d := range ds {
		seen[d.id] = true
	}
	return len(seen)
}

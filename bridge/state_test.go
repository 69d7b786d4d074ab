package bridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

func stateSeqs(t *testing.T, evs []events.Event) []uint64 {
	t.Helper()
	var seqs []uint64
	for _, e := range evs {
		if !strings.HasPrefix(e.Type, "io.wabridge.session.") {
			continue
		}
		seqs = append(seqs, e.Data.(events.SessionState).Seq)
	}
	return seqs
}

func (r *recordingSink) all() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.events...)
}

// TestSessionEventsAreNumberedAcrossRestarts: every session-state event
// carries the next number of its session, also after a restart.
func TestSessionEventsAreNumberedAcrossRestarts(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default") // session.paired
	for _, evt := range []any{&waEvents.Connected{}, &waEvents.Disconnected{}} {
		if !c.push(evt) {
			t.Fatalf("%T not handled", evt)
		}
	}
	e.mgr.Close()
	e.start()
	c = e.fakes.last("default")
	if !c.push(&waEvents.Connected{}) {
		t.Fatal("Connected not handled after the restart")
	}
	got := stateSeqs(t, e.sink.all())
	want := []uint64{1, 2, 3, 4}
	if len(got) != len(want) {
		t.Fatalf("seqs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("seqs %v, want %v", got, want)
		}
	}
}

// TestSessionEventsAreRetriedInOrder: a state event the outbox could not
// keep is retried, not dropped, and the one after it waits its turn.
func TestSessionEventsAreRetriedInOrder(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	e.sink.setFail(errors.New("outbox down"))
	if c.push(&waEvents.Disconnected{}) || c.push(&waEvents.Connected{}) {
		t.Fatal("a state event the sink did not keep was reported kept")
	}
	e.sink.setFail(nil)
	waitFor(t, "both state events", func() bool { return len(e.sink.all()) == 2 })
	got := e.sink.all()
	if got[0].Type != events.TypeSessionDisconnected || got[1].Type != events.TypeSessionConnected {
		t.Fatalf("events %s, %s: want disconnected, then connected", got[0].Type, got[1].Type)
	}
	if s0, s1 := got[0].Data.(events.SessionState).Seq, got[1].Data.(events.SessionState).Seq; s1 != s0+1 {
		t.Fatalf("seqs %d, %d are not consecutive", s0, s1)
	}
}

// TestFailedReconnectHandsOverToTheLoop: app.reconnect whose connect fails
// answers the error, and the reconnect loop connects the session after.
func TestFailedReconnectHandsOverToTheLoop(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	<-c.connectedCh
	c.mu.Lock()
	c.connectErrs = []error{errors.New("failed to dial websocket: connection refused")}
	c.mu.Unlock()
	if err := e.session("default").Reconnect(context.Background()); err == nil {
		t.Fatal("a failed reconnect reported success")
	}
	select {
	case <-c.connectedCh:
	case <-time.After(10 * time.Second):
		t.Fatal("the session stayed disconnected after a failed reconnect")
	}
	if !e.session("default").Status().Connected {
		t.Fatal("session not connected")
	}
}

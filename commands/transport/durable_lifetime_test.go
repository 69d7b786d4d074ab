package transport_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestDurablePermanentFailureDoesNotWedge: a command the executor answers
// with a final error is acked after one run, and the next command of the
// same session runs.
func TestDurablePermanentFailureDoesNotWedge(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	ex := &fakeExecutor{behave: func(_ context.Context, _ int, cmd event.Event) (int, string) {
		if cmd.ID() == "c1" {
			return http.StatusNotFound, werr.CodeNotOnWhatsApp
		}
		return http.StatusOK, ""
	}}
	_, stop := runDurable(t, testDurableConfig(s), ex, &fakeSink{})
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c1"), cenats.Binary)
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c2"), cenats.Binary)
	eventually(t, "both ended", func() bool { return len(ex.Recorded()) == 2 && settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	want := []call{{"default", "send.message", "c1"}, {"default", "send.message", "c2"}}
	if got := ex.Calls(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
	if info := consumerInfo(t, js, "default"); info.NumRedelivered != 0 {
		t.Errorf("%d redelivered, want none", info.NumRedelivered)
	}
}

// TestDurableTransientFailureEndsWithItsLifetime: a command that fails
// for now on every delivery is redelivered until its lifetime (run from
// when the stream stored it) ends it; the queue then takes the next one. The
// dispatcher gets Durable, Published and Sequence from JetStream (the same
// Sequence on every redelivery), and never Trusted.
func TestDurableTransientFailureEndsWithItsLifetime(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	ex := &fakeExecutor{lifetime: 300 * time.Millisecond, behave: func(_ context.Context, _ int, cmd event.Event) (int, string) {
		if cmd.ID() == "c1" {
			return http.StatusServiceUnavailable, werr.CodeNotConnected
		}
		return http.StatusOK, ""
	}}
	_, stop := runDurable(t, testDurableConfig(s), ex, &fakeSink{})
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c1"), cenats.Binary)
	eventually(t, "c1 ended", func() bool { return len(ex.Recorded()) == 1 && settled(t, js) })
	// Published after c1 ended, so its lifetime has not passed.
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c2"), cenats.Binary)
	eventually(t, "c2 ended", func() bool { return len(ex.Recorded()) == 2 && settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	final := ex.Recorded()
	if status, code := resultCode(t, final[0]); status != http.StatusGone || code != werr.CodeExpired ||
		final[0].Extensions()[ident.ExtCausationID] != "c1" {
		t.Errorf("first result %d %s of %v, want c1 EXPIRED", status, code, final[0].Extensions()[ident.ExtCausationID])
	}
	if status, _ := resultCode(t, final[1]); status != http.StatusOK {
		t.Errorf("c2 ended with %d", status)
	}
	stored, seqs := storedTimes(t, js), storedSequences(t, js)
	calls := ex.FullCalls()
	if len(calls) < 3 {
		t.Errorf("c1 ran %d times; it should have been redelivered", len(calls)-1)
	}
	for _, c := range calls {
		if !c.Durable || c.Trusted || !c.Published.Equal(stored[c.Cmd.ID()]) || c.Sequence != seqs[c.Cmd.ID()] {
			t.Errorf("call of %s: Durable %v, Trusted %v, Published %v (stored %v), Sequence %d (stored %d)",
				c.Cmd.ID(), c.Durable, c.Trusted, c.Published, stored[c.Cmd.ID()], c.Sequence, seqs[c.Cmd.ID()])
		}
	}
}

// storedTimes maps the ce-id of every command in the stream to when the
// stream stored it.
func storedTimes(t testing.TB, js jetstream.JetStream) map[string]time.Time {
	t.Helper()
	ctx := context.Background()
	st, err := js.Stream(ctx, natsbus.StreamCommands)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		out[m.Header.Get("ce-id")] = m.Time
	}
	return out
}

// storedSequences maps the ce-id of every command in the stream to its
// stream sequence.
func storedSequences(t testing.TB, js jetstream.JetStream) map[string]uint64 {
	t.Helper()
	ctx := context.Background()
	st, err := js.Stream(ctx, natsbus.StreamCommands)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		out[m.Header.Get("ce-id")] = m.Sequence
	}
	return out
}

// TestDurablePanicIsPoisonedNotWedging: what the transport cannot handle at
// all (here a panic below it) is moved to the poison subject, with where it
// came from and why, and the session's next command runs.
func TestDurablePanicIsPoisonedNotWedging(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	ex := &fakeExecutor{behave: func(_ context.Context, _ int, cmd event.Event) (int, string) {
		if cmd.ID() == "c1" {
			panic("a bug")
		}
		return http.StatusOK, ""
	}}
	_, stop := runDurable(t, testDurableConfig(s), ex, &fakeSink{})
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c1"), cenats.Binary)
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c2"), cenats.Binary)
	eventually(t, "c2 ended", func() bool { return len(ex.Recorded()) == 1 && settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	checkPoison(t, poisoned(t, js), true)
	if got := ex.Recorded()[0].Extensions()[ident.ExtCausationID]; got != "c2" {
		t.Errorf("ended %v, want c2", got)
	}
}

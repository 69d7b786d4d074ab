package transport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
)

// TestRPCServesOnlyItsSessions: two processes on one NATS, in the same
// queue group, each running another session: every request reaches the
// process running its session, and a session nobody runs has no responder
// (instead of a SESSION_NOT_FOUND from a process that happens to be asked).
func TestRPCServesOnlyItsSessions(t *testing.T) {
	const requests = 20
	s := startServer(t)
	client := connect(t, s)
	exA, exB := &fakeExecutor{}, &fakeExecutor{}
	startRPC(t, connect(t, s), exA, &fakeSink{}, transport.RPCConfig{Sessions: []string{"a"}})
	startRPC(t, connect(t, s), exB, &fakeSink{}, transport.RPCConfig{Sessions: []string{"b", "b2"}})

	for i := range requests {
		for _, session := range []string{"a", "b", "b2"} {
			res := request(t, client, subjects.RPC(session, "send.message"), command(fmt.Sprintf("%s-%d", session, i)), cenats.Binary)
			if status, code := resultCode(t, res); status != http.StatusOK {
				t.Fatalf("%s: result %d %s", session, status, code)
			}
		}
	}
	for name, tc := range map[string]struct {
		ex       *fakeExecutor
		sessions []string
	}{
		"process a": {exA, []string{"a"}},
		"process b": {exB, []string{"b", "b2"}},
	} {
		want := requests * len(tc.sessions)
		if got := len(tc.ex.Calls()); got != want {
			t.Errorf("%s executed %d commands, want %d", name, got, want)
		}
		for _, c := range tc.ex.Calls() {
			if !slices.Contains(tc.sessions, c.Session) {
				t.Errorf("%s executed a command of session %s", name, c.Session)
			}
		}
		if got := len(tc.ex.Recorded()); got != want {
			t.Errorf("%s ended %d commands, want %d", name, got, want)
		}
	}
	msg, err := cenats.NewMsg(subjects.RPC("c", "send.message"), command("c-1"), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.RequestMsg(msg, 10*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("request for a session nobody runs: %v, want no responders", err)
	}
}

// TestRPCSessionsDoNotShareSlots: a session whose commands hang (a dead
// WhatsApp link) holds only its own handler slots; another session of the
// same process is still answered.
func TestRPCSessionsDoNotShareSlots(t *testing.T) {
	s := startServer(t)
	client := connect(t, s)
	release := make(chan struct{})
	ex := &fakeExecutor{behave: func(ctx context.Context, _ int, cmd event.Event) (int, string) {
		if strings.HasPrefix(cmd.ID(), "stuck-") {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return http.StatusOK, ""
	}}
	startRPC(t, connect(t, s), ex, &fakeSink{}, transport.RPCConfig{Sessions: []string{"slow", "fast"}, MaxConcurrent: 2})
	defer close(release)

	for i := range 4 { // twice the slow session's slots
		msg, err := cenats.NewMsg(subjects.RPC("slow", "send.message"), command(fmt.Sprintf("stuck-%d", i)), cenats.Binary)
		if err != nil {
			t.Fatal(err)
		}
		msg.Reply = nats.NewInbox() // nobody waits for these answers
		if err := client.PublishMsg(msg); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the slow session's slots are taken", func() bool { return ex.Peak() >= 2 })
	res := request(t, client, subjects.RPC("fast", "send.message"), command("fast-1"), cenats.Binary)
	if status, code := resultCode(t, res); status != http.StatusOK {
		t.Fatalf("fast session: %d %s", status, code)
	}
}

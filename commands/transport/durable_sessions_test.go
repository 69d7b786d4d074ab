package transport_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// TestDurableConsumesOnlyItsSessions: two processes on one stream, each
// running other sessions, each execute only their own sessions' commands;
// a command of a session nobody runs waits in the stream, unacked.
func TestDurableConsumesOnlyItsSessions(t *testing.T) {
	const perSession = 10
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	exA, exB := &fakeExecutor{}, &fakeExecutor{}
	cfgA, cfgB := testDurableConfig(s), testDurableConfig(s)
	cfgA.Sessions, cfgB.Sessions = []string{"a"}, []string{"b", "b2"}
	_, stopA := runDurable(t, cfgA, exA, &fakeSink{})
	_, stopB := runDurable(t, cfgB, exB, &fakeSink{})

	for i := range perSession {
		for _, session := range []string{"a", "b", "b2", "c"} {
			publishCmd(t, js, subjects.Cmd(session, "send.message"), command(fmt.Sprintf("%s-%d", session, i)), cenats.Binary)
		}
	}
	eventually(t, "consumers settled", func() bool {
		return len(exA.Recorded())+len(exB.Recorded()) >= 3*perSession &&
			sessionSettled(t, js, "a") && sessionSettled(t, js, "b") && sessionSettled(t, js, "b2")
	})
	if err := errors.Join(stopA(), stopB()); err != nil {
		t.Errorf("stopping: %v", err)
	}
	for name, tc := range map[string]struct {
		ex       *fakeExecutor
		sessions []string
	}{
		"process a": {exA, cfgA.Sessions},
		"process b": {exB, cfgB.Sessions},
	} {
		want := perSession * len(tc.sessions)
		if got := len(tc.ex.Calls()); got != want {
			t.Errorf("%s executed %d commands, want %d", name, got, want)
		}
		for _, c := range tc.ex.Calls() {
			if !slices.Contains(tc.sessions, c.Session) || !strings.HasPrefix(c.ID, c.Session+"-") {
				t.Errorf("%s executed %s of session %s", name, c.ID, c.Session)
			}
		}
		if got := len(tc.ex.Recorded()); got != want {
			t.Errorf("%s ended %d commands, want %d", name, got, want)
		}
	}
	if _, err := js.Consumer(context.Background(), natsbus.StreamCommands, transport.ConsumerName(transport.DefaultDurable, "c")); !errors.Is(err, jetstream.ErrConsumerNotFound) {
		t.Errorf("consumer of session c, which nobody runs: %v", err)
	}
	if p := poisoned(t, js); len(p) != 0 {
		t.Errorf("poisoned %d messages", len(p))
	}
}

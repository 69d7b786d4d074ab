package transport_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestRPCRejectionAuditedOnlyForEffects: input that is no CloudEvent is
// answered INVALID_CLOUDEVENT on any subject, but written to the audit trail
// only for an effect of the catalog: not for a query, not for a name nobody
// defined (whose result subject the sender would choose).
func TestRPCRejectionAuditedOnlyForEffects(t *testing.T) {
	nc := connect(t, startServer(t))
	sink := &fakeSink{}
	startRPC(t, nc, &fakeExecutor{}, sink, transport.RPCConfig{})
	for name, audited := range map[string]bool{"send.message": true, "app.devices": false, "no.such.thing": false} {
		res := requestMsg(t, nc, &nats.Msg{Subject: subjects.RPC("default", name), Data: []byte("garbage")})
		if status, code := resultCode(t, res); status != http.StatusBadRequest || code != werr.CodeInvalidCloudEvent {
			t.Errorf("%s: %d %s, want 400 %s", name, status, code, werr.CodeInvalidCloudEvent)
		}
		found := false
		for _, p := range sink.Puts() {
			found = found || p.Subject == subjects.Result("default", name)
		}
		if found != audited {
			t.Errorf("%s: audited %v, want %v", name, found, audited)
		}
	}
}

// lostAckSink keeps every result but fails the first Put, as a commit whose
// acknowledgement was lost would look: the message is redelivered.
type lostAckSink struct {
	mu   sync.Mutex
	puts []recorded
}

func (s *lostAckSink) Put(_ context.Context, subject string, ce event.Event, _ ...store.Write) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts = append(s.puts, recorded{subject, ce})
	if len(s.puts) == 1 {
		return errors.New("committed, but the answer was lost")
	}
	return nil
}

func (s *lostAckSink) Puts() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.puts...)
}

// TestDurableRejectionOneResult: the rejection of a durable message that is
// no CloudEvent, recorded again on its redelivery, has the same id both
// times (the outbox keeps one); on a query's or an unknown subject it is
// not recorded at all, and the message is acked.
func TestDurableRejectionOneResult(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	sink := &lostAckSink{}
	_, stop := runDurable(t, testDurableConfig(s), &fakeExecutor{}, sink)
	ctx := context.Background()
	for _, name := range []string{"app.devices", "no.such.thing", "send.message"} {
		if _, err := js.Publish(ctx, subjects.Cmd("default", name), []byte("garbage")); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "all settled", func() bool { return len(sink.Puts()) >= 2 && settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	puts := sink.Puts()
	if len(puts) != 2 {
		t.Fatalf("%d results recorded, want the send.message rejection twice", len(puts))
	}
	for _, p := range puts {
		if p.Subject != subjects.Result("default", "send.message") {
			t.Errorf("rejection recorded on %s", p.Subject)
		}
	}
	if puts[0].Event.ID() != puts[1].Event.ID() {
		t.Errorf("the redelivery's rejection has id %s, the first %s", puts[1].Event.ID(), puts[0].Event.ID())
	}
}

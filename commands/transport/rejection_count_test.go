package transport_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/werr"
)

// rejectCounter counts Reject calls: the dispatcher reports each to its
// observer (metrics), so one refused request must make one.
type rejectCounter struct {
	*fakeExecutor
	n atomic.Int32
}

func (r *rejectCounter) Reject(session, name string, err error) event.Event {
	r.n.Add(1)
	return r.fakeExecutor.Reject(session, name, err)
}

// TestRPCUnrecordedRejectionRejectsOnce: when the audit trail cannot
// take the rejection of input that is no CloudEvent, the caller hears
// INTERNAL_ERROR, and the rejection is still one Reject (counted once in
// the metrics), not a second for the internal error.
func TestRPCUnrecordedRejectionRejectsOnce(t *testing.T) {
	nc := connect(t, startServer(t))
	ex := &rejectCounter{fakeExecutor: &fakeExecutor{}}
	startRPC(t, nc, ex, &fakeSink{fail: true}, transport.RPCConfig{})
	res := requestMsg(t, nc, &nats.Msg{Subject: subjects.RPC("default", "send.message"), Data: []byte("garbage")})
	if status, code := resultCode(t, res); status != http.StatusInternalServerError || code != werr.CodeInternal {
		t.Errorf("answer %d %s, want 500 %s", status, code, werr.CodeInternal)
	}
	if n := ex.n.Load(); n != 1 {
		t.Errorf("%d Rejects for one refused request, want 1", n)
	}
}

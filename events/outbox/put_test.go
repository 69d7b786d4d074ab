package outbox_test

import (
	"context"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
)

// TestOutboxPutRejects: what can never be published is refused by Put,
// while the caller can still see the error, and nothing is stored.
func TestOutboxPutRejects(t *testing.T) {
	_, ob := openOutbox(t, t.TempDir())
	good := resultEvent(t, "c1")
	noID := good.Clone()
	noID.SetID("")
	badJSON := good.Clone()
	badJSON.DataEncoded = []byte("{not json")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		subject string
		ce      event.Event
	}{
		{"command subject", context.Background(), subjects.Cmd("default", "send.message"), good},
		{"rpc subject", context.Background(), subjects.RPC("default", "send.message"), good},
		{"other prefix", context.Background(), "other.default.evt.x", good},
		{"no id", context.Background(), subjects.Result("default", "send.message"), noID},
		{"data not json", context.Background(), subjects.Result("default", "send.message"), badJSON},
		{"cancelled", cancelled, subjects.Result("default", "send.message"), good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ob.Put(tt.ctx, tt.subject, tt.ce); err == nil {
				t.Fatal("Put accepted it")
			}
		})
	}
	if n, _ := ob.Len(); n != 0 {
		t.Fatalf("rejected entries were stored: Len %d", n)
	}
	if err := ob.Put(context.Background(), subjects.Result("default", "send.message"), good); err != nil {
		t.Fatalf("valid Put rejected: %v", err)
	}
}

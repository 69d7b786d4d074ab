package webhooks

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/ident"
)

// TestResult answers POST /webhooks/:id/test: what the receiver said to
// a sample event.
type TestResult struct {
	Delivered      bool   `json:"delivered"`
	ReceiverStatus int    `json:"receiver_status,omitempty"`
	Error          string `json:"error,omitempty"`
	EventID        string `json:"event_id"`
	EventType      string `json:"event_type"`
}

// Test sends one sample event of the catalog (of the webhook's first event
// type, message.received when it takes all) to the receiver now, once,
// signed as every delivery, and answers what the receiver said. The sample
// gets an id of its own each time, so receivers that deduplicate by
// webhook-id see every test.
func (s *Service) Test(ctx context.Context, id string) (TestResult, error) {
	w, _, err := s.load(ctx, id)
	if err != nil {
		return TestResult{}, err
	}
	r, err := newRunner(s, w, 0)
	if err != nil {
		return TestResult{}, err
	}
	typ := events.TypeMessageReceived
	if len(w.Events) > 0 {
		typ = w.Events[0]
	}
	spec, _ := events.Lookup(typ)
	e := spec.SampleEvent()
	e.Key = "webhook-test|" + newID() + "|" + time.Now().UTC().Format(time.RFC3339Nano)
	e.Session = ident.DefaultSession
	if len(w.Sessions) > 0 {
		e.Session = w.Sessions[0]
	}
	if spec.Chat && len(w.Chats) > 0 {
		e.Subject = w.Chats[0]
	}
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		return TestResult{}, err
	}
	set := r.settings()
	status, _, err := Post(ctx, s.cfg.Client, set.hook.URL, ce, set.mode, set.keys)
	res := TestResult{Delivered: err == nil, ReceiverStatus: status, EventID: ce.ID(), EventType: ce.Type()}
	if err != nil {
		res.Error = err.Error()
	}
	return res, nil
}

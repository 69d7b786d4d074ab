package webhooks

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// answerThenCancel answers 200 and, as it does, the runner is stopped.
type answerThenCancel struct{ cancel context.CancelFunc }

func (a answerThenCancel) RoundTrip(req *http.Request) (*http.Response, error) {
	a.cancel()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

// A receiver's 2xx that comes as the runner stops is a delivery: reported
// canceled, the event was handed back and posted a second time after the
// restart (TestRestartResumesInOrder saw it now and then).
func TestSuccessAsRunnerStopsIsDelivered(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config{Log: slog.New(slog.DiscardHandler), Client: &http.Client{Transport: answerThenCancel{cancel}}}
	cfg.setDefaults()
	r, err := newRunner(&Service{cfg: cfg}, Webhook{ID: "wh_stop", Definition: Definition{URL: "http://127.0.0.1:1/",
		Secret: NewSecret(), Mode: "binary", Concurrency: 1, MaxAge: Duration(time.Hour)}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ce, err := events.NewCloudEvent(events.NumberedSample("default", 1))
	if err != nil {
		t.Fatal(err)
	}
	h, data, err := cenats.Encode(ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if res, err, n := r.attempt(ctx, &outgoing{h: h, data: data}, time.Now()); res != delivered || err != nil || n != 1 {
		t.Fatalf("outcome %d (%v) after %d attempts, want delivered", res, err, n)
	}
}

// A receiver still answering when the runner stops gets its answer read:
// the attempt was cut at once, the event (which the receiver took) handed
// back and posted a second time after the restart
// (TestRestartResumesInOrder saw it now and then).
func TestAnswerInFlightAtStopIsDelivered(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		cancel() // the runner stops while the receiver answers
		time.Sleep(50 * time.Millisecond)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	cfg := Config{Log: slog.New(slog.DiscardHandler)}
	cfg.setDefaults()
	r, err := newRunner(&Service{cfg: cfg}, Webhook{ID: "wh_stop", Definition: Definition{URL: srv.URL,
		Secret: NewSecret(), Mode: "binary", Concurrency: 1, MaxAge: Duration(time.Hour)}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ce, err := events.NewCloudEvent(events.NumberedSample("default", 1))
	if err != nil {
		t.Fatal(err)
	}
	h, data, err := cenats.Encode(ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if res, err, n := r.attempt(ctx, &outgoing{h: h, data: data}, time.Now()); res != delivered || err != nil || n != 1 {
		t.Fatalf("outcome %d (%v) after %d attempts, want delivered", res, err, n)
	}
}

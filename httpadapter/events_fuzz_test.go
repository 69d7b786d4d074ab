package httpadapter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
)

// FuzzEventsQuery feeds arbitrary query strings and Last-Event-ID headers
// to GET /events and /events/stream: every answer is a 200 stream or a 400,
// never a 5xx.
func FuzzEventsQuery(f *testing.F) {
	for _, seed := range []string{"since=2026-12-01T10:00:00Z&type=message.received", "from_seq=18446744073709551615", "chat=%00&chat=,,", "until=x&to_seq=-1", "last_event_id=99"} {
		f.Add(seed, "3")
	}
	f.Fuzz(func(t *testing.T, query, lastID string) {
		h, err := httpadapter.New(httpadapter.Config{Bus: memBus{t}, Log: discard(), Events: newMemLog(2)})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/events", "/events/stream"} {
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil)
			req.URL.RawQuery = query
			req.Header.Set("Last-Event-ID", lastID)
			if path == "/events/stream" {
				// The tail would wait for more; a cancelled request ends it.
				ctx, cancel := contextCancelled()
				req = req.WithContext(ctx)
				defer cancel()
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Fatalf("%s?%s (Last-Event-ID %q): %d %s", path, query, lastID, rec.Code, rec.Body)
			}
		}
	})
}

func contextCancelled() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}

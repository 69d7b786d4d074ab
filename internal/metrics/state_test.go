package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/wabridge/wabridge/internal/metrics"
	"github.com/wabridge/wabridge/internal/safebuf"
)

type fakeOutbox struct {
	age time.Duration
	n   int
	err error
}

func (f fakeOutbox) Oldest() (time.Duration, int, error) { return f.age, f.n, f.err }

type fakeHooks struct {
	hooks []metrics.Webhook
	err   error
	ctx   context.Context
}

func (f *fakeHooks) WebhookStatus(ctx context.Context) ([]metrics.Webhook, error) {
	f.ctx = ctx
	return f.hooks, f.err
}

type fakeSessions []metrics.Session

func (f fakeSessions) Sessions() []metrics.Session { return f }

func TestOutboxCollectorReadsTheBacklog(t *testing.T) {
	m := newMetrics(t, metrics.Config{Outbox: fakeOutbox{age: 1500 * time.Millisecond, n: 7}})
	compare(t, m, `
# HELP wabridge_outbox_entries Entries in the outbox that JetStream has not acknowledged yet, in all sessions.
# TYPE wabridge_outbox_entries gauge
wabridge_outbox_entries 7
# HELP wabridge_outbox_oldest_entry_age_seconds How long the oldest entry not yet acknowledged by JetStream has waited; 0 when there is none.
# TYPE wabridge_outbox_oldest_entry_age_seconds gauge
wabridge_outbox_oldest_entry_age_seconds 1.5
`, "wabridge_outbox_entries", "wabridge_outbox_oldest_entry_age_seconds")
}

func TestWebhookCollectorReadsEachStatus(t *testing.T) {
	ok := time.Unix(1700000000, 500_000_000)
	hooks := &fakeHooks{hooks: []metrics.Webhook{
		{ID: "a1", Running: true, Lag: 12, InFlight: 3, DeadLetters: 2, ConsecutiveFailures: 4, LastSuccess: ok},
		{ID: "b2"},
	}}
	m := newMetrics(t, metrics.Config{Webhooks: hooks, ScrapeTimeout: time.Minute})
	m.WebhookDelivery("a1", metrics.DeliveryDelivered)
	m.WebhookDelivery("a1", metrics.DeliveryFailed)
	m.WebhookDelivery("a1", metrics.DeliveryFailed)
	m.WebhookDelivery("b2", metrics.DeliveryDeadLettered)
	m.WebhookDelivery("b2", "exploded") // not an outcome: no series
	compare(t, m, `
# HELP wabridge_webhook_deliveries_total Webhook delivery outcomes on this node, by webhook id: delivered and dead_lettered count events, failed counts attempts.
# TYPE wabridge_webhook_deliveries_total counter
wabridge_webhook_deliveries_total{outcome="delivered",webhook="a1"} 1
wabridge_webhook_deliveries_total{outcome="failed",webhook="a1"} 2
wabridge_webhook_deliveries_total{outcome="dead_lettered",webhook="b2"} 1
# HELP wabridge_webhook_lag_events Matching events the webhook's consumer has not handed out for delivery yet.
# TYPE wabridge_webhook_lag_events gauge
wabridge_webhook_lag_events{webhook="a1"} 12
wabridge_webhook_lag_events{webhook="b2"} 0
# HELP wabridge_webhook_dead_letters Dead letters stored for the webhook (redrive or let them expire).
# TYPE wabridge_webhook_dead_letters gauge
wabridge_webhook_dead_letters{webhook="a1"} 2
wabridge_webhook_dead_letters{webhook="b2"} 0
# HELP wabridge_webhook_consecutive_failures Failed attempts since the webhook's last success.
# TYPE wabridge_webhook_consecutive_failures gauge
wabridge_webhook_consecutive_failures{webhook="a1"} 4
wabridge_webhook_consecutive_failures{webhook="b2"} 0
# HELP wabridge_webhook_running 1 when this node runs the webhook's delivery, 0 when it does not (disabled, stopping).
# TYPE wabridge_webhook_running gauge
wabridge_webhook_running{webhook="a1"} 1
wabridge_webhook_running{webhook="b2"} 0
# HELP wabridge_webhook_in_flight_events Events handed out for delivery and not yet settled.
# TYPE wabridge_webhook_in_flight_events gauge
wabridge_webhook_in_flight_events{webhook="a1"} 3
wabridge_webhook_in_flight_events{webhook="b2"} 0
# HELP wabridge_webhook_last_success_timestamp_seconds Unix time of the webhook's last 2xx on this node; absent before the first.
# TYPE wabridge_webhook_last_success_timestamp_seconds gauge
wabridge_webhook_last_success_timestamp_seconds{webhook="a1"} 1.7000000005e+09
`, "wabridge_webhook_deliveries_total", "wabridge_webhook_lag_events", "wabridge_webhook_dead_letters",
		"wabridge_webhook_consecutive_failures", "wabridge_webhook_running", "wabridge_webhook_in_flight_events",
		"wabridge_webhook_last_success_timestamp_seconds")
	if _, ok := hooks.ctx.Deadline(); !ok {
		t.Fatal("the webhooks were read without a deadline")
	}
}

func TestSessionStateGauge(t *testing.T) {
	m := newMetrics(t, metrics.Config{Sessions: fakeSessions{
		{Name: "default", LoggedIn: true, Connected: true},
		{Name: "shop", LoggedIn: true},
		{Name: "new", Connected: true}, // connected while waiting for its QR scan
	}})
	compare(t, m, `
# HELP wabridge_session_state 1 for the state a session is in, 0 for the others (one series per state, as kube-state-metrics does): alert on wabridge_session_state{state="connected"} == 0.
# TYPE wabridge_session_state gauge
wabridge_session_state{session="default",state="connected"} 1
wabridge_session_state{session="default",state="disconnected"} 0
wabridge_session_state{session="default",state="logged_out"} 0
wabridge_session_state{session="new",state="connected"} 0
wabridge_session_state{session="new",state="disconnected"} 0
wabridge_session_state{session="new",state="logged_out"} 1
wabridge_session_state{session="shop",state="connected"} 0
wabridge_session_state{session="shop",state="disconnected"} 1
wabridge_session_state{session="shop",state="logged_out"} 0
`, "wabridge_session_state")
}

// TestHandlerServesTheRestWhenASourceFails: an unreadable outbox or
// webhook list drops its own metrics from the scrape, not the counters.
func TestHandlerServesTheRestWhenASourceFails(t *testing.T) {
	var logs safebuf.Buffer
	m := newMetrics(t, metrics.Config{
		Outbox:   fakeOutbox{err: errors.New("bbolt closed")},
		Webhooks: &fakeHooks{err: errors.New("nats: timeout")},
		Sessions: fakeSessions{{Name: "default"}},
		Log:      slog.New(slog.NewTextHandler(&logs, nil)),
	})
	m.CommandDone("send.message", "", time.Millisecond)
	families := scrape(t, m)
	for _, name := range []string{"wabridge_commands_total", "wabridge_session_state", "go_goroutines"} {
		if families[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
	for _, name := range []string{"wabridge_outbox_entries", "wabridge_webhook_lag_events"} {
		if families[name] != nil {
			t.Errorf("%s served from a failed read", name)
		}
	}
	for _, cause := range []string{"bbolt closed", "nats: timeout"} {
		if !strings.Contains(logs.String(), cause) {
			t.Errorf("the log does not say %q:\n%s", cause, logs.String())
		}
	}
}

// scrape GETs the handler and parses its text exposition.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

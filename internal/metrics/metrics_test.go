package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/wabridge/wabridge/internal/metrics"
)

func newMetrics(t *testing.T, cfg metrics.Config) *metrics.Metrics {
	t.Helper()
	if cfg.Commands == nil {
		cfg.Commands = []string{"send.message", "chat.list"}
	}
	if cfg.Codes == nil {
		cfg.Codes = []string{"INVALID_PAYLOAD", "NOT_CONNECTED"}
	}
	if cfg.EventTypes == nil {
		cfg.EventTypes = []string{"io.wabridge.message.received"}
	}
	m, err := metrics.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// compare checks the named metrics' exposition against want (HELP and
// TYPE lines included).
func compare(t *testing.T, m *metrics.Metrics, want string, names ...string) {
	t.Helper()
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), names...); err != nil {
		t.Fatal(err)
	}
}

// family gathers the named metric family; nil when absent.
func family(t *testing.T, m *metrics.Metrics, name string) *dto.MetricFamily {
	t.Helper()
	mfs, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf
		}
	}
	return nil
}

func TestCommandDoneCountsByCommandAndCode(t *testing.T) {
	m := newMetrics(t, metrics.Config{})
	m.CommandDone("send.message", "", 3*time.Millisecond)
	m.CommandDone("send.message", metrics.CodeOK, 20*time.Millisecond)
	m.CommandDone("send.message", "NOT_CONNECTED", 2*time.Second)
	m.CommandDone("chat.list", "INVALID_PAYLOAD", 500*time.Microsecond)
	compare(t, m, `
# HELP wabridge_commands_total Command deliveries dispatched (REST and NATS, rpc and durable), by command and result code (OK on success).
# TYPE wabridge_commands_total counter
wabridge_commands_total{code="INVALID_PAYLOAD",command="chat.list"} 1
wabridge_commands_total{code="NOT_CONNECTED",command="send.message"} 1
wabridge_commands_total{code="OK",command="send.message"} 2
`, "wabridge_commands_total")
}

func TestCommandDurationHistogram(t *testing.T) {
	m := newMetrics(t, metrics.Config{})
	m.CommandDone("send.message", "", 3*time.Millisecond)
	m.CommandDone("send.message", "NOT_CONNECTED", 2*time.Second)
	mf := family(t, m, "wabridge_command_duration_seconds")
	if mf == nil || mf.GetType() != dto.MetricType_HISTOGRAM || len(mf.GetMetric()) != 1 {
		t.Fatalf("family = %v", mf)
	}
	h := mf.GetMetric()[0].GetHistogram()
	if h.GetSampleCount() != 2 || h.GetSampleSum() < 2.003 || h.GetSampleSum() > 2.0031 {
		t.Fatalf("count %d sum %v", h.GetSampleCount(), h.GetSampleSum())
	}
	bounds := map[float64]uint64{}
	for _, b := range h.GetBucket() {
		bounds[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	for bound, want := range map[float64]uint64{0.001: 0, 0.005: 1, 1: 1, 2.5: 2, 60: 2} {
		if got, ok := bounds[bound]; !ok || got != want {
			t.Errorf("bucket le=%v: %d (present %v), want %d", bound, got, ok, want)
		}
	}
	if len(bounds) != len(metrics.CommandBuckets) {
		t.Errorf("%d buckets, want %d", len(bounds), len(metrics.CommandBuckets))
	}
}

// TestLabelsStayInTheCatalogs: names and codes come from callers (a NATS
// subject, a URL path): whatever they send, the series stay bounded.
func TestLabelsStayInTheCatalogs(t *testing.T) {
	m := newMetrics(t, metrics.Config{})
	for _, name := range []string{"no.such", "send.message\n", "SEND.MESSAGE", strings.Repeat("x", 5000), ""} {
		m.CommandDone(name, "UNKNOWN_COMMAND", time.Millisecond)
	}
	m.CommandDone("send.message", "MADE_UP", time.Millisecond)
	m.EventPublished("io.example.forged")
	m.EventPublished("io.wabridge.message.received")
	compare(t, m, `
# HELP wabridge_commands_total Command deliveries dispatched (REST and NATS, rpc and durable), by command and result code (OK on success).
# TYPE wabridge_commands_total counter
wabridge_commands_total{code="OTHER",command="send.message"} 1
wabridge_commands_total{code="OTHER",command="unknown"} 5
# HELP wabridge_events_published_total CloudEvents (events and command results) newly stored in JetStream from the outbox, by type.
# TYPE wabridge_events_published_total counter
wabridge_events_published_total{type="io.wabridge.message.received"} 1
wabridge_events_published_total{type="other"} 1
`, "wabridge_commands_total", "wabridge_events_published_total")
	if n := len(family(t, m, "wabridge_command_duration_seconds").GetMetric()); n != 2 {
		t.Fatalf("%d duration series, want 2 (send.message, unknown)", n)
	}
}

func TestConfigRefusesUnboundedCatalogs(t *testing.T) {
	if _, err := metrics.New(metrics.Config{}); err == nil {
		t.Fatal("no command catalog accepted")
	}
	if _, err := metrics.New(metrics.Config{Commands: []string{"a", metrics.UnknownCommand}}); err == nil {
		t.Fatal("a command named like the fallback accepted")
	}
}

func TestGoAndProcessCollectors(t *testing.T) {
	m := newMetrics(t, metrics.Config{})
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if family(t, m, name) == nil {
			t.Errorf("%s missing", name)
		}
	}
}

// TestCommandRejectedCountsWithoutADuration: a delivery refused before it
// became a command is counted but does not pull the latency histogram down.
func TestCommandRejectedCountsWithoutADuration(t *testing.T) {
	m := newMetrics(t, metrics.Config{Codes: []string{"BUSY"}})
	m.CommandRejected("send.message", "BUSY")
	m.CommandRejected("forged.name", "BUSY")
	compare(t, m, `
# HELP wabridge_commands_total Command deliveries dispatched (REST and NATS, rpc and durable), by command and result code (OK on success).
# TYPE wabridge_commands_total counter
wabridge_commands_total{code="BUSY",command="send.message"} 1
wabridge_commands_total{code="BUSY",command="unknown"} 1
`, "wabridge_commands_total")
	if mf := family(t, m, "wabridge_command_duration_seconds"); len(mf.GetMetric()) != 0 {
		t.Fatalf("rejections observed durations: %v", mf)
	}
}

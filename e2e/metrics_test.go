package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsCountWhatHappened: on a process of its own (the counters are
// the process's), a session logged in through REST and a text sent show
// in GET /metrics: the commands by name and code with their durations,
// the results and session events JetStream stored, by type, the session's
// state and the outbox's backlog.
func TestMetricsCountWhatHappened(t *testing.T) {
	t.Parallel()
	b := startBridge(t, bridgeOpts{extra: []string{"--sessions", "metrics"}})
	b.session = "metrics"
	before := b.scrape()
	if v, ok := sample(before, "wabridge_session_state", map[string]string{"session": "metrics", "state": "logged_out"}); !ok || v != 1 {
		t.Fatalf("a new session's state: logged_out=%v (present %v)", v, ok)
	}
	b.login(b.session)
	status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "counted"}, nil)
	if status != http.StatusOK {
		t.Fatalf("send: %d %s %s", status, env.Code, env.Message)
	}

	resultType := map[string]string{"type": "io.wabridge.command.send.message.result"}
	var got map[string]*dto.MetricFamily
	deadline := time.Now().Add(20 * time.Second)
	for {
		got = b.scrape()
		if v, _ := sample(got, "wabridge_events_published_total", resultType); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the send's result was not counted as published: %v", got["wabridge_events_published_total"])
		}
		time.Sleep(100 * time.Millisecond)
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"wabridge_commands_total", map[string]string{"command": "send.message", "code": "OK"}, 1},
		{"wabridge_commands_total", map[string]string{"command": "app.login", "code": "OK"}, 1},
		{"wabridge_session_state", map[string]string{"session": "metrics", "state": "connected"}, 1},
		{"wabridge_session_state", map[string]string{"session": "metrics", "state": "logged_out"}, 0},
		{"wabridge_events_published_total", map[string]string{"type": "io.wabridge.session.connected"}, 1},
	}
	for _, c := range checks {
		if v, ok := sample(got, c.name, c.labels); !ok || v != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, v, ok, c.want)
		}
	}
	if h := metric(got, "wabridge_command_duration_seconds", map[string]string{"command": "send.message"}); h == nil ||
		h.GetHistogram().GetSampleCount() != 1 || h.GetHistogram().GetSampleSum() <= 0 {
		t.Errorf("send.message duration histogram: %v", h)
	}
	for _, name := range []string{"wabridge_outbox_entries", "wabridge_outbox_oldest_entry_age_seconds", "go_goroutines", "process_resident_memory_bytes"} {
		if got[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
	for _, mf := range got["wabridge_commands_total"].GetMetric() {
		for _, l := range mf.GetLabel() {
			if strings.Contains(l.GetValue(), "4917612345678") {
				t.Errorf("a phone number became a label: %v", mf)
			}
		}
	}
}

// scrape GETs /metrics and parses the text exposition.
func (b *bridgeProc) scrape() map[string]*dto.MetricFamily {
	b.t.Helper()
	resp, err := http.Get(b.httpURL + "/metrics")
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		b.t.Fatalf("GET /metrics is no text exposition: %v", err)
	}
	return families
}

// metric is the series of family name with exactly labels.
func metric(families map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	for _, m := range families[name].GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if match {
			return m
		}
	}
	return nil
}

// sample is the value of a counter or gauge series.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	m := metric(families, name, labels)
	switch {
	case m == nil:
		return 0, false
	case m.Counter != nil:
		return m.GetCounter().GetValue(), true
	default:
		return m.GetGauge().GetValue(), true
	}
}

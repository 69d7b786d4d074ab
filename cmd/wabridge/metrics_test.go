package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/metrics"
	"github.com/wabridge/wabridge/webhooks"
)

// TestWebhookOutcomesAreTheMetricsOnes: the webhooks service tells its
// outcomes by the names the metrics count (any other is dropped there).
func TestWebhookOutcomesAreTheMetricsOnes(t *testing.T) {
	pairs := [][2]string{
		{webhooks.OutcomeDelivered, metrics.DeliveryDelivered},
		{webhooks.OutcomeFailed, metrics.DeliveryFailed},
		{webhooks.OutcomeDeadLettered, metrics.DeliveryDeadLettered},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("webhooks says %q, metrics counts %q", p[0], p[1])
		}
	}
}

// The README's metrics table is the registry: every wabridge_ family with
// its type and label names, and no other.
func TestREADMEMetricsAreTheRegistry(t *testing.T) {
	m, err := metrics.New(metrics.Config{Commands: []string{"send.message"},
		Outbox: stubOutbox{}, Webhooks: stubWebhooks{}, Sessions: stubSessions{}})
	if err != nil {
		t.Fatal(err)
	}
	// Vectors show once they have a series.
	m.CommandDone("send.message", "", time.Millisecond)
	m.EventPublished("io.wabridge.message.received")
	m.WebhookDelivery("wh_1", metrics.DeliveryDelivered)
	families, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, mf := range families {
		if !strings.HasPrefix(mf.GetName(), metrics.Namespace+"_") {
			continue
		}
		var labels []string
		for _, l := range mf.GetMetric()[0].GetLabel() {
			labels = append(labels, l.GetName())
		}
		slices.Sort(labels)
		want = append(want, strings.Join([]string{mf.GetName(), strings.ToLower(mf.GetType().String()),
			strings.Join(labels, ", ")}, " | "))
	}
	var got []string
	for _, row := range readmeTable(t, "## Metrics") {
		labels := strings.ReplaceAll(row[2], "`", "")
		got = append(got, strings.Join([]string{row[0], row[1], labels}, " | "))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("README metrics table:\n%s\nwant (from the registry):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

type stubOutbox struct{}

func (stubOutbox) Oldest() (time.Duration, int, error) { return time.Second, 1, nil }

type stubWebhooks struct{}

func (stubWebhooks) WebhookStatus(context.Context) ([]metrics.Webhook, error) {
	return []metrics.Webhook{{ID: "wh_1", Running: true, LastSuccess: time.Unix(1, 0)}}, nil
}

type stubSessions struct{}

func (stubSessions) Sessions() []metrics.Session { return []metrics.Session{{Name: "default"}} }

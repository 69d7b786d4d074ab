package main

import (
	"testing"

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

package metrics_test

import (
	"testing"

	"github.com/wabridge/wabridge/internal/metrics"
)

// A deleted webhook's delivery counters leave the exposition (its id never
// comes back: ids are random), while another webhook's stay.
func TestForgetWebhookDropsItsSeries(t *testing.T) {
	m := newMetrics(t, metrics.Config{})
	m.WebhookDelivery("wh_gone", metrics.DeliveryDelivered)
	m.WebhookDelivery("wh_gone", metrics.DeliveryFailed)
	m.WebhookDelivery("wh_kept", metrics.DeliveryDelivered)
	m.ForgetWebhook("wh_gone")
	m.ForgetWebhook("wh_never_seen")
	compare(t, m, `# HELP wabridge_webhook_deliveries_total Webhook delivery outcomes on this node, by webhook id: delivered and dead_lettered count events, failed counts attempts.
# TYPE wabridge_webhook_deliveries_total counter
wabridge_webhook_deliveries_total{outcome="delivered",webhook="wh_kept"} 1
`, "wabridge_webhook_deliveries_total")
}

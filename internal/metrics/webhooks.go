package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of WebhookDelivery.
const (
	// DeliveryDelivered: an event's attempt got a 2xx.
	DeliveryDelivered = "delivered"
	// DeliveryFailed: one attempt failed (the event is retried).
	DeliveryFailed = "failed"
	// DeliveryDeadLettered: an event went to the dead letters after max_age.
	DeliveryDeadLettered = "dead_lettered"
)

var deliveryOutcomes = newSet([]string{DeliveryDelivered, DeliveryFailed, DeliveryDeadLettered})

func newDeliveryMetrics() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "webhook_deliveries_total",
		Help: "Webhook delivery outcomes on this node, by webhook id: delivered and dead_lettered count events, failed counts attempts.",
	}, []string{"webhook", "outcome"})
}

// WebhookDelivery records one outcome of webhook id's deliveries. An
// outcome other than the three Delivery* is ignored (a programming error,
// never a new series).
func (m *Metrics) WebhookDelivery(id, outcome string) {
	if _, ok := deliveryOutcomes[outcome]; !ok {
		return
	}
	m.deliveries.WithLabelValues(id, outcome).Inc()
}

// Webhook is one webhook's status as the node sees it.
type Webhook struct {
	ID                  string
	Running             bool // a runner delivers it on this node
	Lag                 uint64
	InFlight            int
	DeadLetters         uint64
	ConsecutiveFailures int
	LastSuccess         time.Time // zero: none since this node started it
}

// Webhooks reads every webhook's status.
type Webhooks interface {
	WebhookStatus(ctx context.Context) ([]Webhook, error)
}

var (
	webhookLabels      = []string{"webhook"}
	webhookRunningDesc = prometheus.NewDesc(Namespace+"_webhook_running",
		"1 when this node runs the webhook's delivery, 0 when it does not (disabled, stopping).", webhookLabels, nil)
	webhookLagDesc = prometheus.NewDesc(Namespace+"_webhook_lag_events",
		"Matching events the webhook's consumer has not handed out for delivery yet.", webhookLabels, nil)
	webhookInFlightDesc = prometheus.NewDesc(Namespace+"_webhook_in_flight_events",
		"Events handed out for delivery and not yet settled.", webhookLabels, nil)
	webhookDeadDesc = prometheus.NewDesc(Namespace+"_webhook_dead_letters",
		"Dead letters stored for the webhook (redrive or let them expire).", webhookLabels, nil)
	webhookFailuresDesc = prometheus.NewDesc(Namespace+"_webhook_consecutive_failures",
		"Failed attempts since the webhook's last success.", webhookLabels, nil)
	webhookSuccessDesc = prometheus.NewDesc(Namespace+"_webhook_last_success_timestamp_seconds",
		"Unix time of the webhook's last 2xx on this node; absent before the first.", webhookLabels, nil)
	webhookDescs = []*prometheus.Desc{webhookRunningDesc, webhookLagDesc, webhookInFlightDesc,
		webhookDeadDesc, webhookFailuresDesc, webhookSuccessDesc}
)

type webhookCollector struct {
	src     Webhooks
	timeout time.Duration
}

func (c webhookCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range webhookDescs {
		ch <- d
	}
}

func (c webhookCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	hooks, err := c.src.WebhookStatus(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(webhookLagDesc, err)
		return
	}
	for _, w := range hooks {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, w.ID)
		}
		gauge(webhookRunningDesc, boolValue(w.Running))
		gauge(webhookLagDesc, float64(w.Lag))
		gauge(webhookInFlightDesc, float64(w.InFlight))
		gauge(webhookDeadDesc, float64(w.DeadLetters))
		gauge(webhookFailuresDesc, float64(w.ConsecutiveFailures))
		if !w.LastSuccess.IsZero() {
			gauge(webhookSuccessDesc, float64(w.LastSuccess.UnixNano())/1e9)
		}
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ForgetWebhook drops the delivery counters of webhook id, which was
// deleted: ids are never reused, so its series would otherwise stay in
// every scrape until the process restarts. The gauges need nothing: they
// are read from the webhooks present at each scrape.
func (m *Metrics) ForgetWebhook(id string) {
	m.deliveries.DeletePartialMatch(prometheus.Labels{"webhook": id})
}

package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outbox is the outbox's backlog as readiness sees it: how long its
// oldest unpublished entry has waited and how many wait, in all sessions.
type Outbox interface {
	Oldest() (time.Duration, int, error)
}

var (
	outboxEntriesDesc = prometheus.NewDesc(Namespace+"_outbox_entries",
		"Entries in the outbox that JetStream has not acknowledged yet, in all sessions.", nil, nil)
	outboxAgeDesc = prometheus.NewDesc(Namespace+"_outbox_oldest_entry_age_seconds",
		"How long the oldest entry not yet acknowledged by JetStream has waited; 0 when there is none.", nil, nil)
)

type outboxCollector struct{ src Outbox }

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxEntriesDesc
	ch <- outboxAgeDesc
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	age, n, err := c.src.Oldest()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxEntriesDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxEntriesDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age.Seconds())
}

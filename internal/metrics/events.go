package metrics

import "github.com/prometheus/client_golang/prometheus"

func newEventMetrics() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "events_published_total",
		Help: "CloudEvents (events and command results) newly stored in JetStream from the outbox, by type.",
	}, []string{"type"})
}

// EventPublished records one CloudEvent of ceType that JetStream
// acknowledged as newly stored.
func (m *Metrics) EventPublished(ceType string) {
	m.eventsPublished.WithLabelValues(m.eventTypes.bound(ceType, OtherType)).Inc()
}

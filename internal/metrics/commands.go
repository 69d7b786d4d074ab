package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// CommandBuckets are the command duration histogram's bounds in seconds:
// from a query answered from the store (~1 ms) to a send that waits out
// WhatsApp or an upload (the REST wait is 60 s).
var CommandBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

func newCommandMetrics() (*prometheus.CounterVec, *prometheus.HistogramVec) {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "commands_total",
		Help: "Command deliveries dispatched (REST and NATS, rpc and durable), by command and result code (OK on success).",
	}, []string{"command", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "command_duration_seconds",
		Help:    "Time from a command delivery reaching the dispatcher to its result, by command.",
		Buckets: CommandBuckets,
	}, []string{"command"})
	return total, duration
}

// CommandDone records one dispatched delivery of command name that ended
// with code ("" or CodeOK for success) after d. A name or code outside
// the catalogs counts under UnknownCommand or OtherCode: names come from
// callers (a NATS subject, a URL), so they must not make series.
func (m *Metrics) CommandDone(name, code string, d time.Duration) {
	if code == "" {
		code = CodeOK
	}
	name = m.commands.bound(name, UnknownCommand)
	m.commandsTotal.WithLabelValues(name, m.codes.bound(code, OtherCode)).Inc()
	m.commandDuration.WithLabelValues(name).Observe(d.Seconds())
}

// CommandRejected records a delivery of command name answered with code
// before it became a command (nothing ran: no duration is observed).
func (m *Metrics) CommandRejected(name, code string) {
	m.commandsTotal.WithLabelValues(m.commands.bound(name, UnknownCommand), m.codes.bound(code, OtherCode)).Inc()
}

package commands

import "net/http"

// metricsOperations is GET /metrics (CONTRACT §11): the Prometheus
// exposition, under the API's credentials (a scrape config's bearer token
// or basic auth).
func metricsOperations() []staticOperation {
	text := obj{"schema": obj{"type": "string"}}
	return []staticOperation{
		{http.MethodGet, "/metrics", obj{"operationId": "metrics", "tags": []any{"meta"},
			"summary": "Prometheus metrics: commands, events, outbox, webhooks, sessions.",
			"description": "The Prometheus exposition of the process: commands by name and result code with a duration histogram, " +
				"events published by type, the outbox's backlog and oldest entry's age, webhook deliveries, lag and dead letters, " +
				"and each session's state, besides the Go runtime's and the process's own. The format is negotiated by Accept " +
				"(text 0.0.4 by default, OpenMetrics or protobuf when asked); the README lists the metrics.",
			"responses": withErrors(obj{"200": obj{"description": "The metrics.",
				"content": obj{"text/plain": text, "application/openmetrics-text": text}}}, 401)}},
	}
}

package webhooks

// Outcomes an Observer is told of.
const (
	// OutcomeDelivered: an event's attempt got a 2xx.
	OutcomeDelivered = "delivered"
	// OutcomeFailed: one attempt failed; the event is tried again.
	OutcomeFailed = "failed"
	// OutcomeDeadLettered: an event went to the dead letters.
	OutcomeDeadLettered = "dead_lettered"
)

// Observer is told of each delivery outcome of each webhook on this node
// (metrics). It runs on a delivery worker: quick, never blocking.
type Observer interface {
	WebhookDelivery(id, outcome string)
}

func (r *runner) observe(outcome string) {
	if o := r.svc.cfg.Observer; o != nil {
		o.WebhookDelivery(r.id, outcome)
	}
}

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

// Forgetter is an Observer that keeps something per webhook (metrics'
// series): it is told once a deleted webhook's delivery has ended on this
// node, so no outcome of it follows.
type Forgetter interface {
	ForgetWebhook(id string)
}

// forget tells the Observer, if it is a Forgetter, that webhook id is gone.
func (s *Service) forget(id string) {
	if f, ok := s.cfg.Observer.(Forgetter); ok {
		f.ForgetWebhook(id)
	}
}

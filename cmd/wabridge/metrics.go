package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/metrics"
	"github.com/wabridge/wabridge/webhooks"
)

// newMetrics is GET /metrics' registry (CONTRACT §11) over the parts it
// reads when scraped; the recorders are handed to the dispatcher, the
// publisher and the webhooks as their observers. The label catalogs are
// the command and event catalogs, so no caller can add series.
func newMetrics(log *slog.Logger, ob *outboxPart, sess *sessionsPart, hooks *webhooksPart) (*metrics.Metrics, error) {
	var names, types []string
	for _, s := range commands.Catalog() {
		names = append(names, s.Name)
		types = append(types, commands.ResultTypeOf(s.Name))
	}
	for _, s := range events.Catalog() {
		types = append(types, s.Type)
	}
	return metrics.New(metrics.Config{
		Commands: names, Codes: commands.ResultCodes(), EventTypes: types,
		Outbox: outboxBacklog{ob}, Webhooks: webhookStatus{hooks}, Sessions: sessionStates{sess},
		Log: log,
	})
}

// outboxBacklog reads the outbox's backlog once the outbox part started
// (REST, which serves the scrapes, starts after it and stops before it).
type outboxBacklog struct{ p *outboxPart }

func (o outboxBacklog) Oldest() (time.Duration, int, error) {
	if o.p.ob == nil {
		return 0, 0, nil
	}
	return o.p.ob.Oldest()
}

// webhookStatus is every webhook's status as GET /webhooks shows it.
type webhookStatus struct{ p *webhooksPart }

func (w webhookStatus) WebhookStatus(ctx context.Context) ([]metrics.Webhook, error) {
	if w.p.svc == nil {
		return nil, nil
	}
	views, err := w.p.svc.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.Webhook, 0, len(views))
	for _, v := range views {
		st := v.Status
		h := metrics.Webhook{ID: v.ID, Running: st.Running, Lag: st.Lag, InFlight: st.InFlight,
			DeadLetters: st.DeadLetters, ConsecutiveFailures: st.ConsecutiveFailures}
		if st.LastSuccess != nil {
			h.LastSuccess = *st.LastSuccess
		}
		out = append(out, h)
	}
	return out, nil
}

// sessionStates are the sessions this process runs and their state.
type sessionStates struct{ p *sessionsPart }

func (s sessionStates) Sessions() []metrics.Session {
	m := s.p.manager
	if m == nil {
		return nil
	}
	var out []metrics.Session
	for _, name := range m.Names() {
		if sess, err := m.Get(name); err == nil {
			st := sess.Status()
			out = append(out, metrics.Session{Name: name, LoggedIn: st.LoggedIn, Connected: st.Connected})
		}
	}
	return out
}

var (
	_ metrics.Outbox   = outboxBacklog{}
	_ metrics.Webhooks = webhookStatus{}
	_ metrics.Sessions = sessionStates{}

	_ commands.Observer  = (*metrics.Metrics)(nil)
	_ outbox.Observer    = (*metrics.Metrics)(nil)
	_ webhooks.Observer  = (*metrics.Metrics)(nil)
	_ webhooks.Forgetter = (*metrics.Metrics)(nil) // a deleted webhook's series go
)

// wireMetrics makes the registry and hands its recorders to the parts that
// record, and its handler to REST.
func wireMetrics(log *slog.Logger, ob *outboxPart, sess *sessionsPart, cmds *commandsPart, hooks *webhooksPart, rest *httpPart) error {
	m, err := newMetrics(log, ob, sess, hooks)
	if err != nil {
		return err
	}
	ob.observer, cmds.observer, hooks.observer, rest.metrics = m, m, m, m.Handler()
	return nil
}

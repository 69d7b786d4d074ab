package transport

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/werr"
)

// handle answers one request: decode, execute, record, reply.
func (s *RPCServer) handle(m *nats.Msg) {
	session, _, name, err := s.cfg.Subjects.Parse(m.Subject)
	if err != nil {
		// Without a valid session there is no result subject to record
		// on; the requester still deserves to hear why.
		s.log.Debug("rpc request on an invalid subject", "subject", m.Subject, "err", err)
		s.reply(m, s.ex.Reject("", s.nameOf(m.Subject), werr.Invalid(werr.CodeInvalidSession, "%s", err.Error())))
		return
	}
	log := s.log.With("session", session, "command", name)
	res := s.execute(m, session, name, log)
	if err := s.results.Put(s.base, s.cfg.Subjects.Result(session, name), res); err != nil {
		// The audit trail must hold a result before the caller hears it;
		// the caller's retry gets the same result replayed.
		log.Error("recording rpc result", "ce_id", res.ID(), "err", err)
		res = s.ex.Reject(session, name, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "recording the result failed"))
	}
	s.reply(m, res)
}

// execute decodes and runs the command; input that is no CloudEvent
// becomes an INVALID_CLOUDEVENT result.
func (s *RPCServer) execute(m *nats.Msg, session, name string, log *slog.Logger) event.Event {
	cmd, err := cenats.Decode(m.Header, m.Data)
	if err != nil {
		log.Debug("rpc request is no valid CloudEvent", "err", err)
		return s.ex.Reject(session, name, werr.Invalid(werr.CodeInvalidCloudEvent, "%s", err.Error()))
	}
	ctx, cancel := context.WithTimeout(s.base, s.cfg.Timeout)
	defer cancel()
	res := s.ex.Execute(ctx, session, name, cmd)
	log.Debug("rpc command executed", "ce_id", cmd.ID(), "ce_type", cmd.Type(), "replayed", res.Replayed)
	return res.Event
}

// reply sends the result to the requester, if there is one.
func (s *RPCServer) reply(m *nats.Msg, res event.Event) {
	if m.Reply == "" {
		return
	}
	if err := s.respond(m, res); err != nil {
		s.log.Error("replying to rpc request", "subject", m.Subject, "ce_id", res.ID(), "err", err)
	}
}

func (s *RPCServer) respond(m *nats.Msg, res event.Event) error {
	h, data, err := cenats.Encode(res, s.cfg.Mode)
	if err != nil {
		return fmt.Errorf("encoding result: %w", err)
	}
	if err := m.RespondMsg(&nats.Msg{Header: h, Data: data}); err != nil {
		return fmt.Errorf("sending reply: %w", err)
	}
	return nil
}

// nameOf is the command name of <prefix>.<session>.rpc.<name> when the
// subject has that shape, so even a rejection names its command type.
func (s *RPCServer) nameOf(subject string) string {
	prefix := strings.TrimSuffix(s.cfg.Subjects.All("rpc"), "*.rpc.>")
	parts := strings.SplitN(strings.TrimPrefix(subject, prefix), ".", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

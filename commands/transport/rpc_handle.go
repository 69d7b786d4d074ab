package transport

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// handle answers one request: decode, dispatch (which records the result
// of an effect), reply.
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
	cmd, err := cenats.Decode(m.Header, m.Data)
	if err != nil {
		s.reply(m, s.reject(session, name, err, log))
		return
	}
	expiry, hasExpiry := expiryOf(cmd)
	if hasExpiry && !time.Now().Before(expiry) {
		// The caller has given up: running it now would be work nobody
		// waits for, possibly an effect nobody expects any more.
		log.Debug("rpc request expired before it was taken up", "ce_id", cmd.ID(), "expirytime", expiry)
		s.reply(m, s.ex.Reject(session, name, werr.New(werr.KindExpired, werr.CodeExpired,
			"the command expired at %s before it was taken up", expiry.Format(time.RFC3339Nano))))
		return
	}
	s.reply(m, s.dispatch(m, session, name, cmd, expiry, log))
}

// reject answers input that is no CloudEvent with INVALID_CLOUDEVENT. For
// an effect of the catalog it is also recorded on the result subject, as
// the durable path does: no dispatcher saw it, so nobody else would. A
// query's or an unknown name's is not: queries are never audited, and the
// result subject of an unknown name is one the caller made up.
func (s *RPCServer) reject(session, name string, cause error, log *slog.Logger) event.Event {
	log.Debug("rpc request is no valid CloudEvent", "err", cause)
	res := s.ex.Reject(session, name, werr.Invalid(werr.CodeInvalidCloudEvent, "%s", cause.Error()))
	if !auditedRejection(name) {
		return res
	}
	if err := s.results.Put(s.base, s.cfg.Subjects.Result(session, name), res); err != nil {
		// The audit trail must hold a result before the caller hears it.
		log.Error("recording rpc rejection", "ce_id", res.ID(), "err", err)
		return unrecorded(res, err)
	}
	return res
}

// unrecorded answers a rejection the audit trail could not take: res (its
// type, source, session) as INTERNAL_ERROR under an id of its own, since
// the failed Put may have stored res after all. It is built from res, not
// by a second Reject, which the dispatcher would report to its observer
// again: one refused request counts once in the metrics, by its cause.
func unrecorded(res event.Event, cause error) event.Event {
	we := werr.From(werr.Wrap(cause, werr.KindInternal, werr.CodeInternal, "recording the result failed"))
	out := res.Clone()
	out.SetID(uuid.NewString())
	if err := out.SetData(event.ApplicationJSON, commands.ResultData{Status: we.Status(), Code: we.Code, Message: we.Message}); err != nil {
		panic(err) // a struct of strings and an int always encodes
	}
	return out
}

// dispatch runs the command within Timeout, and within the caller's
// expirytime when that comes first.
func (s *RPCServer) dispatch(m *nats.Msg, session, name string, cmd event.Event, expiry time.Time, log *slog.Logger) event.Event {
	ctx, cancel := context.WithTimeout(s.base, s.cfg.Timeout)
	defer cancel()
	if !expiry.IsZero() {
		var cancelExpiry context.CancelFunc
		ctx, cancelExpiry = context.WithDeadline(ctx, expiry)
		defer cancelExpiry()
	}
	trusted := s.trusted(m, cmd, expiry, log)
	res := s.ex.Dispatch(ctx, commands.Call{Session: session, Name: name, Cmd: cmd, Trusted: trusted})
	log.Debug("rpc command executed", "ce_id", cmd.ID(), "ce_type", cmd.Type(), "replayed", res.Replayed)
	return res.Event
}

// trusted: the request carries a signature made with the deployment's
// internal secret over this very command and subject, so it comes from a
// bridge process's REST adapter, this one's or another's.
func (s *RPCServer) trusted(m *nats.Msg, cmd event.Event, expiry time.Time, log *slog.Logger) bool {
	header := m.Header.Get(natsbus.HeaderInternal)
	if s.cfg.InternalSecret == "" || header == "" {
		return false
	}
	err := natsbus.VerifySignature([]byte(s.cfg.InternalSecret), header, natsbus.Signed{
		Subject: m.Subject, ID: cmd.ID(), Source: cmd.Source(), Type: cmd.Type(), Expiry: expiry, Data: cmd.Data(),
	}, time.Now())
	if err != nil {
		// Another secret (a misconfigured process) or a forgery: untrusted,
		// so a reserved source is refused.
		log.Warn("rpc request carries an invalid internal signature", "ce_id", cmd.ID(), "err", err)
		return false
	}
	return true
}

// busy answers a request that found its session's slots full. BUSY is
// transient (503): the caller retries later. It is not recorded; nothing ran.
func (s *RPCServer) busy(m *nats.Msg) {
	session, _, name, err := s.cfg.Subjects.Parse(m.Subject)
	if err != nil {
		session, name = "", s.nameOf(m.Subject)
	}
	s.log.Debug("rpc request refused: session busy", "session", session, "command", name)
	s.reply(m, s.ex.Reject(session, name, werr.New(werr.KindBusy, werr.CodeBusy,
		"session %s is handling %d requests; retry later", session, s.cfg.MaxConcurrent)))
}

// expiryOf reads the expirytime extension, which the REST adapter sets to
// its caller's deadline; ok is false without a readable one (the
// dispatcher rejects an unreadable one).
func expiryOf(cmd event.Event) (time.Time, bool) {
	v, ok := cmd.Extensions()[ident.ExtExpiryTime]
	if !ok {
		return time.Time{}, false
	}
	t, err := types.ToTime(v)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
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

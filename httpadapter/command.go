package httpadapter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/tracing"
	"github.com/wabridge/wabridge/internal/werr"
)

// CommandTypePrefix starts every command CloudEvent type (CONTRACT §3).
const CommandTypePrefix = ident.CommandTypePrefix

// SourceREST is the CloudEvent source of commands sent through REST; the
// caller's credential appends "/<user>" (basic auth) or "/token-<hash>"
// (bearer), so callers do not share idempotency keys.
const SourceREST = "/wabridge/rest"

// commandHandler turns requests for one route into rpc commands.
type commandHandler struct {
	route    Route
	bus      Requester
	subjects natsbus.Subjects
	timeout  time.Duration
	secret   []byte // Config.InternalSecret
	maxBody  int64
	ready    ReadyFunc // nil: always ready
	log      *slog.Logger
	// render writes a successful or failed result; nil writes the raw data.
	render func(c *gin.Context, data []byte) error
	// uploads reads multipart/form-data bodies; nil on routes without a
	// media field.
	uploads *uploader
}

func (h *commandHandler) serve(c *gin.Context) {
	session, err := sessionOf(c)
	if err != nil {
		writeErr(c, err)
		return
	}
	c.Set(ctxSession, session)
	e, deadline, err := h.buildEvent(c)
	if err != nil {
		writeErr(c, err)
		return
	}
	data, err := h.request(c.Request.Context(), session, e, deadline)
	if err != nil {
		writeErr(c, err)
		return
	}
	render := h.render
	if render == nil {
		render = writeRaw
	}
	if err := render(c, data); err != nil {
		writeErr(c, err)
	}
}

// buildEvent makes the command CloudEvent of a request, and the moment the
// adapter stops waiting for its result.
func (h *commandHandler) buildEvent(c *gin.Context) (event.Event, time.Time, error) {
	data, err := h.data(c)
	if err != nil {
		return event.Event{}, time.Time{}, err
	}
	// Counted from here, once the body is read: the wait for the result is
	// what the deadline bounds, and the rpc side never starts work whose
	// answer nobody waits for any more.
	deadline := time.Now().Add(h.timeout)
	id := headerValue(c, HeaderIdempotencyKey)
	if id == "" {
		id = uuid.NewString()
	} else if !validToken(id) {
		return event.Event{}, time.Time{}, werr.Invalid(werr.CodeInvalidPayload,
			"%s must be 1 to %d printable ASCII characters", HeaderIdempotencyKey, maxTokenLen)
	}
	source := SourceREST
	if user := c.GetString(ctxUser); user != "" {
		source += "/" + user
	}
	e := event.New(event.CloudEventsVersionV1)
	e.SetID(id)
	e.SetSource(source)
	e.SetType(CommandTypePrefix + h.route.Name)
	e.SetTime(time.Now().UTC())
	e.SetExtension(ident.ExtExpiryTime, deadline.UTC())
	if corr := correlationOf(c); corr != "" {
		e.SetExtension(ident.ExtCorrelationID, corr)
	}
	tracing.SetEvent(c.Request.Context(), &e) // the request's span (tracing.go) is the command's parent
	if err := e.SetData(event.ApplicationJSON, data); err != nil {
		return event.Event{}, time.Time{}, fmt.Errorf("setting command data: %w", err)
	}
	if err := e.Validate(); err != nil {
		return event.Event{}, time.Time{}, fmt.Errorf("building command event: %w", err)
	}
	return e, deadline, nil
}

// request sends the command and returns the result event's data, waiting
// until deadline at most.
func (h *commandHandler) request(ctx context.Context, session string, e event.Event, deadline time.Time) ([]byte, error) {
	subject := h.subjects.RPC(session, h.route.Name)
	msg, err := cenats.NewMsg(subject, e, cenats.Binary)
	if err != nil {
		return nil, fmt.Errorf("encoding command %s: %w", e.Type(), err)
	}
	if len(h.secret) > 0 {
		msg.Header.Set(natsbus.HeaderInternal, natsbus.Sign(h.secret, natsbus.Signed{
			Subject: subject, ID: e.ID(), Source: e.Source(), Type: e.Type(), Expiry: deadline, Data: e.Data(),
		}))
	}
	reply, err := h.bus.RequestMsg(msg, time.Until(deadline))
	if errors.Is(err, nats.ErrNoResponders) {
		if notReady := h.notReady(ctx); notReady != nil {
			// Starting (or NATS half there): the session may well be ours.
			return nil, werr.Wrap(err, werr.KindNotConnected, CodeNotReady,
				"the bridge is not ready yet: %v", notReady)
		}
	}
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		// Each bridge process subscribes only to the sessions it runs.
		return nil, werr.Wrap(err, werr.KindNotFound, werr.CodeSessionNotFound,
			"no bridge process serves session %q (check --sessions, or whether its process is running)", session)
	case errors.Is(err, nats.ErrMaxPayload):
		return nil, &statusError{Status: http.StatusRequestEntityTooLarge, Code: werr.CodePayloadTooLarge,
			Message: "the command exceeds the NATS server's maximum message size"}
	case errors.Is(err, nats.ErrTimeout):
		return nil, werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout,
			"no result within %s", h.timeout)
	case err != nil:
		return nil, werr.Wrap(err, werr.KindNotConnected, CodeBusUnavailable, "sending the command over NATS failed")
	}
	result, err := cenats.Decode(reply.Header, reply.Data)
	if err != nil {
		return nil, fmt.Errorf("decoding result of %s: %w", e.Type(), err)
	}
	h.log.Debug("command answered", "session", session, "ce_id", e.ID(), "ce_type", e.Type(), "result_type", result.Type())
	return result.Data(), nil
}

// notReady returns why the bridge is not ready, nil when it is.
func (h *commandHandler) notReady(ctx context.Context) error {
	if h.ready == nil {
		return nil
	}
	_, err := h.ready(ctx)
	return err
}

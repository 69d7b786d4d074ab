package commands

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	"github.com/google/uuid"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

// ResultData is the data of every result CloudEvent and the REST body
// (CONTRACT §5).
type ResultData struct {
	Status  int    `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
	Data    any    `json:"data,omitempty"`
	// NextCursor continues a list query whose data is the list itself
	// (chat.list answers data as the array of chats, as the reference
	// API shows it): pass it as before for the next page; absent on the
	// last one.
	NextCursor string `json:"next_cursor,omitempty"`
}

// paged is handler data whose list is the result's data and whose cursor
// is the envelope's next_cursor.
type paged interface {
	pageData() any
	pageCursor() string
}

// resultData is the ResultData of a handler's outcome.
func resultData(data any, err error) ResultData {
	if p, ok := data.(paged); ok && err == nil {
		return ResultData{Status: http.StatusOK, Message: "Success", Data: p.pageData(), NextCursor: p.pageCursor()}
	}
	if err == nil {
		return ResultData{Status: http.StatusOK, Message: "Success", Data: data}
	}
	we := werr.From(err)
	rd := ResultData{Status: we.Kind.Status(), Code: we.Code, Message: we.Message}
	if len(we.Details) > 0 {
		rd.Details = we.Details
	}
	return rd
}

// resultEvent builds the result CloudEvent of cmd with id (recordedID,
// deliveryID), or a fresh id when id is "".
func (d *Dispatcher) resultEvent(session, name string, cmd cloudevent.Event, id string, data any, err error) cloudevent.Event {
	ev := cloudevent.New(cloudevent.CloudEventsVersionV1)
	if id == "" {
		id = uuid.NewString()
	}
	ev.SetID(id)
	ev.SetType(ResultTypeOf(name))
	ev.SetSource("/wabridge")
	if ident.ValidSession(session) {
		ev.SetSource("/wabridge/" + session)
		ev.SetExtension(ident.ExtSession, session)
	}
	if c, ok := data.(chatResult); ok && c.chat() != "" {
		// CONTRACT §3: subject is the chat the event is about, so replay by
		// chat finds the results of sends to it. Never the caller's
		// ce-subject: the audit trail must say which chat was touched, not
		// which one a caller claimed.
		ev.SetSubject(c.chat())
	}
	ev.SetTime(d.cfg.Now())
	if id := cmd.ID(); id != "" {
		ev.SetExtension(ident.ExtCausationID, id)
	}
	if c, ok := cmd.Extensions()[ident.ExtCorrelationID]; ok {
		ev.SetExtension(ident.ExtCorrelationID, c)
	}
	d.logOutcome(session, name, cmd, err)
	if serr := ev.SetData(cloudevent.ApplicationJSON, resultData(data, err)); serr != nil {
		// The handler's data does not encode: a bug of ours, not the
		// caller's; the effect may have happened, so say so generically.
		d.log.Error("encoding command result", "session", session, "command", name, "ce_id", cmd.ID(), "err", serr)
		_ = ev.SetData(cloudevent.ApplicationJSON, resultData(nil, werr.Wrap(serr, werr.KindInternal, werr.CodeInternal, "internal error")))
	}
	return ev
}

// chatResult is handler data about one chat (a send, say).
type chatResult interface{ chat() string }

// recordedID is the id of the result recorded for key at stored: every
// answer to that execution (the first and each replay) carries it. A later
// execution of the key, after its record expired, is stored at another time
// and so gets another id, which the outbox's ledger of emitted ids (kept
// about as long as records) does not swallow.
func recordedID(key string, stored time.Time) string {
	return derivedID("wabridge.result", key, strconv.FormatInt(stored.UnixNano(), 10))
}

// deliveryID is the id of a durable delivery's result that is audited but
// not recorded (a rejection, a failure that depends on state): derived from
// the key and the delivery's stream sequence, so a redelivery after a lost
// ack audits the same id, which the outbox drops as already emitted, and
// the command has one result. Without a sequence (rpc, whose caller has
// the answer and may send again) it is "": a fresh id.
func deliveryID(c Call) string {
	if !c.Durable || c.Sequence == 0 {
		return ""
	}
	return derivedID("wabridge.delivery", IdempotencyKey(c.Session, c.Cmd), strconv.FormatUint(c.Sequence, 10))
}

func derivedID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// logOutcome logs failures; internal errors carry their cause, which users
// never see.
func (d *Dispatcher) logOutcome(session, name string, cmd cloudevent.Event, err error) {
	if err == nil {
		return
	}
	we := werr.From(err)
	attrs := []any{"session", session, "command", name, "ce_id", cmd.ID(), "code", we.Code, "err", err}
	if we.Kind == werr.KindInternal {
		d.log.Error("command failed", attrs...)
		return
	}
	d.log.Debug("command failed", attrs...)
}

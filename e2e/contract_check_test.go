package e2e_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
)

// The checks below restate CONTRACT §3–§5 from the outside. They derive the
// subjects from the rules as written rather than from the bridge's own
// helpers, so a wrong helper cannot make its own output look right.

const (
	subjectPrefix = "wa"
	eventPrefix   = "io.wabridge."
	commandPrefix = "io.wabridge.command."
	resultSuffix  = ".result"
)

var errorCode = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// checkStreamed checks one CloudEvent read from WA_EVENTS on subject.
func checkStreamed(subject string, h nats.Header, ce event.Event) error {
	if strings.HasSuffix(ce.Type(), resultSuffix) {
		return checkStreamedResult(subject, ce)
	}
	if err := events.ValidateCloudEvent(ce); err != nil {
		return err
	}
	session, _ := ce.Extensions()[events.ExtSession].(string)
	if want := eventSubject(session, ce.Subject(), ce.Type()); subject != want {
		return fmt.Errorf("event %s of type %s on subject %s, want %s", ce.ID(), ce.Type(), subject, want)
	}
	// CONTRACT §4: Nats-Msg-Id = CloudEvent id, so JetStream drops a redelivery.
	if got := h.Get(nats.MsgIdHdr); got != ce.ID() {
		return fmt.Errorf("event %s has Nats-Msg-Id %q", ce.ID(), got)
	}
	return nil
}

func checkStreamedResult(subject string, ce event.Event) error {
	if err := checkResult(ce); err != nil {
		return err
	}
	session, _ := ce.Extensions()[events.ExtSession].(string)
	name := strings.TrimSuffix(strings.TrimPrefix(ce.Type(), commandPrefix), resultSuffix)
	if want := subjectPrefix + "." + session + ".result." + name; subject != want {
		return fmt.Errorf("result %s of type %s on subject %s, want %s", ce.ID(), ce.Type(), subject, want)
	}
	return nil
}

// eventSubject is wa.<session>.evt.<chat>.<event> (CONTRACT §4).
func eventSubject(session, chatJID, typ string) string {
	return subjectPrefix + "." + session + ".evt." + chatToken(chatJID) + "." + strings.TrimPrefix(typ, eventPrefix)
}

// chatToken is the chat JID with every '.' replaced by '_', or '_' for none.
func chatToken(jid string) string {
	if jid == "" {
		return "_"
	}
	return strings.ReplaceAll(jid, ".", "_")
}

// resultTypeOfSubject is the result type of the command a wa.<s>.rpc.<name>
// or wa.<s>.cmd.<name> subject carries.
func resultTypeOfSubject(subject string) string {
	parts := strings.SplitN(subject, ".", 4)
	if len(parts) < 4 {
		return ""
	}
	return commandPrefix + parts[3] + resultSuffix
}

// checkResult checks a command result's envelope: results are not in the
// event catalog, but CONTRACT §3 and §5 fix their attributes and data.
func checkResult(ce event.Event) error {
	var errs []error
	if err := ce.Validate(); err != nil {
		errs = append(errs, err)
	}
	if !strings.HasPrefix(ce.Type(), commandPrefix) || !strings.HasSuffix(ce.Type(), resultSuffix) {
		errs = append(errs, fmt.Errorf("type %q is not io.wabridge.command.<name>.result", ce.Type()))
	}
	session, _ := ce.Extensions()[events.ExtSession].(string)
	if session == "" || ce.Source() != events.Source(session) {
		errs = append(errs, fmt.Errorf("source %q and extension wasession %q do not name one session", ce.Source(), session))
	}
	if ce.Time().IsZero() {
		errs = append(errs, errors.New("no time"))
	}
	if ce.DataContentType() != event.ApplicationJSON {
		errs = append(errs, fmt.Errorf("datacontenttype %q", ce.DataContentType()))
	}
	errs = append(errs, checkEnvelope(ce.Data()))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("result %s of type %s: %w", ce.ID(), ce.Type(), err)
	}
	return nil
}

// checkEnvelope checks the result data of CONTRACT §5: a success has status
// 2xx, message and data; a failure a 4xx/5xx status, an UPPER_SNAKE code,
// message and optional details; nothing else.
func checkEnvelope(raw []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("data is not a JSON object: %w", err)
	}
	allowed := map[string]bool{"status": true, "message": true, "data": true, "code": true, "details": true}
	for k := range fields {
		if !allowed[k] {
			return fmt.Errorf("data has the field %q, which the envelope does not", k)
		}
	}
	var env struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("envelope: %w", err)
	}
	_, hasData := fields["data"]
	_, hasDetails := fields["details"]
	switch {
	case env.Message == "":
		return errors.New("envelope has no message")
	case env.Status >= 200 && env.Status < 300:
		if env.Code != "" || hasDetails {
			return fmt.Errorf("success %d carries code %q or details", env.Status, env.Code)
		}
	case env.Status >= 400 && env.Status < 600:
		if !errorCode.MatchString(env.Code) {
			return fmt.Errorf("failure %d has code %q, not UPPER_SNAKE", env.Status, env.Code)
		}
		if hasData {
			return fmt.Errorf("failure %d carries data", env.Status)
		}
	default:
		return fmt.Errorf("status %d is neither a success nor a failure", env.Status)
	}
	return nil
}

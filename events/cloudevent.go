package events

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/wabridge/wabridge/internal/ident"
	"regexp"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// ExtSession is the CloudEvents extension carrying the session name.
const ExtSession = ident.ExtSession

// eventName is what follows TypePrefix: dot-separated lower-case tokens, so
// it is usable as the last part of a NATS subject.
var eventName = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// EventID derives the CloudEvent id of a WhatsApp occurrence: the first 32
// hex digits (128 bits) of SHA-256 over session, type and key joined by NUL
// bytes. NUL cannot occur in a session name or type, so distinct triples never
// share their hashed input, and a redelivered WhatsApp event gets the same id.
func EventID(session, typ, key string) string {
	sum := sha256.Sum256([]byte(session + "\x00" + typ + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// Source is the CloudEvents source of what the bridge emits for a session.
func Source(session string) string { return "/wabridge/" + session }

// NewCloudEvent turns e into the CloudEvent the bridge publishes
// (CONTRACT §3): deterministic id, source /wabridge/<session>, subject the
// chat, time when WhatsApp says it happened (now when unknown), JSON data.
func NewCloudEvent(e Event) (event.Event, error) {
	if err := validateEvent(e); err != nil {
		return event.Event{}, err
	}
	ce := event.New(event.CloudEventsVersionV1)
	ce.SetID(EventID(e.Session, e.Type, e.Key))
	ce.SetSource(Source(e.Session))
	ce.SetType(e.Type)
	if e.Subject != "" {
		ce.SetSubject(e.Subject)
	}
	t := e.Time
	if t.IsZero() {
		t = time.Now()
	}
	ce.SetTime(t.UTC())
	ce.SetExtension(ExtSession, e.Session)
	if err := ce.SetData(event.ApplicationJSON, e.Data); err != nil {
		return event.Event{}, fmt.Errorf("encoding data of %s: %w", e.Type, err)
	}
	if err := ce.Validate(); err != nil {
		return event.Event{}, fmt.Errorf("building cloudevent %s: %w", e.Type, err)
	}
	return ce, nil
}

func validateEvent(e Event) error {
	var errs []error
	if !ident.ValidSession(e.Session) {
		errs = append(errs, fmt.Errorf("event session %q is not a valid session name", e.Session))
	}
	name, ok := strings.CutPrefix(e.Type, TypePrefix)
	if !ok || !eventName.MatchString(name) {
		errs = append(errs, fmt.Errorf("event type %q is not %s<name>", e.Type, TypePrefix))
	}
	if e.Key == "" {
		errs = append(errs, fmt.Errorf("event %s has no key", e.Type))
	}
	if e.Data == nil {
		errs = append(errs, fmt.Errorf("event %s has no data", e.Type))
	}
	return errors.Join(errs...)
}

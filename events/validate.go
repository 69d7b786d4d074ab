package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/schemas"
)

// Validate checks an event against the catalog: its type is catalogued, its
// Data is the type's data struct and matches the type's schema, it has a
// subject exactly when the type concerns a chat, and it could become a
// CloudEvent. Tests of every package that emits events run it on what they
// emit, so an event that breaks its documented shape fails a test rather than
// a consumer. The bridge does not run it in production: refusing an event
// would lose it.
func Validate(e Event) error {
	spec, ok := Lookup(e.Type)
	if !ok {
		return fmt.Errorf("validating event: type %q is not in the event catalog", e.Type)
	}
	errs := []error{validateEvent(e)}
	if got, want := reflect.TypeOf(e.Data), spec.DataType(); got != want && got != reflect.PointerTo(want) {
		errs = append(errs, fmt.Errorf("data is a %v, want %v", got, want))
	}
	errs = append(errs, checkSubject(spec, e.Subject))
	raw, err := json.Marshal(e.Data)
	if err != nil {
		errs = append(errs, fmt.Errorf("encoding data: %w", err))
	} else {
		errs = append(errs, validateData(spec, raw))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("validating event %s: %w", e.Type, err)
	}
	return nil
}

// ValidateCloudEvent checks a CloudEvent as the bridge publishes it
// (CONTRACT §3) against the catalog: valid CloudEvents 1.0, a catalogued
// type, source /wabridge/<session> with the session in the wasession
// extension, a subject exactly when the type concerns a chat, and JSON data
// matching the type's schema. Tests that read events back from the stream or
// a webhook use it.
func ValidateCloudEvent(ce event.Event) error {
	spec, ok := Lookup(ce.Type())
	if !ok {
		return fmt.Errorf("validating cloudevent %s: type %q is not in the event catalog", ce.ID(), ce.Type())
	}
	errs := []error{ce.Validate(), checkSubject(spec, ce.Subject())}
	session, _ := ce.Extensions()[ExtSession].(string)
	if session == "" || ce.Source() != Source(session) {
		errs = append(errs, fmt.Errorf("source %q and extension %s %q do not name one session", ce.Source(), ExtSession, session))
	}
	if ce.DataContentType() != event.ApplicationJSON {
		errs = append(errs, fmt.Errorf("datacontenttype is %q, want %s", ce.DataContentType(), event.ApplicationJSON))
	}
	errs = append(errs, validateData(spec, ce.Data()))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("validating cloudevent %s of type %s: %w", ce.ID(), ce.Type(), err)
	}
	return nil
}

func checkSubject(spec Spec, subject string) error {
	switch {
	case spec.Chat && subject == "":
		return errors.New("no subject, but the type concerns a chat (subject = chat JID)")
	case !spec.Chat && subject != "":
		return fmt.Errorf("subject %q, but the type concerns no chat", subject)
	}
	return nil
}

func validateData(spec Spec, raw []byte) error {
	set, err := schemas.Compiled()
	if err != nil {
		return err
	}
	return set.Validate(spec.Schema, raw)
}

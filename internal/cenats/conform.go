package cenats

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
)

// maxExtensionName bounds extension names; sdk-go sets no limit and the spec
// only recommends 20 characters, so this is a guard, not a style rule.
const maxExtensionName = 64

// attr is one context attribute in its canonical string form (not yet
// percent-encoded), as binary mode carries it.
type attr struct {
	name, value string
}

// conform checks what both modes must hold for an event to cross NATS, on
// the way in and out alike, so that anything Decode accepts can be encoded
// again in either mode and anything Encode writes can be decoded. It returns
// the event's attributes in canonical string form.
func conform(e event.Event) ([]attr, error) {
	ec, ok := e.Context.(*event.EventContextV1)
	if !ok {
		if e.Context == nil {
			return nil, errors.New("event has no context")
		}
		return nil, fmt.Errorf("unsupported specversion %q: only %s is supported", e.SpecVersion(), event.CloudEventsVersionV1)
	}
	if err := e.Validate(); err != nil {
		return nil, describeValidation(err)
	}
	attrs, err := attributes(ec)
	if err != nil {
		return nil, err
	}
	if len(attrs) > MaxAttributes {
		return nil, fmt.Errorf("too many attributes: %d, at most %d", len(attrs), MaxAttributes)
	}
	for _, a := range attrs {
		if err := checkValue(a); err != nil {
			return nil, err
		}
	}
	return attrs, nil
}

// attributes lists the set attributes of ec, extensions last and sorted so the
// order is stable.
func attributes(ec *event.EventContextV1) ([]attr, error) {
	attrs := make([]attr, 0, 8+len(ec.Extensions))
	attrs = append(attrs,
		attr{"specversion", event.CloudEventsVersionV1},
		attr{"id", ec.ID},
		attr{"source", ec.Source.String()},
		attr{"type", ec.Type},
	)
	if ec.Subject != nil {
		attrs = append(attrs, attr{"subject", *ec.Subject})
	}
	if ec.Time != nil {
		if y := ec.Time.UTC().Year(); y < 0 || y > 9999 {
			return nil, fmt.Errorf("time %s is outside the years 0000-9999 RFC 3339 can express", ec.Time.UTC().Format("2006-01-02T15:04:05Z07:00"))
		}
		attrs = append(attrs, attr{"time", types.FormatTime(ec.Time.Time)})
	}
	if ec.DataSchema != nil {
		attrs = append(attrs, attr{"dataschema", ec.DataSchema.String()})
	}
	if ec.DataContentType != nil {
		attrs = append(attrs, attr{"datacontenttype", *ec.DataContentType})
	}
	names := make([]string, 0, len(ec.Extensions))
	for name := range ec.Extensions {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := checkExtensionName(name); err != nil {
			return nil, err
		}
		v, err := types.Format(ec.Extensions[name])
		if err != nil {
			return nil, fmt.Errorf("extension %s: %w", name, err)
		}
		attrs = append(attrs, attr{name, v})
	}
	return attrs, nil
}

// checkExtensionName applies sdk-go's naming rule plus what the JSON format
// needs: "data" would collide with the event's data member.
func checkExtensionName(name string) error {
	switch {
	case !event.IsExtensionNameValid(name) || name != strings.ToLower(name):
		return fmt.Errorf("extension name %q: must be lowercase letters and digits", name)
	case len(name) > maxExtensionName:
		return fmt.Errorf("extension name %q: longer than %d characters", name, maxExtensionName)
	case name == "data":
		return errors.New(`extension name "data" is reserved by the JSON event format`)
	}
	return nil
}

// checkValue enforces the CloudEvents string rules (no control characters)
// and our header size limit on the value as binary mode would carry it.
func checkValue(a attr) error {
	if !utf8.ValidString(a.value) {
		return fmt.Errorf("attribute %s is not valid UTF-8", a.name)
	}
	for _, r := range a.value {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return fmt.Errorf("attribute %s contains control character %U", a.name, r)
		}
	}
	if n := encodedLen(a.value); n > MaxHeaderValue {
		return fmt.Errorf("attribute %s is %d bytes percent-encoded, at most %d", a.name, n, MaxHeaderValue)
	}
	return nil
}

// describeValidation turns sdk-go's map-shaped ValidationError into one line
// with a stable order.
func describeValidation(err error) error {
	var verr event.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	keys := make([]string, 0, len(verr))
	for k := range verr {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+verr[k].Error())
	}
	return errors.New("invalid event: " + strings.Join(parts, "; "))
}

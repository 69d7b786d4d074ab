package commands

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/schemas"
)

// noData is the payload of a command sent without data: commands without
// fields need none, and schemas then report missing required fields.
const noData = "{}"

// checked is a delivery that passed every check.
type checked struct {
	spec        Spec
	payload     json.RawMessage // valid against spec.Schema
	fingerprint string          // of type and payload, see fingerprint
	expires     time.Time       // zero: no lifetime
}

// check turns a delivered CloudEvent into a command of the catalog with a
// payload valid against its schema, or says what is wrong with it.
func (d *Dispatcher) check(c Call) (checked, error) {
	if !ident.ValidSession(c.Session) {
		return checked{}, werr.Invalid(werr.CodeInvalidSession, "session name %q does not match [a-z0-9][a-z0-9_-]{0,31}", c.Session)
	}
	if err := checkEnvelope(c.Name, c.Cmd); err != nil {
		return checked{}, err
	}
	if err := checkSource(c); err != nil {
		return checked{}, err
	}
	spec, ok := d.specs[c.Name]
	if !ok {
		return checked{}, werr.Invalid(werr.CodeUnknownCommand, "unknown command %q", c.Name)
	}
	expires, err := d.expiry(c)
	if err != nil {
		return checked{}, err
	}
	payload, err := d.payload(spec, c.Cmd)
	if err != nil {
		return checked{}, err
	}
	fp, err := fingerprint(c.Cmd.Type(), payload)
	if err != nil {
		return checked{}, err
	}
	return checked{spec: spec, payload: payload, fingerprint: fp, expires: expires}, nil
}

// checkSource keeps the sources under /wabridge/ for the REST adapter: its
// callers' idempotency keys live there, and a NATS caller using one could
// replay or block another caller's command.
func checkSource(c Call) error {
	src := c.Cmd.Source()
	if c.Trusted || !(strings.HasPrefix(src, ReservedSourcePrefix) || src == strings.TrimSuffix(ReservedSourcePrefix, "/")) {
		return nil
	}
	return werr.Invalid(werr.CodeInvalidCloudEvent,
		"source %q is reserved for the bridge (sources under %s belong to its REST callers); use a source of your own, e.g. /my-service",
		src, ReservedSourcePrefix)
}

func checkEnvelope(name string, cmd cloudevent.Event) error {
	if err := cmd.Validate(); err != nil {
		return werr.Invalid(werr.CodeInvalidCloudEvent, "not a valid CloudEvent: %v", err)
	}
	if v := cmd.SpecVersion(); v != cloudevent.CloudEventsVersionV1 {
		return werr.Invalid(werr.CodeInvalidCloudEvent, "specversion %q is not supported, use %q", v, cloudevent.CloudEventsVersionV1)
	}
	if cmd.Type() != TypeOf(name) {
		return werr.Invalid(werr.CodeInvalidCloudEvent, "type %q does not match subject command %q (want %q)", cmd.Type(), name, TypeOf(name))
	}
	if ct := cmd.DataContentType(); ct != "" && !isJSON(ct) {
		return werr.Invalid(werr.CodeInvalidPayload, "datacontenttype %q is not JSON, use application/json", ct)
	}
	return nil
}

// isJSON accepts application/json, parameters (charset) and +json types.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func (d *Dispatcher) payload(spec Spec, cmd cloudevent.Event) (json.RawMessage, error) {
	data := cmd.Data()
	if len(data) > d.cfg.MaxDataBytes {
		return nil, werr.New(werr.KindTooLarge, werr.CodePayloadTooLarge, "data is %d bytes, the limit is %d; send media by URL or object store reference", len(data), d.cfg.MaxDataBytes).
			WithDetails(map[string]any{"size": len(data), "limit": d.cfg.MaxDataBytes})
	}
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte(noData)
	}
	err := d.cfg.Schemas.Validate(spec.Schema, data)
	var ve *schemas.ValidationError
	switch {
	case err == nil:
		return json.RawMessage(data), nil
	case errors.As(err, &ve):
		return nil, werr.Invalid(werr.CodeInvalidPayload, "%s", ve.Error()).
			WithDetails(map[string]any{"schema": schemas.BaseURL + spec.Schema, "errors": ve.Issues})
	default:
		return nil, fmt.Errorf("validating data of %s: %w", spec.Name, err)
	}
}

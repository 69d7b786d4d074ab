package cenats_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
)

// canonical is what an event means on the wire, independent of how sdk-go
// happens to hold it: extensions as their canonical strings (binary mode
// cannot keep their types), JSON data compacted, the base64 flag ignored.
type canonical struct {
	SpecVersion, ID, Source, Type, Subject, DataContentType, DataSchema string
	Time                                                                string
	Extensions                                                          map[string]string
	Data                                                                string
}

func canon(t testing.TB, e event.Event) canonical {
	t.Helper()
	c := canonical{
		SpecVersion:     e.SpecVersion(),
		ID:              e.ID(),
		Source:          e.Source(),
		Type:            e.Type(),
		Subject:         e.Subject(),
		DataContentType: e.DataContentType(),
		DataSchema:      e.DataSchema(),
		Extensions:      map[string]string{},
	}
	if !e.Time().IsZero() {
		c.Time = e.Time().UTC().Format(time.RFC3339Nano)
	}
	for k, v := range e.Extensions() {
		s, err := types.Format(v)
		if err != nil {
			t.Fatalf("extension %s: %v", k, err)
		}
		c.Extensions[k] = s
	}
	c.Data = string(e.Data())
	if !e.DataBase64 && json.Valid(e.Data()) {
		var b bytes.Buffer
		if err := json.Compact(&b, e.Data()); err == nil {
			c.Data = b.String()
		}
	}
	return c
}

func sameEvent(t testing.TB, want, got event.Event) {
	t.Helper()
	w, g := canon(t, want), canon(t, got)
	if !maps.Equal(w.Extensions, g.Extensions) {
		t.Fatalf("extensions differ:\nwant %v\ngot  %v", w.Extensions, g.Extensions)
	}
	if !reflect.DeepEqual(w, g) {
		t.Fatalf("events differ:\nwant %+v\ngot  %+v", w, g)
	}
}

// newEvent builds a valid event for tests; opts adjust it.
func newEvent(t testing.TB, opts ...func(*event.Event)) event.Event {
	t.Helper()
	e := event.New()
	e.SetID("3EB0C767D26A1D1E")
	e.SetSource("/wabridge/default")
	e.SetType("io.wabridge.message.received")
	for _, o := range opts {
		o(&e)
	}
	if err := e.Validate(); err != nil {
		t.Fatalf("test event invalid: %v", err)
	}
	return e
}

func withSubject(s string) func(*event.Event) {
	return func(e *event.Event) { e.SetSubject(s) }
}

func withTime(ts time.Time) func(*event.Event) {
	return func(e *event.Event) { e.SetTime(ts) }
}

func withExt(name string, v any) func(*event.Event) {
	return func(e *event.Event) { e.SetExtension(name, v) }
}

func withJSON(v any) func(*event.Event) {
	return func(e *event.Event) {
		if err := e.SetData(event.ApplicationJSON, v); err != nil {
			panic(err)
		}
	}
}

func withBytes(ct string, b []byte) func(*event.Event) {
	return func(e *event.Event) {
		if err := e.SetData(ct, b); err != nil {
			panic(err)
		}
	}
}

func lower(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = strings.Join(v, ",")
	}
	return out
}

package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events"
)

// A batch large enough to be encoded in parallel is stored in its order,
// each record reading back as the one Put would have stored.
func TestEmitAllLargeBatchKeepsOrderAndRecords(t *testing.T) {
	ob := openInternal(t)
	batch := make([]events.Event, 1000)
	for i := range batch {
		batch[i] = connectedEvent(t, "default", fmt.Sprintf("k%04d", i))
	}
	if err := ob.EmitAll(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	stored, err := ob.after("default", 0, 2*len(batch))
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(batch) {
		t.Fatalf("%d entries stored, want %d", len(stored), len(batch))
	}
	for i, s := range stored {
		rec, ce, err := decodeRecord(s.raw)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		want, err := events.NewCloudEvent(batch[i])
		if err != nil {
			t.Fatal(err)
		}
		if ce.ID() != want.ID() {
			t.Fatalf("entry %d is %s, want %s (event %d)", i, ce.ID(), want.ID(), i)
		}
		// What Put stores: json.Marshal of the record with the event in it.
		raw, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		putRaw, err := json.Marshal(record{Session: rec.Session, Subject: eventSubject(ob.subjects, batch[i]), Enqueued: rec.Enqueued, Event: raw})
		if err != nil {
			t.Fatal(err)
		}
		var got, put map[string]any
		if err := json.Unmarshal(s.raw, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(putRaw, &put); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, put) {
			t.Fatalf("entry %d:\n%s\nwant as Put stores it:\n%s", i, s.raw, putRaw)
		}
	}
}

// The error of a failing batch is that of its first bad event, wherever the
// parallel encoding met the others; nothing is stored.
func TestEmitAllReportsTheFirstBadEvent(t *testing.T) {
	ob := openInternal(t)
	batch := make([]events.Event, 1000)
	for i := range batch {
		batch[i] = connectedEvent(t, "default", fmt.Sprintf("k%04d", i))
	}
	for _, i := range []int{900, 300, 650} {
		batch[i].Session = fmt.Sprintf("Bad Session %d", i)
	}
	err := ob.EmitAll(context.Background(), batch)
	if err == nil || !strings.Contains(err.Error(), "Bad Session 300") {
		t.Fatalf("EmitAll = %v, want the error of event 300", err)
	}
	if n := outboxLen(t, ob); n != 0 {
		t.Fatalf("%d entries stored after a failed batch, want 0", n)
	}
}

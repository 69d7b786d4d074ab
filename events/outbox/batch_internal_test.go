package outbox

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events"
)

// A batch large enough to be encoded in parallel is stored in its order,
// each entry the very bytes Put stores for the same event.
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
		w, err := decodeWire(s.raw)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		want, err := events.NewCloudEvent(batch[i])
		if err != nil {
			t.Fatal(err)
		}
		if w.id != want.ID() {
			t.Fatalf("entry %d is %s, want %s (event %d)", i, w.id, want.ID(), i)
		}
		putRaw, err := ob.wireOf("default", eventSubject(ob.subjects, batch[i]), want, w.enqueued)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(s.raw, putRaw) {
			t.Fatalf("entry %d:\n%q\nwant as Put stores it:\n%q", i, s.raw, putRaw)
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

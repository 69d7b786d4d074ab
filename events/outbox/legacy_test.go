package outbox_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/store"
)

// writeLegacy stores entries as the previous version did: one bucket
// "outbox", sequence → {"subject", "event"}.
func writeLegacy(t *testing.T, db *store.DB, raws ...[]byte) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("outbox"))
		if err != nil {
			return err
		}
		for _, raw := range raws {
			seq, _ := b.NextSequence()
			if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Entries the previous version left in its outbox are still published, in
// their order, ahead of what is emitted after the upgrade; one that no
// longer decodes goes to outbox_dead.
func TestLegacyEntriesArePublished(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	var raws [][]byte
	for i := range 6 {
		e := sampleEvent([]string{"default", "shop-2"}[i%2], i)
		ce, err := events.NewCloudEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		evt, _ := json.Marshal(ce)
		raw, _ := json.Marshal(map[string]any{"subject": subjects.Event(e.Session, e.Subject, "message.received"), "event": json.RawMessage(evt)})
		raws = append(raws, raw)
		want[e.Session] = append(want[e.Session], ce.ID())
		if i == 2 {
			raws = append(raws, []byte(`{"subject": 42}`))
		}
	}
	writeLegacy(t, db, raws...)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, ob := openOutbox(t, dir) // the new version starts
	if n, err := ob.Len(); err != nil || n != 6 {
		t.Fatalf("Len = %d, %v; want the 6 legacy entries", n, err)
	}
	later := sampleEvent("default", 99)
	if err := ob.Emit(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	want["default"] = append(want["default"], events.EventID(later.Session, later.Type, later.Key))
	// A legacy event emitted again is known to the ledger.
	if err := ob.Emit(context.Background(), sampleEvent("default", 0)); err != nil {
		t.Fatal(err)
	}

	s := startNATS(t, t.TempDir(), "")
	js := connectJS(t, s)
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	runPublisher(t, p)
	flush(t, p)
	if got := idsBySession(t, streamMsgs(t, js)); !maps.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("stream holds %v, want %v (per session, in order)", got, want)
	}
	if n := deadCount(t, db); n != 1 {
		t.Fatalf("outbox_dead holds %d entries, want the undecodable one", n)
	}
}

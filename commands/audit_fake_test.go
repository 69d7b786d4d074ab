package commands_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"sync"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/store"
)

// fakeAudit is the outbox as the dispatcher sees it: it commits its entry
// and the writes that come with it in one real transaction of the rig's
// bbolt file, so a test sees what a crash after Put would leave, and a
// failing write leaves nothing of the others.
type fakeAudit struct {
	db   *store.DB
	mu   sync.Mutex
	fail error // returned instead of committing, when set
}

var _ commands.Audit = (*fakeAudit)(nil)

var bucketAudit = []byte("test_audit")

type auditEntry struct {
	Subject string          `json:"subject"`
	Event   json.RawMessage `json:"event"`
	TxID    int             `json:"tx"`
}

func (a *fakeAudit) Put(_ context.Context, subject string, ce cloudevent.Event, also ...store.Write) error {
	a.mu.Lock()
	fail := a.fail
	a.mu.Unlock()
	if fail != nil {
		return fail
	}
	raw, err := json.Marshal(ce)
	if err != nil {
		return err
	}
	entry := func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketAudit)
		if err != nil {
			return err
		}
		seq, _ := b.NextSequence()
		val, _ := json.Marshal(auditEntry{Subject: subject, Event: raw, TxID: tx.ID()})
		return b.Put(binary.BigEndian.AppendUint64(nil, seq), val)
	}
	return a.db.Commit(append([]store.Write{entry}, also...)...)
}

func (a *fakeAudit) setFail(err error) {
	a.mu.Lock()
	a.fail = err
	a.mu.Unlock()
}

// entries returns what was committed, oldest first.
func (a *fakeAudit) entries(t testing.TB) []auditEntry {
	t.Helper()
	var out []auditEntry
	err := a.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var e auditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// event decodes the entry's CloudEvent.
func (e auditEntry) event(t testing.TB) cloudevent.Event {
	t.Helper()
	ev := cloudevent.New()
	if err := json.Unmarshal(e.Event, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

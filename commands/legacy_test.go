package commands_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// putLegacyRecord writes a record as the bridge wrote them before records
// had a fingerprint and keys a session: {"session","name","stored","result"}.
func putLegacyRecord(t *testing.T, r *rig, key string, stored time.Time) {
	t.Helper()
	val := `{"session":"default","name":"app.logout","stored":"` + stored.Format(time.RFC3339Nano) + `",` +
		`"result":{"specversion":"1.0","id":"r1","source":"/wabridge/default","type":"io.wabridge.command.app.logout.result","datacontenttype":"application/json","data":{"status":200,"message":"Success"}}}`
	err := r.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte("idempotency")).Put([]byte(key), []byte(val)); err != nil {
			return err
		}
		tk := binary.BigEndian.AppendUint64(nil, uint64(stored.UnixNano()))
		return tx.Bucket([]byte("idempotency_by_time")).Put(append(tk, key...), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Records of the old format decode and prune; one that a new key happens to
// reach is a conflict (nobody can vouch for its data), never a crash or a
// replayed success.
func TestLegacyRecords(t *testing.T) {
	r := newRig(t)
	putLegacyRecord(t, r, "/tests\x00old", fixedNow.Add(-time.Minute))
	putLegacyRecord(t, r, "default\x00/tests\x00clash", fixedNow.Add(-time.Minute))
	res := execute(r.d, context.Background(), "default", "app.logout", command(t, "app.logout", "clash", `{}`))
	if b := decode(t, res.Event); b.Code != "IDEMPOTENCY_CONFLICT" || res.Replayed {
		t.Errorf("legacy record at a new key: code %s replayed=%v", b.Code, res.Replayed)
	}
	cfg := r.config(t)
	cfg.Now = func() time.Time { return fixedNow.Add(8 * 24 * time.Hour) }
	d := newDispatcher(t, cfg) // prunes at start
	if n, err := d.Prune(); err != nil || n != 0 {
		t.Errorf("Prune after start removed %d (%v): the start should have pruned everything", n, err)
	}
	err := r.db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte("idempotency")).Stats().KeyN; n != 0 {
			t.Errorf("%d records left after pruning", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

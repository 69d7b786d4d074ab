package commands_test

import (
	"context"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/werr"
)

// cacheWrite is a send's raw message write as the bridge hands it over; it
// notes the transaction it ran in.
func cacheWrite(txID *int, fail error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		if fail != nil {
			return fail
		}
		*txID = tx.ID()
		b, err := tx.CreateBucketIfNotExists([]byte("test_cache"))
		if err != nil {
			return err
		}
		return b.Put([]byte("msg"), []byte("protobuf"))
	}
}

// A send's record, result entry and raw message are one transaction (one
// fsync); a replay writes nothing.
func TestEffectCommitsRecordResultAndCacheTogether(t *testing.T) {
	r := newRig(t)
	var cacheTx int
	r.sess.cache = cacheWrite(&cacheTx, nil)
	ctx := context.Background()
	first := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "tx", okText))
	got := r.audit.entries(t)
	if len(got) != 1 || got[0].Subject != "wa.default.result.send.message" {
		t.Fatalf("audit entries %+v, want one on wa.default.result.send.message", got)
	}
	if got[0].TxID != cacheTx || cacheTx == 0 {
		t.Errorf("result entry in transaction %d, raw message in %d: want one", got[0].TxID, cacheTx)
	}
	if ev := got[0].event(t); ev.ID() != first.Event.ID() {
		t.Errorf("audited %s, answered %s", ev.ID(), first.Event.ID())
	}
	again := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "tx", okText))
	if !again.Replayed || len(r.audit.entries(t)) != 1 {
		t.Errorf("redelivery: replayed=%v, %d audit entries: a replayed result must not be put again", again.Replayed, len(r.audit.entries(t)))
	}
}

// When one write of the transaction fails, nothing of it is kept: no result
// entry and no record, so the next delivery runs the handler again.
func TestFailedWriteKeepsNeitherRecordNorResult(t *testing.T) {
	r := newRig(t)
	var cacheTx int
	r.sess.cache = cacheWrite(&cacheTx, errors.New("disk full"))
	ctx := context.Background()
	res := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "tx", okText))
	if b := decode(t, res.Event); !res.Retryable || b.Code != "INTERNAL_ERROR" {
		t.Fatalf("retryable=%v code %s, want a retryable INTERNAL_ERROR", res.Retryable, b.Code)
	}
	if got := r.audit.entries(t); len(got) != 0 {
		t.Fatalf("%d audit entries survived a failed write", len(got))
	}
	r.sess.cache = cacheWrite(&cacheTx, nil)
	again := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "tx", okText))
	if again.Replayed || decode(t, again.Event).Status != 200 || len(r.sess.Calls()) != 2 {
		t.Errorf("next delivery replayed=%v status %d after %d calls: want a fresh run", again.Replayed, decode(t, again.Event).Status, len(r.sess.Calls()))
	}
	if len(r.audit.entries(t)) != 1 {
		t.Errorf("%d audit entries, want the one success", len(r.audit.entries(t)))
	}
}

// An audit trail that refuses the result (other than for size) leaves the
// command unrecorded and retryable.
func TestAuditFailureIsRetryable(t *testing.T) {
	r := newRig(t)
	r.audit.setFail(errors.New("outbox closed"))
	ctx := context.Background()
	res := execute(r.d, ctx, "default", "app.logout", command(t, "app.logout", "a", `{}`))
	if !res.Retryable || decode(t, res.Event).Status != 500 {
		t.Fatalf("retryable=%v status %d", res.Retryable, decode(t, res.Event).Status)
	}
	r.audit.setFail(nil)
	if again := execute(r.d, ctx, "default", "app.logout", command(t, "app.logout", "a", `{}`)); again.Replayed {
		t.Error("a result the audit refused was recorded")
	}
}

// A transient failure of an rpc effect is audited (the caller saw it), a
// durable one's is not (JetStream redelivers it); neither is recorded.
func TestTransientFailureAudit(t *testing.T) {
	offline := werr.New(werr.KindNotConnected, werr.CodeNotConnected, "offline")
	for _, tt := range []struct {
		name    string
		durable bool
		audited int
	}{{"rpc", false, 1}, {"durable", true, 0}} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.sess.err = offline
			ctx := context.Background()
			cmd := command(t, "send.message", "t", okText)
			c := commands.Call{Session: "default", Name: "send.message", Cmd: cmd, Durable: tt.durable, Published: fixedNow}
			if res := r.d.Dispatch(ctx, c); !res.Retryable {
				t.Fatal("NOT_CONNECTED is not retryable")
			}
			if got := len(r.audit.entries(t)); got != tt.audited {
				t.Fatalf("%d audit entries, want %d", got, tt.audited)
			}
			r.sess.err = nil
			if again := durable(r.d, ctx, "send.message", cmd, fixedNow.Add(-time.Minute)); again.Replayed {
				t.Error("a transient failure was recorded")
			}
		})
	}
}

// A failure that ends the delivery without being final (not logged in) is
// audited for a durable command too: it acks, so this is its result.
func TestDurableStateFailureIsAudited(t *testing.T) {
	r := newRig(t)
	r.sess.err = werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn, "log in first")
	res := durable(r.d, context.Background(), "send.message", command(t, "send.message", "s", okText), fixedNow)
	if res.Retryable || len(r.audit.entries(t)) != 1 {
		t.Errorf("retryable=%v, %d audit entries; want a final answer, audited", res.Retryable, len(r.audit.entries(t)))
	}
}

// Rejections end a delivery: an effect's is audited (a durable publisher
// learns it nowhere else), a query's is not; neither is recorded.
func TestRejectionsAudit(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	bad := command(t, "send.message", "bad", `{"message":""}`)
	if res := durable(r.d, ctx, "send.message", bad, fixedNow); decode(t, res.Event).Code != "INVALID_PAYLOAD" || res.Retryable {
		t.Fatalf("rejection %s retryable=%v", res.Event.Data(), res.Retryable)
	}
	execute(r.d, ctx, "default", "app.login_with_code", command(t, "app.login_with_code", "q", `{"phone":"+49"}`))
	execute(r.d, ctx, "nobody", "app.devices", command(t, "app.devices", "q", `{}`))
	got := r.audit.entries(t)
	if len(got) != 1 || got[0].Subject != "wa.default.result.send.message" {
		t.Fatalf("audit entries %+v, want only the effect's rejection", got)
	}
	if res := durable(r.d, ctx, "send.message", command(t, "send.message", "bad", okText), fixedNow); res.Replayed {
		t.Error("a rejection was recorded under the command's key")
	}
}

package bridge_test

import (
	"fmt"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestMessageIndexPrune(t *testing.T) {
	x, db := newIndexDB(t)
	day := 24 * time.Hour
	put := func(session, id string, ts time.Time) {
		t.Helper()
		if err := x.Put(session, bridge.StoredMessage{Chat: group.String(), ID: id, Sender: alicePN.String(), Timestamp: ts, Text: id}); err != nil {
			t.Fatal(err)
		}
	}
	// More old messages than one pruning transaction takes, written in one
	// transaction (one fsync instead of 1200).
	const old = 1200
	writes := make([]store.Write, 0, old)
	for i := range old {
		id := fmt.Sprintf("OLD%05d", i)
		writes = append(writes, x.PutWrite("default", bridge.StoredMessage{
			Chat: group.String(), ID: id, Sender: alicePN.String(), Timestamp: fixedTime.Add(-100*day + time.Duration(i)*time.Second), Text: id,
		}))
	}
	if err := db.Commit(writes...); err != nil {
		t.Fatal(err)
	}
	put("other", "OLDOTHER", fixedTime.Add(-100*day))
	put("default", "NEW", fixedTime)
	// A redelivery with a newer timestamp keeps the message, and only one
	// time entry for it.
	put("default", "MOVED", fixedTime.Add(-100*day))
	put("default", "MOVED", fixedTime)

	n, err := x.Prune(fixedTime.Add(-30 * day))
	if err != nil {
		t.Fatal(err)
	}
	if n != old+1 {
		t.Fatalf("pruned %d, want %d", n, old+1)
	}
	for _, c := range []struct{ session, id, code string }{
		{"default", "OLD00000", werr.CodeMessageNotFound},
		{"default", "OLD01199", werr.CodeMessageNotFound},
		{"other", "OLDOTHER", werr.CodeMessageNotFound},
		{"default", "NEW", ""},
		{"default", "MOVED", ""},
	} {
		_, err := x.Lookup(c.session, c.id, types.EmptyJID)
		if got := codeOf(err); got != c.code {
			t.Errorf("%s/%s: code %q, want %q", c.session, c.id, got, c.code)
		}
	}
	if n, err := x.Prune(fixedTime.Add(-30 * day)); err != nil || n != 0 {
		t.Fatalf("second prune: %d, %v; want nothing left to prune", n, err)
	}
	if n, err := x.Prune(fixedTime.Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("pruning everything: %d, %v; want the 2 newer messages", n, err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return werr.From(err).Code
}

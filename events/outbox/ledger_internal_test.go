package outbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
)

// Ids go to a generation's young bucket and are merged into the generation
// every youngLimit of them: wherever an id is, it is seen (a re-emit stores
// nothing), and pruning counts and drops both buckets.
func TestLedgerMergesYoungIdsAndPrunesBoth(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	ob := openInternal(t, WithEmittedHorizon(time.Hour))
	ob.now = clock.now
	total := 2*youngLimit + 5
	batch := make([]events.Event, total)
	for i := range batch {
		batch[i] = connectedEvent(t, "default", fmt.Sprintf("k%05d", i))
	}
	ctx := context.Background()
	for start := 0; start < total; start += 300 {
		if err := ob.EmitAll(ctx, batch[start:min(start+300, total)]); err != nil {
			t.Fatal(err)
		}
	}
	var gens, young int
	_ = ob.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketEmitted)).ForEachBucket(func(k []byte) error {
			n := tx.Bucket([]byte(bucketEmitted)).Bucket(k).Stats().KeyN
			if len(k) == 9 && k[8] == youngSuffix {
				young += n
			} else {
				gens += n
			}
			return nil
		})
	})
	if gens != 2*youngLimit || young != 5 {
		t.Fatalf("generation holds %d ids and its young bucket %d, want %d and 5", gens, young, 2*youngLimit)
	}
	if err := ob.EmitAll(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != total {
		t.Fatalf("outbox holds %d entries after re-emitting all, want %d", n, total)
	}
	clock.advance(time.Hour + ob.emitted.period())
	if n, err := ob.PruneEmitted(clock.now()); err != nil || n != total {
		t.Fatalf("PruneEmitted after the horizon = %d, %v; want %d", n, err, total)
	}
	if err := ob.EmitAll(ctx, batch[:1]); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != total+1 {
		t.Fatalf("outbox holds %d entries, want %d (a forgotten id taken again)", n, total+1)
	}
}

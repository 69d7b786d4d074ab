package webhooks

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// Two nodes trying to take the same free lease at the same moment: one
// wins, the other finds it held. Free as never written, and free as
// released (deleted: taking it is an update at the deletion's revision).
func TestLeaseRaceHasOneWinner(t *testing.T) {
	svc, _ := startedService(t)
	a, b := newLeases(svc, svc.leases.kv), newLeases(svc, svc.leases.kv)
	a.node, b.node = "node-a", "node-b"
	ctx := context.Background()
	for i := range 50 {
		id := fmt.Sprintf("race_%d", i)
		if i%2 == 1 { // released by a node before
			if _, err := svc.leases.kv.Create(ctx, id, svc.leases.value(time.Now())); err != nil {
				t.Fatal(err)
			}
			if err := svc.leases.kv.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		ka, kb := newKeeper(a, id), newKeeper(b, id)
		start := make(chan struct{})
		var wg sync.WaitGroup
		won := make([]bool, 2)
		for j, k := range []*keeper{ka, kb} {
			wg.Go(func() { <-start; won[j] = k.acquire() })
		}
		close(start)
		wg.Wait()
		if won[0] == won[1] {
			t.Fatalf("round %d: node-a won %v, node-b won %v; want exactly one", i, won[0], won[1])
		}
		winner := map[bool]string{true: "node-a", false: "node-b"}[won[0]]
		if h, err := svc.leases.holder(ctx, id); err != nil || h != winner {
			t.Fatalf("round %d: holder %q (%v), want %s", i, h, err, winner)
		}
		ka.cancel()
		kb.cancel()
	}
}

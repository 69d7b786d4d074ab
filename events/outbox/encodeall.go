package outbox

import (
	"runtime"
	"sync"
	"time"

	"github.com/wabridge/wabridge/events"
)

// minParallelBatch is the smallest batch encoded by several goroutines:
// below it, starting them costs more than it saves.
const minParallelBatch = 64

// encodeAll encodes every event of es, in parallel for a large batch (a
// history sync blob: JSON and CloudEvent encoding is most of EmitAll's
// time, the one commit after it is not). The entries keep es's order, and
// the error is that of the first event in es that fails, as if they had
// been encoded one after the other.
func (o *Outbox) encodeAll(es []events.Event, now time.Time) ([]entry, error) {
	entries := make([]entry, len(es))
	errs := make([]error, len(es))
	workers := min(runtime.GOMAXPROCS(0), len(es)/minParallelBatch)
	if workers <= 1 {
		for i, e := range es {
			if entries[i], errs[i] = o.encodeEvent(e, now); errs[i] != nil {
				return nil, errs[i]
			}
		}
		return entries, nil
	}
	// Contiguous chunks: each worker writes only its own indexes.
	chunk := (len(es) + workers - 1) / workers
	var wg sync.WaitGroup
	for start := 0; start < len(es); start += chunk {
		end := min(start+chunk, len(es))
		wg.Go(func() {
			for i := start; i < end; i++ {
				if entries[i], errs[i] = o.encodeEvent(es[i], now); errs[i] != nil {
					return // later events of this chunk cannot be the first failure
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return entries, nil
}

package commands_test

import (
	"context"
	"strconv"
	"testing"
)

// BenchmarkDispatchSendMessage measures the whole path of one new command:
// checks, schema validation, idempotency lookup, result event, and the one
// transaction that commits record and audit entry together.
// "fsync" is what production does (bbolt syncs each commit); "nosync"
// shows the cost of everything else.
func BenchmarkDispatchSendMessage(b *testing.B) {
	for _, sync := range []bool{true, false} {
		name := "fsync"
		if !sync {
			name = "nosync"
		}
		b.Run(name, func(b *testing.B) {
			r := newRig(b)
			r.db.NoSync = !sync
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				res := execute(r.d, ctx, "default", "send.message", command(b, "send.message", strconv.Itoa(i), okText))
				if res.Retryable || res.Replayed {
					b.Fatalf("unexpected result %+v", res)
				}
			}
		})
	}
}

// BenchmarkDispatchReplay measures answering a redelivered command.
func BenchmarkDispatchReplay(b *testing.B) {
	r := newRig(b)
	ctx := context.Background()
	cmd := command(b, "send.message", "again", okText)
	execute(r.d, ctx, "default", "send.message", cmd)
	b.ReportAllocs()
	for b.Loop() {
		if res := execute(r.d, ctx, "default", "send.message", cmd); !res.Replayed {
			b.Fatal("not replayed")
		}
	}
}

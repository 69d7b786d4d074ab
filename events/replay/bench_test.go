package replay_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/wabridge/wabridge/events/replay"
)

// BenchmarkReplay reads b.N stored events through a cursor (in-process
// server), decoding and re-encoding each.
func BenchmarkReplay(b *testing.B) {
	v := newEnv(b)
	r, err := replay.New(replay.Config{JS: v.js})
	if err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		v.publish(b, i)
	}
	b.ResetTimer()
	c, err := r.Replay(context.Background(), replay.Query{Session: session})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	n := 0
	for {
		ev, err := c.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n += len(ev.JSON)
	}
	b.SetBytes(int64(n / max(b.N, 1)))
}

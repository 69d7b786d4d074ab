package replay_test

import (
	"context"
	"testing"

	"github.com/wabridge/wabridge/events/replay"
)

// A client that goes away mid-replay or mid-tail must not leave its
// ordered consumer on the stream: the server would keep each for its
// inactivity threshold (minutes), and a client retrying in a loop piles
// them up.
func TestClosedCursorsLeaveNoConsumer(t *testing.T) {
	v := newEnv(t)
	fill(t, v, 30)
	ctx := context.Background()
	for i := range 10 {
		for _, open := range []func(context.Context, replay.Query) (*replay.Cursor, error){v.reader.Replay, v.reader.Tail} {
			c, err := open(ctx, replay.Query{Session: session, FromSeq: uint64(i + 1)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Next(ctx); err != nil {
				t.Fatal(err)
			}
			c.Close()
		}
	}
	stream, err := v.js.Stream(ctx, v.subj.EventsStream())
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := info.State.Consumers; n != 0 {
		t.Fatalf("%d consumers left on the stream after every cursor was closed", n)
	}
}

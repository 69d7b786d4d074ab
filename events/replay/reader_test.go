package replay_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events/replay"
)

func fill(t *testing.T, v *env, n int) []stored {
	t.Helper()
	out := make([]stored, n)
	for i := range n {
		out[i] = v.publish(t, i)
	}
	return out
}

func openReplay(t *testing.T, v *env, q replay.Query) []got {
	t.Helper()
	q.Session = session
	c, err := v.reader.Replay(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return drain(t, c)
}

func TestReplayAllInOrderBothModes(t *testing.T) {
	v := newEnv(t)
	want := fill(t, v, 30)
	all := openReplay(t, v, replay.Query{})
	if len(all) != len(want) {
		t.Fatalf("got %d events, want %d", len(all), len(want))
	}
	for i, g := range all {
		if g.ID != want[i].ID || g.Seq != uint64(i+1) {
			t.Fatalf("event %d: id %s seq %d, want %s seq %d", i, g.ID, g.Seq, want[i].ID, i+1)
		}
	}
}

func TestReplayByChatAndType(t *testing.T) {
	v := newEnv(t)
	all := fill(t, v, 40)
	chat := all[3].Chat
	var want []string
	for _, s := range all {
		if s.Chat == chat {
			want = append(want, s.ID)
		}
	}
	got := openReplay(t, v, replay.Query{Chats: []string{chat}, Types: []string{"io.wabridge.message.received", "message.received"}})
	if !slices.Equal(ids(got), want) {
		t.Fatalf("chat %s: got %v, want %v", chat, ids(got), want)
	}
	if got := openReplay(t, v, replay.Query{Types: []string{"io.wabridge.session.connected"}}); len(got) != 0 {
		t.Fatalf("no session.connected was stored, got %d events", len(got))
	}
}

func TestReplaySequenceAndTimeWindows(t *testing.T) {
	v := newEnv(t)
	fill(t, v, 25)
	all := openReplay(t, v, replay.Query{})
	bySeq := openReplay(t, v, replay.Query{FromSeq: 5, ToSeq: 9})
	if !slices.Equal(ids(bySeq), ids(all[4:9])) {
		t.Fatalf("from_seq 5 to_seq 9: got %v, want %v", ids(bySeq), ids(all[4:9]))
	}
	since, until := all[10].Stored, all[17].Stored
	var want []string
	for _, g := range all {
		if !g.Stored.Before(since) && !g.Stored.After(until) {
			want = append(want, g.ID)
		}
	}
	byTime := openReplay(t, v, replay.Query{Since: since, Until: until})
	if !slices.Equal(ids(byTime), want) {
		t.Fatalf("since %s until %s: got %v, want %v", since, until, ids(byTime), want)
	}
	both := openReplay(t, v, replay.Query{Since: since, FromSeq: 3, ToSeq: 15})
	var wantBoth []string
	for _, g := range all[2:15] {
		if !g.Stored.Before(since) {
			wantBoth = append(wantBoth, g.ID)
		}
	}
	if !slices.Equal(ids(both), wantBoth) {
		t.Fatalf("since and sequences: got %v, want %v", ids(both), wantBoth)
	}
	if got := openReplay(t, v, replay.Query{FromSeq: 26}); len(got) != 0 {
		t.Fatalf("from_seq past the end gave %d events", len(got))
	}
}

func TestReplayEndsAtTheLastSequenceOfItsStart(t *testing.T) {
	v := newEnv(t)
	fill(t, v, 5)
	c, err := v.reader.Replay(context.Background(), replay.Query{Session: session})
	if err != nil {
		t.Fatal(err)
	}
	for i := 5; i < 10; i++ {
		v.publish(t, i)
	}
	if got := drain(t, c); len(got) != 5 {
		t.Fatalf("a replay opened over 5 events gave %d", len(got))
	}
}

func TestReplayOfAnEmptyStreamEnds(t *testing.T) {
	v := newEnv(t)
	if got := openReplay(t, v, replay.Query{}); len(got) != 0 {
		t.Fatalf("got %d events", len(got))
	}
}

func TestTailFollowsNewEvents(t *testing.T) {
	v := newEnv(t)
	first := fill(t, v, 3)
	c, err := v.reader.Tail(context.Background(), replay.Query{Session: session, FromSeq: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	next := func() replay.Event {
		t.Helper()
		ev, err := c.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	if ev := next(); ev.Seq != 2 {
		t.Fatalf("first event seq %d, want 2", ev.Seq)
	}
	if ev := next(); ev.Seq != 3 {
		t.Fatalf("second event seq %d, want 3", ev.Seq)
	}
	// Waiting with a deadline that passes leaves the cursor usable.
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = c.Next(short)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the stored events: %v, want the deadline", err)
	}
	later := v.publish(t, 3)
	if ev := next(); ev.Seq != 4 {
		t.Fatalf("tailed event seq %d, want 4 (%s)", ev.Seq, later.ID)
	}
	_ = first
}

func TestTailEndsAtToSeq(t *testing.T) {
	v := newEnv(t)
	fill(t, v, 4)
	c, err := v.reader.Tail(context.Background(), replay.Query{Session: session, ToSeq: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, c); len(got) != 3 {
		t.Fatalf("tail to seq 3 gave %d events", len(got))
	}
}

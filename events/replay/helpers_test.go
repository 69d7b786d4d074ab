package replay_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/replay"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/natsbus/natstest"
)

const session = "default"

// env is an embedded JetStream (in-process, no listener) with the streams
// and a reader on them.
type env struct {
	js     jetstream.JetStream
	subj   natsbus.Subjects
	reader *replay.Reader
}

func newEnv(t testing.TB) *env {
	t.Helper()
	js := natstest.JetStream(t)
	r, err := replay.New(replay.Config{JS: js, Batch: 7})
	if err != nil {
		t.Fatal(err)
	}
	return &env{js: js, reader: r}
}

// stored is what the test published: the event's id, chat and type.
type stored struct {
	ID, Chat, Type string
}

// publish puts the i-th numbered sample on WA_EVENTS as the outbox does,
// odd ones in structured mode, and returns what it stored.
func (v *env) publish(t testing.TB, i int) stored {
	t.Helper()
	e := events.NumberedSample(session, i)
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	mode := cenats.Binary
	if i%2 == 1 {
		mode = cenats.Structured
	}
	msg, err := cenats.NewMsg(v.subj.Event(session, e.Subject, "message.received"), ce, mode)
	if err != nil {
		t.Fatal(err)
	}
	msg.Header.Set("Nats-Msg-Id", ce.ID())
	if _, err := v.js.PublishMsg(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	return stored{ID: ce.ID(), Chat: e.Subject, Type: ce.Type()}
}

// got is an event as replay handed it over, read back from its JSON.
type got struct {
	Seq     uint64
	Stored  time.Time
	ID      string `json:"id"`
	Chat    string `json:"subject"`
	Type    string `json:"type"`
	JSONSeq uint64 `json:"seq"`
}

// drain reads the cursor to its end.
func drain(t testing.TB, c *replay.Cursor) []got {
	t.Helper()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []got
	for {
		ev, err := c.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("after %d events: %v", len(out), err)
		}
		var g got
		if err := json.Unmarshal(ev.JSON, &g); err != nil {
			t.Fatalf("event %d is not JSON: %v\n%s", ev.Seq, err, ev.JSON)
		}
		ce, err := cenats.Decode(map[string][]string{"Content-Type": {cenats.ContentTypeStructured}}, ev.JSON)
		if err != nil {
			t.Fatalf("event %d is not a structured CloudEvent: %v\n%s", ev.Seq, err, ev.JSON)
		}
		if err := events.ValidateCloudEvent(ce); err != nil {
			t.Fatalf("event %d does not match its schema: %v", ev.Seq, err)
		}
		g.Seq, g.Stored = ev.Seq, ev.Stored
		if g.JSONSeq != ev.Seq || ev.Type != g.Type {
			t.Fatalf("event %d: seq %d and type %q in the JSON, %q handed over", ev.Seq, g.JSONSeq, g.Type, ev.Type)
		}
		out = append(out, g)
	}
}

func ids(gs []got) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.ID
	}
	return out
}

package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// command builds a command CloudEvent.
func command(t *testing.T, name, id string, data any) event.Event {
	t.Helper()
	e := event.New()
	e.SetID(id)
	e.SetSource("/e2e/test")
	e.SetType("io.wabridge.command." + name)
	if err := e.SetData("application/json", data); err != nil {
		t.Fatal(err)
	}
	return e
}

// request sends a command over core NATS request-reply and decodes the
// result, which must be the result of the subject's command.
func request(t *testing.T, nc *nats.Conn, subject string, e event.Event, mode cenats.Mode) (event.Event, envelope) {
	t.Helper()
	msg, err := cenats.NewMsg(subject, e, mode)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := nc.RequestMsg(msg, 30*time.Second)
	if err != nil {
		t.Fatalf("request %s: %v", subject, err)
	}
	res, env := decodeResult(t, reply)
	if want := resultTypeOfSubject(subject); res.Type() != want {
		t.Fatalf("reply on %s has type %s, want %s", subject, res.Type(), want)
	}
	return res, env
}

// decodeResult decodes a result CloudEvent and checks its envelope.
func decodeResult(t *testing.T, m *nats.Msg) (event.Event, envelope) {
	t.Helper()
	res, err := cenats.Decode(m.Header, m.Data)
	if err != nil {
		t.Fatalf("decoding result: %v (headers %v, data %s)", err, m.Header, m.Data)
	}
	if err := checkResult(res); err != nil {
		t.Fatalf("result %s: %v", res.Data(), err)
	}
	var env envelope
	mustJSON(t, res.Data(), &env)
	return res, env
}

// streamed is one message read from WA_EVENTS: its NATS subject and the
// CloudEvent it carries, checked against the contract (checkStreamed).
type streamed struct {
	subject string
	ce      event.Event
}

// streamEvents reads every message of WA_EVENTS on filter that arrives until
// want are read or the deadline passes. Each is decoded and checked: an
// event against its schema and subject, a result against the envelope.
func streamEvents(t *testing.T, nc *nats.Conn, filter string, want int, within time.Duration) []streamed {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "WA_EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
	if err != nil {
		t.Fatalf("ordered consumer on %s: %v", filter, err)
	}
	var out []streamed
	for len(out) < want && ctx.Err() == nil {
		batch, err := cons.Fetch(want-len(out), jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			continue
		}
		for m := range batch.Messages() {
			ce, err := cenats.Decode(m.Headers(), m.Data())
			if err != nil {
				t.Fatalf("decoding %s: %v (headers %v, data %s)", m.Subject(), err, m.Headers(), m.Data())
			}
			if err := checkStreamed(m.Subject(), m.Headers(), ce); err != nil {
				t.Fatalf("on %s: %v", m.Subject(), err)
			}
			out = append(out, streamed{subject: m.Subject(), ce: ce})
		}
	}
	return out
}

// streamCount is how many messages WA_EVENTS holds on filter right now.
func streamCount(t *testing.T, nc *nats.Conn, filter string) uint64 {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "WA_EVENTS")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(filter))
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range info.State.Subjects {
		n += c
	}
	return n
}

// waitResult waits for the result of the command with id on filter, which
// may hold the results of other commands too.
func waitResult(t *testing.T, nc *nats.Conn, filter, id string, within time.Duration) (event.Event, bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		n := int(streamCount(t, nc, filter))
		for _, r := range streamEvents(t, nc, filter, n, time.Until(deadline)) {
			if r.ce.Extensions()["causationid"] == id {
				return r.ce, true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return event.Event{}, false
}

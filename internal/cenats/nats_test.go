package cenats_test

import (
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

func startNATS(t *testing.T) *nats.Conn {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatalf("starting nats-server: %v", err)
	}
	s.Start()
	t.Cleanup(s.Shutdown)
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// Over a real connection headers go through the NATS wire format (textproto
// parsing, whitespace trimming): percent-encoded values must survive it.
func TestOverNATS(t *testing.T) {
	nc := startNATS(t)
	sub, err := nc.SubscribeSync("wa.default.evt.>")
	if err != nil {
		t.Fatal(err)
	}
	want := newEvent(t,
		func(e *event.Event) {
			// Set directly: SetSubject would trim the spaces under test.
			s := " leading and trailing spaces are data\u00a0"
			e.Context.(*event.EventContextV1).Subject = &s
		},
		withExt("correlationid", "line1\u2028line2 \"q\" 100%"),
		withJSON(map[string]string{"text": "hello"}),
	)
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			msg, err := cenats.NewMsg("wa.default.evt.message.received", want, mode)
			if err != nil {
				t.Fatal(err)
			}
			if err := nc.PublishMsg(msg); err != nil {
				t.Fatal(err)
			}
			got, err := sub.NextMsg(10 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			e, err := cenats.Decode(got.Header, got.Data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			sameEvent(t, want, e)
		})
	}
}

package outbox_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
)

// refusingJetStream refuses every publish on the subjects of one session,
// as a NATS permission error would, until healed; it reports when the
// others have stored `want` messages.
type refusingJetStream struct {
	jetstream.JetStream
	prefix string // subjects refused while refusing

	mu       sync.Mutex
	refusing bool
	others   int
	want     int
	reached  chan struct{}
}

func (r *refusingJetStream) PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	r.mu.Lock()
	refuse := r.refusing && strings.HasPrefix(msg.Subject, r.prefix)
	r.mu.Unlock()
	if refuse {
		return nil, errors.New("nats: permissions violation for publish to " + msg.Subject)
	}
	ack, err := r.JetStream.PublishMsg(ctx, msg, opts...)
	if err == nil && !strings.HasPrefix(msg.Subject, r.prefix) {
		r.mu.Lock()
		if r.others++; r.others == r.want {
			close(r.reached)
		}
		r.mu.Unlock()
	}
	return ack, err
}

func (r *refusingJetStream) heal() {
	r.mu.Lock()
	r.refusing = false
	r.mu.Unlock()
}

// One session whose publishes fail holds back only itself: the other
// session's events reach the stream, in order, meanwhile; once healed, the
// stuck session's events follow in their order.
func TestStuckSessionDoesNotStallOthers(t *testing.T) {
	s := startNATS(t, t.TempDir(), "")
	const each = 20
	js := &refusingJetStream{JetStream: connectJS(t, s), prefix: "wa.stuck.", refusing: true, want: each, reached: make(chan struct{})}
	_, ob := openOutbox(t, t.TempDir())
	ctx := context.Background()
	want := map[string][]string{}
	for i := range each {
		for _, session := range []string{"stuck", "fine"} { // stuck's first entry is ahead of all of fine's
			e := sampleEvent(session, i)
			if err := ob.Emit(ctx, e); err != nil {
				t.Fatal(err)
			}
			want[session] = append(want[session], events.EventID(e.Session, e.Type, e.Key))
		}
	}
	p := newPublisher(ob, js, outbox.PublisherConfig{RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, Window: 1}) // the fake counts PublishMsg
	runPublisher(t, p)

	select {
	case <-js.reached:
	case <-time.After(30 * time.Second):
		t.Fatal("the healthy session's events did not reach the stream while another session's publishes failed")
	}
	if got := idsBySession(t, streamMsgs(t, js)); !slices.Equal(got["fine"], want["fine"]) || len(got["stuck"]) != 0 {
		t.Fatalf("stream holds %v, want only fine's %v", got, want["fine"])
	}
	backlog, err := ob.Backlogs()
	if err != nil {
		t.Fatal(err)
	}
	if b := backlog["stuck"]; b.Entries != each {
		t.Fatalf("backlog of the stuck session %+v, want %d entries", b, each)
	}

	js.heal()
	flush(t, p)
	if got := idsBySession(t, streamMsgs(t, js)); !maps.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("stream holds %v, want %v (per session, in order)", got, want)
	}
}

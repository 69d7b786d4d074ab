package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// storedEvent is an event of WA_EVENTS as the stream itself holds it.
type storedEvent struct {
	seq     uint64
	at      time.Time
	id      string
	subject string
}

// storedOf reads every event on filter straight from the stream (not
// through wabridge), once n of them are there.
func storedOf(t *testing.T, nc *nats.Conn, filter string, n int) []storedEvent {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "WA_EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
	if err != nil {
		t.Fatal(err)
	}
	var out []storedEvent
	for len(out) < n && ctx.Err() == nil {
		batch, err := cons.Fetch(n-len(out), jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			continue
		}
		for m := range batch.Messages() {
			meta, err := m.Metadata()
			if err != nil {
				t.Fatal(err)
			}
			ce, err := cenats.Decode(m.Headers(), m.Data())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, storedEvent{seq: meta.Sequence.Stream, at: meta.Timestamp, id: ce.ID(), subject: m.Subject()})
		}
	}
	if len(out) < n {
		t.Fatalf("%s: %d events in the stream, want %d", filter, len(out), n)
	}
	return out
}

// replayed is an event as GET /events or /events/stream handed it over.
type replayed struct {
	Seq     uint64 `json:"seq"`
	ID      string `json:"id"`
	Type    string `json:"type"`
	Subject string `json:"subject"`
	Session string `json:"wasession"`
}

func getNDJSON(t *testing.T, b *bridgeProc, query url.Values) []replayed {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.httpURL+"/events?"+query.Encode(), nil)
	req.Header.Set("X-Session", b.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("GET /events?%s: %d %s", query.Encode(), resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var out []replayed
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var r replayed
		mustJSON(t, sc.Bytes(), &r)
		ce, err := cenats.Decode(nats.Header{"Content-Type": {cenats.ContentTypeStructured}}, sc.Bytes())
		if err != nil || ce.ID() != r.ID {
			t.Fatalf("line is not a structured CloudEvent: %v: %s", err, sc.Bytes())
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func inboundFrom(t *testing.T, b *bridgeProc, phone string, n int) {
	t.Helper()
	for i := range n {
		status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": phone, "message": fmt.Sprintf("audit %s %d", phone, i)}, nil)
		if status != http.StatusOK {
			t.Fatalf("inbound: %d %s %s", status, env.Code, env.Message)
		}
	}
}

func TestReplayWindowOfOneChatComesBackExactly(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "replay")
	b.login(b.session)
	nc := b.nats()
	phones := []string{"4917620000001", "4917620000002", "4917620000003"}
	for range 4 {
		for _, p := range phones {
			inboundFrom(t, b, p, 1)
		}
	}
	all := storedOf(t, nc, "wa.replay.evt.*.message.received", 12)
	chatA := "wa.replay.evt." + phones[0] + "@s_whatsapp_net.message.received"
	since, until := all[2].at, all[10].at // a window cutting into the conversation
	var want []string
	for _, e := range all {
		if e.subject == chatA && !e.at.Before(since) && !e.at.After(until) {
			want = append(want, e.id)
		}
	}
	if len(want) < 2 {
		t.Fatalf("window holds %d events of the chat; the test needs at least 2", len(want))
	}
	got := getNDJSON(t, b, url.Values{"since": {since.Format(time.RFC3339Nano)}, "until": {until.Format(time.RFC3339Nano)},
		"chat": {phones[0] + "@s.whatsapp.net"}, "type": {"io.wabridge.message.received"}})
	var gotIDs []string
	for _, r := range got {
		if r.Session != "replay" || r.Subject != phones[0]+"@s.whatsapp.net" {
			t.Fatalf("event of another session or chat: %+v", r)
		}
		gotIDs = append(gotIDs, r.ID)
	}
	if !slices.Equal(gotIDs, want) {
		t.Fatalf("window of chat A: got %v, want %v", gotIDs, want)
	}
	// The same by sequence numbers: the stream's own positions.
	bySeq := getNDJSON(t, b, url.Values{"from_seq": {strconv.FormatUint(all[3].seq, 10)}, "to_seq": {strconv.FormatUint(all[8].seq, 10)},
		"type": {"message.received"}})
	var wantSeq []string
	for _, e := range all[3:9] {
		wantSeq = append(wantSeq, e.id)
	}
	var gotSeq []string
	for _, r := range bySeq {
		gotSeq = append(gotSeq, r.ID)
	}
	if !slices.Equal(gotSeq, wantSeq) {
		t.Fatalf("from_seq/to_seq: got %v, want %v", gotSeq, wantSeq)
	}
	status, env := b.do("GET", "/events?type=io.wabridge.nope&chat=not%20a%20jid", nil, nil)
	if status != http.StatusBadRequest || env.Code != "INVALID_PAYLOAD" || !strings.Contains(env.Message, "io.wabridge.nope") {
		t.Fatalf("malformed filter: %d %s %s", status, env.Code, env.Message)
	}
}

// sse reads one event stream.
type sse struct {
	t      *testing.T
	sc     *bufio.Scanner
	cancel context.CancelFunc
}

func openEventStream(t *testing.T, b *bridgeProc, query, lastEventID string) *sse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.httpURL+"/events/stream?"+query, nil)
	req.Header.Set("X-Session", b.session)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("GET /events/stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sse{t: t, sc: bufio.NewScanner(resp.Body), cancel: cancel}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return s
}

// next is the next event (comments skipped): its id: and the data.
func (s *sse) next() (string, replayed) {
	s.t.Helper()
	var id, typ string
	var data replayed
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "" && id != "":
			if typ != data.Type || id != strconv.FormatUint(data.Seq, 10) {
				s.t.Fatalf("frame id %s event %s, data seq %d type %s", id, typ, data.Seq, data.Type)
			}
			return id, data
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			typ = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &data); err != nil {
				s.t.Fatal(err)
			}
		}
	}
	s.t.Fatalf("event stream ended: %v", s.sc.Err())
	return "", replayed{}
}

func TestEventStreamResumesAfterLastEventID(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "tail")
	b.login(b.session)
	nc := b.nats()
	const phone = "4917620000009"
	inboundFrom(t, b, phone, 4)
	stored := storedOf(t, nc, "wa.tail.evt.*.message.received", 4)
	query := "type=message.received&chat=" + phone

	// Resume after the second: the third and fourth, then what arrives live.
	s := openEventStream(t, b, query, strconv.FormatUint(stored[1].seq, 10))
	for _, want := range stored[2:] {
		if id, ev := s.next(); ev.ID != want.id || id != strconv.FormatUint(want.seq, 10) {
			t.Fatalf("resumed stream gave %s (%s), want %d (%s)", id, ev.ID, want.seq, want.id)
		}
	}
	inboundFrom(t, b, phone, 1)
	lastID, live := s.next()
	if live.Seq <= stored[3].seq || live.Subject != phone+"@s.whatsapp.net" {
		t.Fatalf("live event %+v after %d", live, stored[3].seq)
	}
	s.cancel()

	// Reconnecting with the last id seen misses nothing and repeats nothing.
	inboundFrom(t, b, phone, 2)
	after := storedOf(t, nc, "wa.tail.evt.*.message.received", 7)
	s2 := openEventStream(t, b, query, lastID)
	for _, want := range after[5:] {
		if _, ev := s2.next(); ev.ID != want.id {
			t.Fatalf("after reconnecting: %s, want %s", ev.ID, want.id)
		}
	}
}

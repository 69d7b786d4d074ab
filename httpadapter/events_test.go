package httpadapter_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/werr"
)

// memLog is an EventLog over a list: Replay gives the stored events from
// the query's FromSeq, Tail the same and then what is sent on more.
type memLog struct {
	stored []httpadapter.StoredEvent
	more   chan httpadapter.StoredEvent

	mu      sync.Mutex
	queries []httpadapter.EventQuery
	closed  chan struct{}
}

func newMemLog(n int) *memLog {
	l := &memLog{more: make(chan httpadapter.StoredEvent), closed: make(chan struct{}, 16)}
	for i := 1; i <= n; i++ {
		l.stored = append(l.stored, memEvent(uint64(i)))
	}
	return l
}

func memEvent(seq uint64) httpadapter.StoredEvent {
	return httpadapter.StoredEvent{Seq: seq, Type: "io.wabridge.message.received",
		JSON: fmt.Appendf(nil, `{"seq":%d,"id":"e%d","type":"io.wabridge.message.received"}`, seq, seq)}
}

func (l *memLog) Replay(_ context.Context, q httpadapter.EventQuery) (httpadapter.EventCursor, error) {
	return l.open(q, false)
}

func (l *memLog) Tail(_ context.Context, q httpadapter.EventQuery) (httpadapter.EventCursor, error) {
	return l.open(q, true)
}

func (l *memLog) open(q httpadapter.EventQuery, follow bool) (httpadapter.EventCursor, error) {
	l.mu.Lock()
	l.queries = append(l.queries, q)
	l.mu.Unlock()
	if len(q.Types) > 0 && q.Types[0] == "bogus" {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "invalid event filter: type %q is not an event type of the catalog", q.Types[0])
	}
	c := &memCursor{log: l, follow: follow}
	for _, ev := range l.stored {
		if ev.Seq >= q.FromSeq {
			c.left = append(c.left, ev)
		}
	}
	return c, nil
}

func (l *memLog) lastQuery() httpadapter.EventQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.queries[len(l.queries)-1]
}

type memCursor struct {
	log    *memLog
	follow bool
	left   []httpadapter.StoredEvent
}

func (c *memCursor) Next(ctx context.Context) (httpadapter.StoredEvent, error) {
	if len(c.left) > 0 {
		ev := c.left[0]
		c.left = c.left[1:]
		return ev, nil
	}
	if !c.follow {
		return httpadapter.StoredEvent{}, io.EOF
	}
	select {
	case ev := <-c.log.more:
		return ev, nil
	case <-ctx.Done():
		return httpadapter.StoredEvent{}, ctx.Err()
	}
}

func (c *memCursor) Close() { c.log.closed <- struct{}{} }

func eventsServer(t *testing.T, l *memLog) string {
	t.Helper()
	srv := newServer(t, memBus{t}, func(c *httpadapter.Config) {
		c.Events, c.EventsKeepAlive = l, 20*time.Millisecond
	})
	return srv.URL
}

func TestEventsNDJSON(t *testing.T) {
	l := newMemLog(3000) // more than one flush chunk
	url := eventsServer(t, l)
	req, _ := http.NewRequest(http.MethodGet, url+"/events?since=2026-12-01T10:00:00Z&until=2026-12-01T11:00:00.5Z&from_seq=1&to_seq=5000&type=message.received,io.wabridge.poll.vote&type=chat.updated&chat=4917612345678&chat=1203@g.us", nil)
	req.Header.Set("X-Session", "sales")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	n := 0
	for sc.Scan() {
		if want := string(memEvent(uint64(n + 1)).JSON); sc.Text() != want {
			t.Fatalf("line %d: %s, want %s", n, sc.Text(), want)
		}
		n++
	}
	if n != 3000 {
		t.Fatalf("got %d lines, want 3000", n)
	}
	q := l.lastQuery()
	want := httpadapter.EventQuery{Session: "sales",
		Since: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Until: time.Date(2026, 12, 1, 11, 0, 0, 5e8, time.UTC),
		FromSeq: 1, ToSeq: 5000,
		Types: []string{"message.received", "io.wabridge.poll.vote", "chat.updated"},
		Chats: []string{"4917612345678", "1203@g.us"}}
	if fmt.Sprint(q) != fmt.Sprint(want) || !q.Since.Equal(want.Since) || !q.Until.Equal(want.Until) {
		t.Fatalf("query %+v, want %+v", q, want)
	}
}

func TestEventsRefuseMalformedFilters(t *testing.T) {
	url := eventsServer(t, newMemLog(1))
	srv := &struct{ URL string }{url}
	for path, mention := range map[string]string{
		"/events?since=yesterday":          "since must be an RFC 3339 time",
		"/events?from_seq=-1&to_seq=x":     "from_seq must be a stream sequence",
		"/events?type=bogus":               "not an event type",
		"/events/stream?last_event_id=abc": "Last-Event-ID",
		"/events?session=Not%20Valid":      "session must match",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(body), mention) {
			t.Errorf("%s: %d %s, want 400 mentioning %q", path, resp.StatusCode, body, mention)
		}
	}
}

// sseReader reads frames (blank-line separated) of an event stream.
type sseReader struct {
	t  *testing.T
	sc *bufio.Scanner
}

func (r sseReader) frame() string {
	r.t.Helper()
	var lines []string
	for r.sc.Scan() {
		if r.sc.Text() == "" {
			return strings.Join(lines, "\n")
		}
		lines = append(lines, r.sc.Text())
	}
	r.t.Fatalf("stream ended: %v", r.sc.Err())
	return ""
}

func openSSE(t *testing.T, ctx context.Context, url string, header map[string]string) (*http.Response, sseReader) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp, sseReader{t: t, sc: bufio.NewScanner(resp.Body)}
}

func TestEventsStreamResumesKeepsAliveAndTails(t *testing.T) {
	l := newMemLog(5)
	url := eventsServer(t, l)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, r := openSSE(t, ctx, url+"/events/stream?type=message.received", map[string]string{"Last-Event-ID": "3"})
	if f := r.frame(); !strings.HasPrefix(f, ":") {
		t.Fatalf("first frame %q, want the opening comment", f)
	}
	if q := l.lastQuery(); q.FromSeq != 4 || len(q.Types) != 1 {
		t.Fatalf("query %+v, want from_seq 4 and the type", q)
	}
	for _, seq := range []uint64{4, 5} {
		ev := memEvent(seq)
		want := fmt.Sprintf("id: %d\nevent: %s\ndata: %s", seq, ev.Type, ev.JSON)
		if f := r.frame(); f != want {
			t.Fatalf("frame %q, want %q", f, want)
		}
	}
	if f := r.frame(); f != ": keep-alive" {
		t.Fatalf("idle stream sent %q, want a keep-alive comment", f)
	}
	l.more <- memEvent(6)
	for {
		f := r.frame()
		if f == ": keep-alive" {
			continue
		}
		if !strings.HasPrefix(f, "id: 6\n") {
			t.Fatalf("tailed frame %q, want id 6", f)
		}
		break
	}
}

func TestEventsStreamLastEventIDQuery(t *testing.T) {
	l := newMemLog(2)
	url := eventsServer(t, l)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, r := openSSE(t, ctx, url+"/events/stream?last_event_id=1", nil)
	r.frame()
	if f := r.frame(); !strings.HasPrefix(f, "id: 2\n") {
		t.Fatalf("frame %q, want id 2", f)
	}
}

func TestEventsStreamStopsWhenTheClientGoes(t *testing.T) {
	l := newMemLog(0)
	url := eventsServer(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	_, r := openSSE(t, ctx, url+"/events/stream", nil)
	r.frame()
	cancel()
	select {
	case <-l.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the cursor was not closed after the client went away")
	}
}

func TestEventsNotServedWithoutALog(t *testing.T) {
	srv := newServer(t, memBus{t}, nil)
	resp, _ := call(t, srv, http.MethodGet, "/events", "", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404", resp.StatusCode)
	}
}

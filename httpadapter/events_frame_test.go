package httpadapter_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/httpadapter"
)

// A type with a line break (another publisher's structured event) must not
// add lines to the frame: "id: 99" would move the client's resume point.
func TestEventsStreamFrameKeepsItsFields(t *testing.T) {
	l := newMemLog(0)
	l.stored = []httpadapter.StoredEvent{{Seq: 1, Type: "x\nid: 99\r\nretry: 1", JSON: []byte(`{"seq":1,"type":"x\nid: 99"}`)}}
	url := eventsServer(t, l)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, r := openSSE(t, ctx, url+"/events/stream", nil)
	r.frame()
	f := r.frame()
	var fields []string
	for _, line := range strings.FieldsFunc(f, func(c rune) bool { return c == '\n' || c == '\r' }) {
		name, _, _ := strings.Cut(line, ":")
		fields = append(fields, name)
	}
	if strings.Join(fields, ",") != "id,data" || !strings.HasPrefix(f, "id: 1\n") {
		t.Fatalf("frame %q: fields %v, want id 1 and the data only", f, fields)
	}
	l.more <- httpadapter.StoredEvent{Seq: 2, Type: "t", JSON: []byte("{\"a\":1,\r\n\"b\":\r2}")}
	for f = r.frame(); f == ": keep-alive"; f = r.frame() {
	}
	if want := "id: 2\nevent: t\ndata: {\"a\":1,\ndata: \"b\":\ndata: 2}"; f != want {
		t.Fatalf("JSON over lines: frame %q, want %q", f, want)
	}
}

// The largest sequence has nothing after it: resuming after it must not
// wrap around to the start of the stream.
func TestEventsStreamLastEventIDAtTheTopIsRefused(t *testing.T) {
	l := newMemLog(3)
	url := eventsServer(t, l)
	req, _ := http.NewRequest(http.MethodGet, url+"/events/stream", nil)
	req.Header.Set("Last-Event-ID", "18446744073709551615")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d %q, want 400 (it resumed from sequence %d)", resp.StatusCode, body, l.lastQuery().FromSeq)
	}
}

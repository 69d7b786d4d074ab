package e2e_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/tracing/tracingtest"
)

// TestTraceFromRESTToTheWhatsAppSend: a REST send carrying a traceparent
// comes back with one in the same trace, and the process exports, when it
// stops, one trace of the REST request, the command (across the NATS hop)
// and the send to WhatsApp, each the child of the one before; the send's
// log line names the trace (CONTRACT §11). Commands over NATS, rpc in
// structured mode and durable in binary mode, continue the traceparent
// extension the same way, and their results carry it. Not parallel: the collector's
// address reaches the process through the environment.
func TestTraceFromRESTToTheWhatsAppSend(t *testing.T) {
	col := &tracingtest.Collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	t.Setenv("OTEL_SERVICE_NAME", "wabridge-e2e")
	// Nothing is exported before the stop: its flush must carry it all.
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "3600000")
	b := startBridge(t, bridgeOpts{extra: []string{"--sessions", "tracing"}})
	b.session = "tracing"
	b.login(b.session)

	const caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, err := http.NewRequest(http.MethodPost, b.httpURL+"/send/message", strings.NewReader(`{"phone":"4917612345678","message":"traced"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Session", b.session)
	req.Header.Set("traceparent", caller)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("send: %d", resp.StatusCode)
	}
	answered := strings.Split(resp.Header.Get("traceparent"), "-")
	if len(answered) != 4 || answered[1] != trace {
		t.Fatalf("response traceparent %q, want one in trace %s", resp.Header.Get("traceparent"), trace)
	}
	rpcTrace, durableTrace := natsTraced(t, b)
	if err := b.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	// Over NATS the command span continues the CloudEvent's traceparent.
	for name, tr := range map[string]string{"rpc": rpcTrace, "durable": durableTrace} {
		cmd, ok := col.Find(tr, "command send.message")
		send, sent := col.Find(tr, "whatsapp.send")
		if !ok || cmd.ParentID != "00f067aa0ba902b7" || !sent || send.ParentID != cmd.SpanID {
			t.Errorf("%s command span %+v (found %v), send %+v (found %v)", name, cmd, ok, send, sent)
		}
	}

	for _, path := range col.Paths() {
		if path != "/v1/traces" {
			t.Fatalf("an export was posted to %s, want /v1/traces", path)
		}
	}
	rest, ok := col.Find(trace, "POST /send/message")
	if !ok || rest.ParentID != "00f067aa0ba902b7" || rest.SpanID != answered[2] || rest.Service != "wabridge-e2e" {
		t.Fatalf("REST span %+v (found %v): want the caller's child, named in the response, of service wabridge-e2e", rest, ok)
	}
	cmd, ok := col.Find(trace, "command send.message")
	if !ok || cmd.ParentID != rest.SpanID {
		t.Fatalf("command span %+v (found %v), want the child of the REST span %s", cmd, ok, rest.SpanID)
	}
	send, ok := col.Find(trace, "whatsapp.send")
	if !ok || send.ParentID != cmd.SpanID {
		t.Fatalf("send span %+v (found %v), want the child of the command span %s", send, ok, cmd.SpanID)
	}
	for _, line := range strings.Split(b.out.String(), "\n") {
		if strings.Contains(line, "whatsapp send done") {
			if !strings.Contains(line, "trace_id="+trace) || !strings.Contains(line, "span_id="+send.SpanID) {
				t.Fatalf("send log line %q lacks the send span's ids", line)
			}
			return
		}
	}
	t.Fatal("no log line of the send")
}

// natsTraced sends a send.message with a traceparent over rpc in
// structured mode and over the durable stream in binary mode, and checks
// that each result (the rpc reply, the audited copy on the result subject)
// is in the command's trace. It returns the two traces.
func natsTraced(t *testing.T, b *bridgeProc) (rpcTrace, durableTrace string) {
	t.Helper()
	rpcTrace, durableTrace = "11111111111111111111111111111111", "22222222222222222222222222222222"
	nc := b.nats()
	data := map[string]string{"phone": "4917612345678", "message": "traced over nats"}
	cmd := command(t, "send.message", "trace-rpc", data)
	cmd.SetExtension("traceparent", "00-"+rpcTrace+"-00f067aa0ba902b7-01")
	res, env := request(t, nc, "wa.tracing.rpc.send.message", cmd, cenats.Structured)
	if env.Status != http.StatusOK || !strings.Contains(fmt.Sprint(res.Extensions()["traceparent"]), rpcTrace) {
		t.Fatalf("rpc result %d, traceparent %v: want one in trace %s", env.Status, res.Extensions()["traceparent"], rpcTrace)
	}
	cmd = command(t, "send.message", "trace-durable", data)
	cmd.SetExtension("traceparent", "00-"+durableTrace+"-00f067aa0ba902b7-01")
	msg, err := cenats.NewMsg("wa.tracing.cmd.send.message", cmd, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(t.Context(), msg); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, r := range streamEvents(t, nc, "wa.tracing.result.send.message", 3, 30*time.Second) {
		tp := fmt.Sprint(r.ce.Extensions()["traceparent"])
		for _, tr := range []string{rpcTrace, durableTrace} {
			found[tr] = found[tr] || strings.Contains(tp, tr)
		}
	}
	if !found[rpcTrace] || !found[durableTrace] {
		t.Fatalf("audited results in traces %v, want both %s and %s", found, rpcTrace, durableTrace)
	}
	return rpcTrace, durableTrace
}

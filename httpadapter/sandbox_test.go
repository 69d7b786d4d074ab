package httpadapter_test

import (
	"time"

	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/werr"
)

// fakeSandbox records what the adapter hands it.
type fakeSandbox struct {
	mu      sync.Mutex
	scans   []string // session/phone
	inbound []httpadapter.SandboxInbound
}

var _ httpadapter.Sandbox = (*fakeSandbox)(nil)

func (f *fakeSandbox) Scan(_ context.Context, session string, req httpadapter.SandboxScan) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	phone := req.Phone
	f.scans = append(f.scans, session+"/"+phone)
	if phone == "" {
		phone = "4900000000"
	}
	return phone + "@s.whatsapp.net", nil
}

func (f *fakeSandbox) Inbound(_ context.Context, session string, in httpadapter.SandboxInbound) (string, error) {
	switch in.From {
	case "":
		return "", werr.Invalid(werr.CodeInvalidRecipient, "from is required")
	case "crash":
		return "", errors.New("scenario broken")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inbound = append(f.inbound, in)
	return "false_" + in.From + "@s.whatsapp.net_" + session, nil
}

func (f *fakeSandbox) Advance(d time.Duration) (time.Time, error) {
	return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(d), nil
}

func (f *fakeSandbox) Outbox() any {
	return []map[string]string{{"to": "4917612345678@s.whatsapp.net", "type": "text", "message": "hi"}}
}

func TestSandboxRoutes(t *testing.T) {
	nc := startNATS(t)
	sb := &fakeSandbox{}
	srv := newServer(t, nc, func(c *httpadapter.Config) { c.Sandbox = sb })

	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		session    string
		wantStatus int
		wantCode   string
		wantData   any
	}{
		{name: "scan without body", method: "POST", path: "/sandbox/scan", session: "s1", wantStatus: 200,
			wantData: map[string]any{"jid": "4900000000@s.whatsapp.net"}},
		{name: "scan with phone", method: "POST", path: "/sandbox/scan", body: `{"phone":"4917600000001"}`, wantStatus: 200,
			wantData: map[string]any{"jid": "4917600000001@s.whatsapp.net"}},
		{name: "scan bad session", method: "POST", path: "/sandbox/scan", session: "NO", wantStatus: 400, wantCode: "INVALID_SESSION"},
		{name: "inbound text", method: "POST", path: "/sandbox/inbound", session: "s1",
			body: `{"from":"4917612345678","message":"hello","push_name":"Ann","reply_message_id":"r1"}`, wantStatus: 200,
			wantData: map[string]any{"message_id": "false_4917612345678@s.whatsapp.net_s1"}},
		{name: "inbound other kind keeps its fields", method: "POST", path: "/sandbox/inbound",
			body: `{"from":"4917600000002","type":"location","latitude":52.5,"longitude":13.4}`, wantStatus: 200,
			wantData: map[string]any{"message_id": "false_4917600000002@s.whatsapp.net_default"}},
		{name: "inbound werr", method: "POST", path: "/sandbox/inbound", body: `{}`, wantStatus: 400, wantCode: "INVALID_RECIPIENT"},
		{name: "inbound plain error", method: "POST", path: "/sandbox/inbound", body: `{"from":"crash"}`, wantStatus: 400, wantCode: "SANDBOX_ERROR"},
		{name: "inbound wrong type", method: "POST", path: "/sandbox/inbound", body: `{"from":1}`, wantStatus: 400, wantCode: "INVALID_PAYLOAD"},
		{name: "clock advances", method: "POST", path: "/sandbox/clock", body: `{"advance":"16m"}`, wantStatus: 200,
			wantData: map[string]any{"now": "2025-01-01T00:16:00Z"}},
		{name: "clock needs a duration", method: "POST", path: "/sandbox/clock", body: `{"advance":"soon"}`, wantStatus: 400, wantCode: "INVALID_PAYLOAD"},
		{name: "clock never goes back", method: "POST", path: "/sandbox/clock", body: `{"advance":"-1m"}`, wantStatus: 400, wantCode: "INVALID_PAYLOAD"},
		{name: "outbox", method: "GET", path: "/sandbox/outbox", wantStatus: 200,
			wantData: []any{map[string]any{"to": "4917612345678@s.whatsapp.net", "type": "text", "message": "hi"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.session != "" {
				h["X-Session"] = tt.session
			}
			resp, env := call(t, srv, tt.method, tt.path, tt.body, h)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tt.wantStatus, env)
			}
			if tt.wantCode != "" && env["code"] != tt.wantCode {
				t.Errorf("code %v, want %s", env["code"], tt.wantCode)
			}
			if tt.wantData != nil && !equalJSON(env["data"], tt.wantData) {
				t.Errorf("data %v, want %v", env["data"], tt.wantData)
			}
		})
	}

	sb.mu.Lock()
	defer sb.mu.Unlock()
	if !equalJSON(sb.scans, []string{"s1/", "default/4917600000001"}) {
		t.Errorf("scans %v", sb.scans)
	}
	if len(sb.inbound) != 2 {
		t.Fatalf("inbound calls %d, want 2", len(sb.inbound))
	}
	first := sb.inbound[0]
	if first.From != "4917612345678" || first.Message != "hello" || first.PushName != "Ann" || first.ReplyTo != "r1" {
		t.Errorf("inbound decoded as %+v", first)
	}
	if loc := sb.inbound[1]; loc.Type != "location" || loc.Fields["latitude"] != 52.5 {
		t.Errorf("location inbound lost fields: %+v", loc)
	}
}

func TestSandboxRoutesAbsentOutsideSandbox(t *testing.T) {
	nc := startNATS(t)
	srv := newServer(t, nc, nil)
	resp, env := call(t, srv, http.MethodGet, "/sandbox/outbox", "", nil)
	if resp.StatusCode != http.StatusNotFound || env["code"] != "NOT_FOUND" {
		t.Fatalf("got %d %v", resp.StatusCode, env)
	}
}

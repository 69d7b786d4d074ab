package httpadapter_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/werr"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestLoginPage(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	srv := newServer(t, nc, nil)

	tests := []struct {
		name       string
		accept     string
		session    string
		wantStatus int
		wantHTML   bool
		wantIn     []string
	}{
		{name: "browser gets the QR page", accept: browserAccept, wantStatus: 200, wantHTML: true,
			wantIn: []string{`<img src="data:image/png;base64,iVBORw0KGgo="`, `http-equiv="refresh"`, "expires at"}},
		{name: "browser gets errors in HTML", accept: browserAccept, session: "linked", wantStatus: 409, wantHTML: true,
			wantIn: []string{"ALREADY_LOGGED_IN", "session &lt;linked&gt; is already logged in"}},
		{name: "curl gets JSON", accept: "*/*", wantStatus: 200},
		{name: "no accept gets JSON", wantStatus: 200},
		{name: "json preferred", accept: "application/json, text/html;q=0.5", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.accept != "" {
				h["Accept"] = tt.accept
			}
			if tt.session != "" {
				h["X-Session"] = tt.session
			}
			resp, env := call(t, srv, http.MethodGet, "/app/login", "", h)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			isHTML := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")
			if isHTML != tt.wantHTML {
				t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
			}
			if !isHTML {
				if data, _ := env["data"].(map[string]any); data["qr_link"] == nil {
					t.Errorf("JSON without qr_link: %v", env)
				}
				return
			}
			page, _ := env["raw"].(string)
			for _, want := range tt.wantIn {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q:\n%s", want, page)
				}
			}
		})
	}
}

func TestHealth(t *testing.T) {
	nc := startNATS(t)
	var mu sync.Mutex // the server reads readyErr on its own goroutines
	var readyErr error
	details := map[string]any{
		"outbox":   map[string]any{"oldest_age": "3s"},
		"sessions": map[string]any{"default": map[string]any{"state": "connected", "oldest_pending": "0s"}},
	}
	setReady := func(err error) { mu.Lock(); readyErr = err; mu.Unlock() }
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.Ready = func(ctx context.Context) (map[string]any, error) {
			if ctx == nil {
				t.Error("readiness called without a context")
			}
			mu.Lock()
			defer mu.Unlock()
			return details, readyErr
		}
	})

	resp, env := call(t, srv, http.MethodGet, "/healthz", "", nil)
	if resp.StatusCode != 200 || env["message"] != "OK" {
		t.Errorf("healthz: %d %v", resp.StatusCode, env)
	}
	resp, env = call(t, srv, http.MethodGet, "/readyz", "", nil)
	if resp.StatusCode != 200 || !equalJSON(env["data"], details) {
		t.Errorf("readyz when ready: %d %v", resp.StatusCode, env)
	}
	setReady(errors.New("storage not open"))
	resp, env = call(t, srv, http.MethodGet, "/readyz", "", nil)
	if resp.StatusCode != 503 || env["code"] != "NOT_READY" || env["message"] != "storage not open" || !equalJSON(env["details"], details) {
		t.Errorf("readyz when not ready: %d %v", resp.StatusCode, env)
	}
	setReady(werr.New(werr.KindNotConnected, werr.CodeNotConnected, "nats down"))
	resp, env = call(t, srv, http.MethodGet, "/readyz", "", nil)
	if resp.StatusCode != 503 || env["code"] != "NOT_CONNECTED" || env["message"] != "nats down" || !equalJSON(env["details"], details) {
		t.Errorf("readyz with a werr: %d %v", resp.StatusCode, env)
	}
}

func TestReadyWithoutDetails(t *testing.T) {
	srv := newServer(t, startNATS(t), func(c *httpadapter.Config) {
		c.Ready = func(context.Context) (map[string]any, error) { return nil, nil }
	})
	resp, env := call(t, srv, http.MethodGet, "/readyz", "", nil)
	if _, has := env["data"]; resp.StatusCode != 200 || has {
		t.Errorf("readyz: %d %v", resp.StatusCode, env)
	}
}

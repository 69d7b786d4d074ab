package httpadapter_test

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/safebuf"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuth(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	open := newServer(t, nc, nil)
	both := newServer(t, nc, func(c *httpadapter.Config) {
		c.Auth = httpadapter.Auth{
			BearerTokens: []string{"tok-1", "tok-2"},
			BasicUsers:   map[string]string{"alice": "s3cret"},
		}
	})
	bearerOnly := newServer(t, nc, func(c *httpadapter.Config) {
		c.Auth = httpadapter.Auth{BearerTokens: []string{"tok-1"}}
	})

	tests := []struct {
		name       string
		srv        string
		path       string
		auth       string
		wantStatus int
		wantSource string
	}{
		{name: "no auth configured", srv: "open", path: "/send/message", wantStatus: 200, wantSource: "/wabridge/rest"},
		{name: "missing credentials", srv: "both", path: "/send/message", wantStatus: 401},
		{name: "first bearer token", srv: "both", path: "/send/message", auth: "Bearer tok-1", wantStatus: 200, wantSource: "/wabridge/rest/token-65dcf16e"},
		{name: "second bearer token", srv: "both", path: "/send/message", auth: "bearer tok-2", wantStatus: 200, wantSource: "/wabridge/rest/token-b9d7f282"},
		{name: "wrong bearer token", srv: "both", path: "/send/message", auth: "Bearer tok-3", wantStatus: 401},
		{name: "token prefix", srv: "both", path: "/send/message", auth: "Bearer tok", wantStatus: 401},
		{name: "basic user", srv: "both", path: "/send/message", auth: basic("alice", "s3cret"), wantStatus: 200, wantSource: "/wabridge/rest/alice"},
		{name: "basic wrong password", srv: "both", path: "/send/message", auth: basic("alice", "nope"), wantStatus: 401},
		{name: "basic unknown user", srv: "both", path: "/send/message", auth: basic("bob", "s3cret"), wantStatus: 401},
		{name: "basic when only bearer", srv: "bearer", path: "/send/message", auth: basic("alice", "s3cret"), wantStatus: 401},
		{name: "token as basic password", srv: "both", path: "/send/message", auth: basic("alice", "tok-1"), wantStatus: 401},
		{name: "healthz open", srv: "both", path: "/healthz", wantStatus: 200},
		{name: "readyz open", srv: "both", path: "/readyz", wantStatus: 200},
	}
	servers := map[string]*httptest.Server{"open": open, "both": both, "bearer": bearerOnly}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodPost
			body := `{}`
			if tt.path == "/healthz" || tt.path == "/readyz" {
				method, body = http.MethodGet, ""
			}
			srv := servers[tt.srv]
			h := map[string]string{}
			if tt.auth != "" {
				h["Authorization"] = tt.auth
			}
			resp, env := call(t, srv, method, tt.path, body, h)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tt.wantStatus, env)
			}
			if tt.wantStatus == http.StatusUnauthorized {
				if env["code"] != "UNAUTHORIZED" || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without envelope code or challenge: %v %v", env, resp.Header)
				}
				return
			}
			if tt.wantSource != "" {
				if got := echoOf(t, env).Source; got != tt.wantSource {
					t.Errorf("source %q, want %q", got, tt.wantSource)
				}
			}
		})
	}
}

func TestSecretsStayOutOfLogs(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	var logs safebuf.Buffer
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.Auth = httpadapter.Auth{BearerTokens: []string{"tok-secret"}, BasicUsers: map[string]string{"alice": "pw-secret"}}
	})
	for _, auth := range []string{"Bearer tok-secret", basic("alice", "pw-secret"), "Bearer wrong-secret"} {
		call(t, srv, http.MethodPost, "/send/message?phone=4917600000009", `{"message":"body-secret"}`,
			map[string]string{"Authorization": auth})
	}
	srv.Close() // waits for in-flight handlers, so every log line is written

	out := logs.String()
	if strings.Count(out, "http request") != 3 {
		t.Fatalf("want 3 request log lines, got:\n%s", out)
	}
	for _, secret := range []string{"secret", "4917600000009", base64.StdEncoding.EncodeToString([]byte("alice:pw-secret"))} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}

package httpadapter_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/natsbus"
)

func TestCommandCloudEvent(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	srv := newServer(t, nc, nil)

	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		header      map[string]string
		wantSubject string
		wantData    map[string]any
		check       func(t *testing.T, e echo)
	}{{
		name:        "post body becomes data",
		method:      http.MethodPost,
		path:        "/send/message",
		body:        `{"phone":"4917612345678","message":"hi","view_once":false}`,
		wantSubject: "wa.default.rpc.send.message",
		wantData:    map[string]any{"phone": "4917612345678", "message": "hi", "view_once": false},
		check: func(t *testing.T, e echo) {
			if e.Type != "io.wabridge.command.send.message" || e.Source != "/wabridge/rest" ||
				e.SpecVersion != "1.0" || e.ContentType != "application/json" {
				t.Errorf("attributes: %+v", e)
			}
			if len(e.ID) != 36 {
				t.Errorf("id %q is not a generated UUID", e.ID)
			}
		},
	}, {
		name:        "idempotency key is the id, correlation id carried",
		method:      http.MethodPost,
		path:        "/send/message",
		body:        `{"phone":"4917612345678","message":"hi"}`,
		header:      map[string]string{"Idempotency-Key": "order-42 retry", "X-Correlation-Id": "corr-1", "X-Session": "shop"},
		wantSubject: "wa.shop.rpc.send.message",
		wantData:    map[string]any{"phone": "4917612345678", "message": "hi"},
		check: func(t *testing.T, e echo) {
			if e.ID != "order-42 retry" || e.CorrelationID != "corr-1" {
				t.Errorf("id %q correlationid %q", e.ID, e.CorrelationID)
			}
		},
	}, {
		name:        "request id is the correlation id when no other",
		method:      http.MethodPost,
		path:        "/send/message",
		header:      map[string]string{"X-Request-Id": "req-9"},
		wantSubject: "wa.default.rpc.send.message",
		wantData:    map[string]any{},
		check: func(t *testing.T, e echo) {
			if e.CorrelationID != "req-9" {
				t.Errorf("correlationid %q", e.CorrelationID)
			}
		},
	}, {
		name:        "get query becomes string data, session query dropped",
		method:      http.MethodGet,
		path:        "/user/info?phone=4917612345678&is_preview=true&session=sales",
		wantSubject: "wa.sales.rpc.user.info",
		wantData:    map[string]any{"phone": "4917612345678", "is_preview": "true"},
	}, {
		name:        "header session wins over query",
		method:      http.MethodGet,
		path:        "/user/info?session=sales",
		header:      map[string]string{"X-Session": "support"},
		wantSubject: "wa.support.rpc.user.info",
		wantData:    map[string]any{},
	}, {
		name:        "path parameter wins over body field",
		method:      http.MethodPost,
		path:        "/message/false_120363@g.us_3EB0/revoke",
		body:        `{"phone":"4917612345678","message_id":"other"}`,
		wantSubject: "wa.default.rpc.message.revoke",
		wantData:    map[string]any{"phone": "4917612345678", "message_id": "false_120363@g.us_3EB0"},
	}, {
		name:        "path parameter in a GET",
		method:      http.MethodGet,
		path:        "/chat/4917612345678@s.whatsapp.net/messages?limit=50",
		wantSubject: "wa.default.rpc.chat.messages",
		wantData:    map[string]any{"jid": "4917612345678@s.whatsapp.net", "limit": "50"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, env := call(t, srv, tt.method, tt.path, tt.body, tt.header)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %v", resp.StatusCode, env)
			}
			e := echoOf(t, env)
			if e.Subject != tt.wantSubject {
				t.Errorf("subject %q, want %q", e.Subject, tt.wantSubject)
			}
			if !equalJSON(e.Data, tt.wantData) {
				t.Errorf("data %v, want %v", e.Data, tt.wantData)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

func TestCommandErrors(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.MaxBodyBytes = 64
		c.Timeout = 300 * time.Millisecond // test.silent never answers
	})
	nobody := newServer(t, nc, func(c *httpadapter.Config) { c.Subjects = natsbus.Subjects{Prefix: "nobody"} })
	starting := newServer(t, nc, func(c *httpadapter.Config) {
		c.Subjects = natsbus.Subjects{Prefix: "nobody"}
		c.Ready = func(context.Context) (map[string]any, error) { return nil, errors.New("streams are not up yet") }
	})

	tests := []struct {
		name     string
		nobody   bool // use the adapter whose subjects nobody serves
		starting bool // the same, while the bridge is not ready
		method   string
		path     string
		body     string
		ctype    string
		header   map[string]string
		wantCode int
		wantErr  string
	}{
		{name: "error result passes through", method: "POST", path: "/send/message", body: `{"phone":"bad","message":"x"}`, wantCode: 400, wantErr: "INVALID_RECIPIENT"},
		{name: "invalid session header", method: "POST", path: "/send/message", body: `{}`, header: map[string]string{"X-Session": "Bad.Name"}, wantCode: 400, wantErr: "INVALID_SESSION"},
		{name: "invalid session query", method: "GET", path: "/user/info?session=a.b", wantCode: 400, wantErr: "INVALID_SESSION"},
		{name: "array body", method: "POST", path: "/send/message", body: `[1,2]`, wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "string body", method: "POST", path: "/send/message", body: `"hi"`, wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "null body", method: "POST", path: "/send/message", body: `null`, wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "two objects", method: "POST", path: "/send/message", body: `{}{}`, wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "broken json", method: "POST", path: "/send/message", body: `{"phone":`, wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "oversized body", method: "POST", path: "/send/message", body: `{"message":"` + strings.Repeat("x", 100) + `"}`, wantCode: 413, wantErr: "PAYLOAD_TOO_LARGE"},
		{name: "multipart", method: "POST", path: "/send/message", body: "--x--", ctype: "multipart/form-data; boundary=x", wantCode: 415, wantErr: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "form", method: "POST", path: "/send/message", body: "phone=1", ctype: "application/x-www-form-urlencoded", wantCode: 415, wantErr: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "bad idempotency key", method: "POST", path: "/send/message", body: `{}`, header: map[string]string{"Idempotency-Key": strings.Repeat("k", 129)}, wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "timeout", method: "POST", path: "/test/silent", body: `{}`, wantCode: 504, wantErr: "TIMEOUT"},
		{name: "no responders", nobody: true, method: "POST", path: "/send/message", body: `{}`, wantCode: 404, wantErr: "SESSION_NOT_FOUND"},
		{name: "no responders while starting", starting: true, method: "POST", path: "/send/message", body: `{}`, wantCode: 503, wantErr: "NOT_READY"},
		{name: "unknown route", method: "GET", path: "/nope", wantCode: 404, wantErr: "NOT_FOUND"},
		{name: "wrong method", method: "GET", path: "/send/message", wantCode: 405, wantErr: "METHOD_NOT_ALLOWED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.nobody {
				s = nobody
			}
			if tt.starting {
				s = starting
			}
			h := map[string]string{}
			for k, v := range tt.header {
				h[k] = v
			}
			if tt.ctype != "" {
				h["Content-Type"] = tt.ctype
			}
			resp, env := call(t, s, tt.method, tt.path, tt.body, h)
			if resp.StatusCode != tt.wantCode || env["code"] != tt.wantErr {
				t.Fatalf("got %d %v, want %d %s", resp.StatusCode, env, tt.wantCode, tt.wantErr)
			}
			if msg, _ := env["message"].(string); msg == "" {
				t.Errorf("error without message: %v", env)
			}
		})
	}
}

func TestCommandEchoesIDs(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	srv := newServer(t, nc, nil)
	for _, path := range []string{"/send/message", "/nope"} {
		resp, _ := call(t, srv, http.MethodPost, path, `{}`, map[string]string{"X-Request-Id": "r-1", "X-Correlation-Id": "c-1"})
		if resp.Header.Get("X-Request-Id") != "r-1" || resp.Header.Get("X-Correlation-Id") != "c-1" {
			t.Errorf("%s: ids not echoed: %v", path, resp.Header)
		}
	}
}

func TestCommandOverNATSMaxPayload(t *testing.T) {
	nc := startNATSWith(t, func(o *server.Options) { o.MaxPayload = 512 })
	startResponder(t, nc)
	srv := newServer(t, nc, nil) // default 1 MiB body limit, above the server's
	body := `{"message":"` + strings.Repeat("x", 1024) + `"}`
	resp, env := call(t, srv, http.MethodPost, "/send/message", body, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || env["code"] != "PAYLOAD_TOO_LARGE" {
		t.Fatalf("got %d %v", resp.StatusCode, env)
	}
}

// panicBus makes the handler panic, as a bug anywhere below it would.
type panicBus struct{}

func (panicBus) RequestMsg(*nats.Msg, time.Duration) (*nats.Msg, error) { panic("bus exploded") }

func TestPanicBecomes500(t *testing.T) {
	srv := newServer(t, panicBus{}, nil)
	resp, env := call(t, srv, http.MethodPost, "/send/message", `{}`, nil)
	if resp.StatusCode != http.StatusInternalServerError || env["code"] != "INTERNAL_ERROR" {
		t.Fatalf("got %d %v", resp.StatusCode, env)
	}
	// The server survives the panic.
	resp, _ = call(t, srv, http.MethodGet, "/healthz", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after panic: %d", resp.StatusCode)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	nc := startNATS(t)
	tests := map[string]httpadapter.Config{
		"no bus":          {Log: discard()},
		"no log":          {Bus: nc},
		"route no path":   {Bus: nc, Log: discard(), Routes: []httpadapter.Route{{Name: "x", Method: "GET"}}},
		"conflict":        {Bus: nc, Log: discard(), Routes: []httpadapter.Route{{Name: "a", Method: "GET", Path: "/a"}, {Name: "b", Method: "GET", Path: "/a"}}},
		"empty token":     {Bus: nc, Log: discard(), Auth: httpadapter.Auth{BearerTokens: []string{""}}},
		"colon user name": {Bus: nc, Log: discard(), Auth: httpadapter.Auth{BasicUsers: map[string]string{"a:b": "p"}}},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := httpadapter.New(cfg); err == nil {
				t.Fatal("New accepted a bad config")
			}
		})
	}
}

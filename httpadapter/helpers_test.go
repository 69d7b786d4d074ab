package httpadapter_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/google/uuid"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// testRoutes mirror the catalog's shapes: POST with body, GET with query,
// a path parameter, the HTML login, and a command nobody answers in time.
var testRoutes = []httpadapter.Route{
	{Name: "send.message", Method: http.MethodPost, Path: "/send/message"},
	{Name: "user.info", Method: http.MethodGet, Path: "/user/info"},
	{Name: "message.revoke", Method: http.MethodPost, Path: "/message/:message_id/revoke"},
	{Name: "chat.messages", Method: http.MethodGet, Path: "/chat/:jid/messages"},
	{Name: "app.login", Method: http.MethodGet, Path: "/app/login"},
	{Name: "app.logout", Method: http.MethodPost, Path: "/app/logout"},
	{Name: "send.image", Method: http.MethodPost, Path: "/send/image", BodyTypes: []string{"multipart/form-data"}},
	{Name: "test.silent", Method: http.MethodPost, Path: "/test/silent"},
}

// echo is what the test responder answers a command with: the command
// CloudEvent as it arrived, so tests assert on what the adapter really sent.
type echo struct {
	Session       string         `json:"session"`
	Subject       string         `json:"subject"`
	ID            string         `json:"id"`
	Source        string         `json:"source"`
	Type          string         `json:"type"`
	SpecVersion   string         `json:"specversion"`
	ContentType   string         `json:"datacontenttype"`
	CorrelationID string         `json:"correlationid"`
	ExpiryTime    string         `json:"expirytime"`
	Internal      string         `json:"internal"` // the natsbus.HeaderInternal header
	Data          map[string]any `json:"data"`
}

// answer builds the result data of one command, like the commands package
// would: a few scripted failures, an echo otherwise. ok=false means "do not
// reply at all".
func answer(subject string, header nats.Header, cmd event.Event) (result map[string]any, ok bool) {
	session, _, name, err := natsbus.Subjects{}.Parse(subject)
	if err != nil {
		return map[string]any{"status": 500, "code": "INTERNAL_ERROR", "message": err.Error()}, true
	}
	var data map[string]any
	if err := json.Unmarshal(cmd.Data(), &data); err != nil {
		return map[string]any{"status": 400, "code": "INVALID_PAYLOAD", "message": err.Error()}, true
	}
	switch {
	case name == "test.silent":
		return nil, false
	case name == "send.message" && data["phone"] == "bad":
		return map[string]any{"status": 400, "code": "INVALID_RECIPIENT", "message": "phone must be digits or a JID",
			"details": map[string]any{"phone": "bad"}}, true
	case name == "send.message" && data["message"] == "bench":
		return sendResult(), true
	case name == "app.login" && session == "linked":
		return map[string]any{"status": 409, "code": "ALREADY_LOGGED_IN", "message": "session <linked> is already logged in"}, true
	case name == "app.login":
		return map[string]any{"status": 200, "message": "Success", "data": map[string]any{
			"qr_link":     "data:image/png;base64,iVBORw0KGgo=",
			"qr_code":     "2@abc",
			"qr_duration": 30,
			"expires_at":  time.Now().Add(30 * time.Second).UTC().Format(time.RFC3339),
		}}, true
	}
	corr, _ := cmd.Extensions()[ident.ExtCorrelationID].(string)
	expiry, _ := cmd.Extensions()[ident.ExtExpiryTime].(string)
	return map[string]any{"status": 200, "message": "Success", "data": echo{
		Session: session, Subject: subject, ID: cmd.ID(), Source: cmd.Source(), Type: cmd.Type(),
		SpecVersion: cmd.SpecVersion(), ContentType: cmd.DataContentType(), CorrelationID: corr,
		ExpiryTime: expiry, Internal: header.Get(natsbus.HeaderInternal), Data: data,
	}}, true
}

// reply turns a command message into its result message, or nil when the
// script says to stay silent.
func reply(t testing.TB, msg *nats.Msg) *nats.Msg {
	cmd, err := cenats.Decode(msg.Header, msg.Data)
	if err != nil {
		t.Errorf("responder: decoding command: %v", err)
		return resultMsg(t, msg.Reply, event.New(), map[string]any{"status": 400, "code": "INVALID_CLOUDEVENT", "message": err.Error()})
	}
	result, ok := answer(msg.Subject, msg.Header, cmd)
	if !ok {
		return nil
	}
	return resultMsg(t, msg.Reply, cmd, result)
}

func resultMsg(t testing.TB, subject string, cmd event.Event, result map[string]any) *nats.Msg {
	e := event.New()
	e.SetID(uuid.NewString())
	e.SetSource("/wabridge/test")
	e.SetType(cmd.Type() + ".result")
	if cmd.ID() != "" {
		e.SetExtension(ident.ExtCausationID, cmd.ID())
	}
	data, err := json.Marshal(result)
	if err != nil {
		t.Fatalf("encoding result: %v", err)
	}
	if err := e.SetData(event.ApplicationJSON, data); err != nil {
		t.Fatalf("setting result data: %v", err)
	}
	out, err := cenats.NewMsg(subject, e, cenats.Binary)
	if err != nil {
		t.Fatalf("encoding result message: %v", err)
	}
	return out
}

// startNATS runs a nats-server on a random loopback port for one test.
func startNATS(t testing.TB) *nats.Conn { t.Helper(); return startNATSWith(t, nil) }

// startNATSWith is startNATS with edited server options.
func startNATSWith(t testing.TB, edit func(*server.Options)) *nats.Conn {
	t.Helper()
	opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true}
	if edit != nil {
		edit(opts)
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("creating nats-server: %v", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatalf("connecting to nats-server: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// startResponder answers every rpc command like the commands package would.
func startResponder(t testing.TB, nc *nats.Conn) {
	t.Helper()
	sub, err := nc.Subscribe(natsbus.Subjects{}.All("rpc"), func(msg *nats.Msg) {
		if out := reply(t, msg); out != nil {
			if err := nc.PublishMsg(out); err != nil {
				t.Errorf("responder: replying: %v", err)
			}
		}
	})
	if err != nil {
		t.Fatalf("subscribing responder: %v", err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatalf("flushing subscription: %v", err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
}

// newServer starts the adapter over HTTP; edit adjusts the config.
func newServer(t testing.TB, bus httpadapter.Requester, edit func(*httpadapter.Config)) *httptest.Server {
	t.Helper()
	cfg := httpadapter.Config{
		Routes:  testRoutes,
		Bus:     bus,
		Timeout: 5 * time.Second,
		Log:     discard(),
		Version: "test",
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := httpadapter.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// call does one request and decodes the envelope.
func call(t testing.TB, srv *httptest.Server, method, path, body string, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	var env map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v: %s", method, path, err, raw)
		}
		if got, _ := env["status"].(float64); int(got) != resp.StatusCode {
			t.Errorf("%s %s: envelope status %v, HTTP status %d", method, path, env["status"], resp.StatusCode)
		}
	} else {
		env = map[string]any{"raw": string(raw)}
	}
	return resp, env
}

// echoOf extracts the echoed command from a success envelope.
func echoOf(t testing.TB, env map[string]any) echo {
	t.Helper()
	b, err := json.Marshal(env["data"])
	if err != nil {
		t.Fatalf("re-encoding data: %v", err)
	}
	var e echo
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("data is not an echo: %v", err)
	}
	return e
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// equalJSON compares two values by their JSON encoding.
func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// sendResult is what a successful send answers (CONTRACT §5); the
// benchmarks compare the adapter and bare Gin on this same body.
func sendResult() map[string]any {
	return map[string]any{"status": 200, "message": "Success", "data": map[string]any{
		"message_id": "true_4917612345678@s.whatsapp.net_3EB0C767",
		"timestamp":  time.Now().UTC().Format(time.RFC3339),
	}}
}

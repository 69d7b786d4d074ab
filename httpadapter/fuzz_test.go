package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/httpadapter"
)

// memBus answers commands in memory with the test responder's script, so
// the fuzzer exercises the adapter without network round trips.
type memBus struct{ t testing.TB }

func (b memBus) RequestMsg(msg *nats.Msg, _ time.Duration) (*nats.Msg, error) {
	msg.Reply = "_INBOX.mem"
	out := reply(b.t, msg)
	if out == nil {
		return nil, nats.ErrTimeout
	}
	return out, nil
}

// FuzzCommandRequest feeds untrusted request parts (body, headers) to the
// adapter and checks it always answers with a well-formed envelope, never a
// 500, and that a successful command carries exactly what the caller sent.
func FuzzCommandRequest(f *testing.F) {
	f.Add(false, `{"phone":"4917612345678","message":"hi"}`, "application/json", "", "", "")
	f.Add(false, `[1]`, "application/json", "key-1", "shop", "")
	f.Add(false, `{"a":1}{"b":2}`, "", "", "", "")
	f.Add(false, `{"phone":"bad"}`, "text/plain", "k\x00", "Bad", "")
	f.Add(true, ``, "", "", "linked", "text/html;q=0.9, application/json;q=0.1")
	f.Add(true, ``, "", "", "", "*/*;q=NaN, text/*")
	f.Fuzz(func(t *testing.T, login bool, body, ctype, idem, session, accept string) {
		h, err := httpadapter.New(httpadapter.Config{Routes: testRoutes, Bus: memBus{t}, Log: discard(), MaxBodyBytes: 4096})
		if err != nil {
			t.Fatal(err)
		}
		method, path := http.MethodPost, "/send/message"
		if login {
			method, path = http.MethodGet, "/app/login"
		}
		// A loopback Host, as every local caller sends: the guard refuses others.
		req := httptest.NewRequest(method, "http://127.0.0.1:3000"+path, strings.NewReader(body))
		for k, v := range map[string]string{"Content-Type": ctype, "Idempotency-Key": idem, "X-Session": session, "Accept": accept} {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			return
		}
		var env struct {
			Status int             `json:"status"`
			Code   string          `json:"code"`
			Data   json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Status != rec.Code {
			t.Fatalf("not an envelope of status %d: %v: %s", rec.Code, err, rec.Body)
		}
		if login || rec.Code != http.StatusOK {
			return
		}
		var e echo
		if err := json.Unmarshal(env.Data, &e); err != nil {
			t.Fatalf("success without echo: %v", err)
		}
		// Surrounding whitespace is not part of a header value (RFC 9110 §5.5).
		if key := strings.Trim(idem, " \t"); key != "" && e.ID != key {
			t.Errorf("id %q, want Idempotency-Key %q", e.ID, key)
		}
		var sent map[string]any
		if strings.TrimSpace(body) == "" {
			sent = map[string]any{}
		} else if err := json.Unmarshal([]byte(body), &sent); err != nil {
			t.Fatalf("accepted a body that is not a JSON object: %q", body)
		}
		if !equalJSON(sent, e.Data) {
			t.Errorf("data %v, want %v", e.Data, sent)
		}
	})
}

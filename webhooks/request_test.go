package webhooks_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/webhooks"
)

func sampleCE(t *testing.T) event.Event {
	t.Helper()
	ce, err := events.NewCloudEvent(events.NumberedSample("default", 1))
	if err != nil {
		t.Fatal(err)
	}
	return ce
}

// verify checks a delivery with the Standard Webhooks library, not ours.
func verify(t *testing.T, secret string, body []byte, h http.Header) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(body, h); err != nil {
		t.Fatalf("signature does not verify with secret %s...: %v", secret[:10], err)
	}
}

func TestRequestModesVerifyAndDecode(t *testing.T) {
	secret := webhooks.NewSecret()
	key, err := webhooks.ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	ce := sampleCE(t)
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			req, err := webhooks.NewRequest(context.Background(), "http://127.0.0.1:1/hook", ce, mode, [][]byte{key}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(req.Body)
			verify(t, secret, body, req.Header)
			if got := req.Header.Get("webhook-id"); got != ce.ID() {
				t.Errorf("webhook-id = %q, want the CloudEvent id %q", got, ce.ID())
			}
			ct := req.Header.Get("Content-Type")
			switch mode {
			case cenats.Binary:
				if ct != "application/json" || req.Header.Get("ce-id") != ce.ID() || req.Header.Get("ce-type") != ce.Type() {
					t.Errorf("binary mode headers: %v", req.Header)
				}
				if string(body) != string(ce.Data()) {
					t.Errorf("binary body is not the data: %s", body)
				}
			case cenats.Structured:
				if ct != cenats.ContentTypeStructured {
					t.Errorf("structured Content-Type = %q", ct)
				}
				var m map[string]any
				if err := json.Unmarshal(body, &m); err != nil || m["id"] != ce.ID() {
					t.Errorf("structured body %s: %v", body, err)
				}
			}
			got, err := cenats.Decode(nats.Header(req.Header), body)
			if err != nil {
				t.Fatalf("delivery does not decode as a CloudEvent: %v", err)
			}
			if got.ID() != ce.ID() || got.Subject() != ce.Subject() || string(got.Data()) != string(ce.Data()) {
				t.Errorf("decoded %v, want %v", got, ce)
			}
		})
	}
}

// During a rotation both secrets sign: a receiver that knows only the new
// one, or only the old one, verifies the same delivery.
func TestRotationSignsWithBothSecrets(t *testing.T) {
	oldSecret, newSecret := webhooks.NewSecret(), webhooks.NewSecret()
	oldKey, _ := webhooks.ParseSecret(oldSecret)
	newKey, _ := webhooks.ParseSecret(newSecret)
	req, err := webhooks.NewRequest(context.Background(), "http://127.0.0.1:1/", sampleCE(t), cenats.Binary, [][]byte{newKey, oldKey}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if sigs := strings.Fields(req.Header.Get("webhook-signature")); len(sigs) != 2 {
		t.Fatalf("webhook-signature %q: want two space-separated signatures", req.Header.Get("webhook-signature"))
	}
	verify(t, newSecret, body, req.Header)
	verify(t, oldSecret, body, req.Header)
	wh, _ := standardwebhooks.NewWebhook(webhooks.NewSecret())
	if wh.Verify(body, req.Header) == nil {
		t.Fatal("a third secret verified the delivery")
	}
}

func TestSignMatchesLibrary(t *testing.T) {
	secret := webhooks.NewSecret()
	key, _ := webhooks.ParseSecret(secret)
	wh, _ := standardwebhooks.NewWebhook(secret)
	ts := time.Unix(1700000000, 0)
	want, _ := wh.Sign("msg_1", ts, []byte(`{"a":1}`))
	if got := webhooks.Sign(key, "msg_1", ts, []byte(`{"a":1}`)); got != want {
		t.Fatalf("Sign = %q, library says %q", got, want)
	}
}

func TestParseSecret(t *testing.T) {
	for _, bad := range []string{"", "secret", "whsec_", "whsec_!!!!", "whsec_c2hvcnQ=", "WHSEC_" + strings.TrimPrefix(webhooks.NewSecret(), "whsec_")} {
		if _, err := webhooks.ParseSecret(bad); err == nil || !strings.Contains(err.Error(), "INVALID_PAYLOAD") {
			t.Errorf("ParseSecret(%q) = %v, want INVALID_PAYLOAD", bad, err)
		}
	}
	s := webhooks.NewSecret()
	if k, err := webhooks.ParseSecret(s); err != nil || len(k) != 32 {
		t.Fatalf("ParseSecret(NewSecret()) = %d bytes, %v", len(k), err)
	}
	if webhooks.NewSecret() == s {
		t.Fatal("NewSecret repeats itself")
	}
}

func TestPostStatusRetryAfterNoRedirect(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/target", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 1<<20)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := webhooks.NewClient(5 * time.Second)
	ce := sampleCE(t)
	post := func(path string) (int, time.Duration, error) {
		return webhooks.Post(context.Background(), client, srv.URL+path, ce, cenats.Binary, nil)
	}
	if st, _, err := post("/ok"); st != 202 || err != nil {
		t.Errorf("/ok: %d %v", st, err)
	}
	if st, ra, err := post("/busy"); st != 503 || ra != 7*time.Second || err == nil {
		t.Errorf("/busy: %d %s %v", st, ra, err)
	}
	if _, _, err := post("/gone"); !webhooks.IsGone(err) {
		t.Errorf("/gone: %v, want IsGone", err)
	}
	if st, _, err := post("/moved"); st != 307 || err == nil || hits.Load() != 0 {
		t.Errorf("/moved: %d %v, redirect followed %d times", st, err, hits.Load())
	}
	if st, _, err := post("/big"); st != 200 || err != nil {
		t.Errorf("/big: %d %v", st, err)
	}
}

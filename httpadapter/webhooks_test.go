package httpadapter_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/webhooks"
)

// fakeHooks records what the routes asked for.
type fakeHooks struct {
	created           webhooks.Definition
	after             uint64
	limit             int
	deleted, redriven string
	rotation          webhooks.Rotation
}

func (f *fakeHooks) Create(_ context.Context, d webhooks.Definition) (webhooks.Created, error) {
	f.created = d
	return webhooks.Created{ID: "wh_1", Secret: "whsec_x"}, nil
}
func (f *fakeHooks) List(context.Context) ([]webhooks.View, error) {
	return []webhooks.View{{ID: "wh_1"}}, nil
}
func (f *fakeHooks) Get(_ context.Context, id string) (webhooks.View, error) {
	if id != "wh_1" {
		return webhooks.View{}, werr.New(werr.KindNotFound, werr.CodeNotFound, "no such webhook")
	}
	return webhooks.View{ID: id}, nil
}
func (f *fakeHooks) Delete(_ context.Context, id string) error {
	if id != "wh_1" {
		return werr.New(werr.KindNotFound, werr.CodeNotFound, "no such webhook")
	}
	f.deleted = id
	return nil
}
func (f *fakeHooks) Test(context.Context, string) (webhooks.TestResult, error) {
	return webhooks.TestResult{Delivered: true, ReceiverStatus: 204}, nil
}
func (f *fakeHooks) DeadLetters(_ context.Context, _ string, after uint64, limit int) (webhooks.DeadLetterPage, error) {
	f.after, f.limit = after, limit
	return webhooks.DeadLetterPage{Items: []webhooks.DeadLetter{}}, nil
}
func (f *fakeHooks) Redrive(_ context.Context, id string) (webhooks.RedriveStarted, error) {
	f.redriven = id
	return webhooks.RedriveStarted{Queued: 2}, nil
}

func (f *fakeHooks) Rotate(_ context.Context, id string, rot webhooks.Rotation) (webhooks.Rotated, error) {
	f.rotation = rot
	return webhooks.Rotated{ID: id, Secret: "whsec_y", Rotating: !rot.End}, nil
}

type noBus struct{}

func (noBus) RequestMsg(*nats.Msg, time.Duration) (*nats.Msg, error) {
	return nil, nats.ErrNoResponders
}

func TestWebhookRoutes(t *testing.T) {
	f := &fakeHooks{}
	h, err := httpadapter.New(httpadapter.Config{Bus: noBus{}, Log: slog.New(slog.DiscardHandler), Webhooks: f})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string) (int, map[string]any) {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, r)
		req.Host = "127.0.0.1"
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var env map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &env)
		return w.Code, env
	}
	if st, env := do("POST", "/webhooks", `{"url":"http://127.0.0.1:9/h","events":["io.wabridge.message.received"],"max_age":"90s","concurrency":2}`); st != 200 ||
		env["data"].(map[string]any)["secret"] != "whsec_x" || f.created.URL != "http://127.0.0.1:9/h" ||
		time.Duration(f.created.MaxAge) != 90*time.Second || f.created.Concurrency != 2 {
		t.Errorf("POST /webhooks: %d %v %+v", st, env, f.created)
	}
	if st, env := do("POST", "/webhooks", `{"url":"http://127.0.0.1:9/h","event":["typo"]}`); st != 400 || env["code"] != "INVALID_PAYLOAD" {
		t.Errorf("unknown field: %d %v", st, env)
	}
	if st, _ := do("GET", "/webhooks", ""); st != 200 {
		t.Errorf("GET /webhooks: %d", st)
	}
	if st, env := do("GET", "/webhooks/wh_2", ""); st != 404 || env["code"] != "NOT_FOUND" {
		t.Errorf("GET unknown: %d %v", st, env)
	}
	if st, env := do("DELETE", "/webhooks/nope", ""); st != 404 || env["code"] != "NOT_FOUND" {
		t.Errorf("DELETE unknown: %d %v", st, env)
	}
	if st, _ := do("DELETE", "/webhooks/wh_1", ""); st != 200 || f.deleted != "wh_1" {
		t.Errorf("DELETE: %d", st)
	}
	if st, env := do("POST", "/webhooks/wh_1/test", ""); st != 200 || env["data"].(map[string]any)["receiver_status"] != 204.0 {
		t.Errorf("test: %d %v", st, env)
	}
	if st, _ := do("GET", "/webhooks/wh_1/deadletters?after=7&limit=3", ""); st != 200 || f.after != 7 || f.limit != 3 {
		t.Errorf("deadletters: %d after %d limit %d", st, f.after, f.limit)
	}
	if st, env := do("GET", "/webhooks/wh_1/deadletters?after=-1", ""); st != 400 || env["code"] != "INVALID_PAYLOAD" {
		t.Errorf("bad cursor: %d %v", st, env)
	}
	if st, _ := do("POST", "/webhooks/wh_1/redrive", ""); st != 200 || f.redriven != "wh_1" {
		t.Errorf("redrive: %d", st)
	}
	if st, env := do("POST", "/webhooks/wh_1/rotate", ""); st != 200 || env["data"].(map[string]any)["secret"] != "whsec_y" || f.rotation != (webhooks.Rotation{}) {
		t.Errorf("rotate: %d %v %+v", st, env, f.rotation)
	}
	if st, _ := do("POST", "/webhooks/wh_1/rotate", `{"end":true}`); st != 200 || !f.rotation.End {
		t.Errorf("rotate end: %d %+v", st, f.rotation)
	}
	if st, env := do("POST", "/webhooks/wh_1/rotate", `{"secrets":"x"}`); st != 400 || env["code"] != "INVALID_PAYLOAD" {
		t.Errorf("rotate with an unknown field: %d %v", st, env)
	}
}

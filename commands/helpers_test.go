package commands_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/schemas"
)

// fakeSession records every call and answers with what the test set.
type fakeSession struct {
	mu    sync.Mutex
	calls []string
	sent  []bridge.SendTextRequest
	phone string

	err     error         // returned by every method when set
	panicky bool          // every method panics when set
	gate    chan struct{} // when set, SendText waits for it to close
	entered chan struct{} // when set, SendText sends on it before waiting for gate
	qr      bridge.LoginQR
	devices []bridge.Device
	// cache, when set, becomes SendResult.Cache (the raw message write).
	cache store.Write
	links []bridge.SendLinkRequest  // send.link as called (link_fake_test.go)
	media []bridge.SendMediaRequest // media sends as called (media_fake_test.go)
	// msgID, when set, is the message id every send answers.
	msgID    string
	chats    chatFake // the chat commands' side (chat_fake_test.go)
	presence []string // presence commands as called (presence_fake_test.go)
}

var _ commands.Ports = (*fakeSession)(nil)

func (f *fakeSession) record(call string) error {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	if f.panicky {
		panic("fake session exploded in " + call)
	}
	return f.err
}

func (f *fakeSession) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeSession) Login(context.Context) (bridge.LoginQR, error) {
	return f.qr, f.record("Login")
}

func (f *fakeSession) LoginWithCode(_ context.Context, phone string) (string, error) {
	f.mu.Lock()
	f.phone = phone
	f.mu.Unlock()
	return "ABCD-EFGH", f.record("LoginWithCode")
}

func (f *fakeSession) Logout(context.Context) error    { return f.record("Logout") }
func (f *fakeSession) Reconnect(context.Context) error { return f.record("Reconnect") }

func (f *fakeSession) Devices(context.Context) ([]bridge.Device, error) {
	return f.devices, f.record("Devices")
}

func (f *fakeSession) SendText(ctx context.Context, req bridge.SendTextRequest) (bridge.SendResult, error) {
	if f.entered != nil {
		select {
		case f.entered <- struct{}{}:
		default:
		}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return bridge.SendResult{}, ctx.Err()
		}
	}
	if err := f.record("SendText"); err != nil {
		return bridge.SendResult{}, err
	}
	f.mu.Lock()
	f.sent = append(f.sent, req)
	n := len(f.sent)
	f.mu.Unlock()
	chat := req.To + "@s.whatsapp.net"
	waID := "3EB0" + string(rune('A'+n%26))
	msgID := "true_" + chat + "_" + waID
	if f.msgID != "" {
		msgID = f.msgID
	}
	return bridge.SendResult{
		MessageID: msgID,
		WAID:      waID,
		Chat:      chat,
		Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Cache:     f.cache,
	}, nil
}

// fakeSessions runs the sessions of its map.
type fakeSessions map[string]commands.Session

func (f fakeSessions) Get(name string) (commands.Session, error) {
	if s, ok := f[name]; ok {
		return s, nil
	}
	return nil, werr.New(werr.KindNotFound, werr.CodeSessionNotFound, "session %q not found", name)
}

var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type rig struct {
	d     *commands.Dispatcher
	sess  *fakeSession
	db    *store.DB
	audit *fakeAudit
	dir   string
}

// newRig starts a dispatcher over a fresh bbolt file with session "default"
// bound to a fake.
func newRig(t testing.TB) *rig {
	t.Helper()
	dir := t.TempDir()
	sess := &fakeSession{}
	r := &rig{sess: sess, dir: dir}
	r.open(t, fakeSessions{"default": sess})
	return r
}

func (r *rig) open(t testing.TB, sessions commands.Sessions) {
	t.Helper()
	db, err := store.Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r.db, r.audit = db, &fakeAudit{db: db}
	cfg := r.config(t)
	cfg.Sessions = sessions
	r.d = newDispatcher(t, cfg)
}

// config is the configuration of the rig's dispatcher.
func (r *rig) config(t testing.TB) commands.DispatcherConfig {
	t.Helper()
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	return commands.DispatcherConfig{
		Sessions: fakeSessions{"default": r.sess}, DB: r.db, Schemas: set, Audit: r.audit,
		Now: func() time.Time { return fixedNow },
	}
}

func newDispatcher(t testing.TB, cfg commands.DispatcherConfig) *commands.Dispatcher {
	t.Helper()
	d, err := commands.NewDispatcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// execute delivers cmd as an rpc caller on NATS would.
func execute(d *commands.Dispatcher, ctx context.Context, session, name string, cmd cloudevent.Event) commands.Result {
	return d.Dispatch(ctx, commands.Call{Session: session, Name: name, Cmd: cmd})
}

// durable delivers cmd as the commands stream would, published at.
func durable(d *commands.Dispatcher, ctx context.Context, name string, cmd cloudevent.Event, published time.Time) commands.Result {
	return d.Dispatch(ctx, commands.Call{Session: "default", Name: name, Cmd: cmd, Durable: true, Published: published})
}

// command builds a CloudEvent of the command name with JSON data (nil: none).
func command(t testing.TB, name, id, data string) cloudevent.Event {
	t.Helper()
	e := cloudevent.New()
	e.SetID(id)
	e.SetSource("/tests")
	e.SetType(commands.TypeOf(name))
	if data != "" {
		if err := e.SetData(cloudevent.ApplicationJSON, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// body is ResultData as a client decodes it.
type body struct {
	Status  int             `json:"status"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details map[string]any  `json:"details"`
	Data    json.RawMessage `json:"data"`
}

func decode(t testing.TB, ev cloudevent.Event) body {
	t.Helper()
	var b body
	if err := json.Unmarshal(ev.Data(), &b); err != nil {
		t.Fatalf("result data %q: %v", ev.Data(), err)
	}
	return b
}

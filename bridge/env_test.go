package bridge_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/store"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/safebuf"
	"github.com/wabridge/wabridge/internal/werr"
)

var fixedTime = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// recordingSink keeps what it is given, or fails while fail is set. Like
// the outbox, it commits the writes given with an event in db, in one
// transaction, and nothing when it fails. Every event it keeps is checked
// against the event catalog (events.Validate): the outbox does not check, so
// this is where an event that breaks its schema fails a test instead of a
// consumer.
type recordingSink struct {
	db     *store.DB
	mu     sync.Mutex
	events []events.Event
	// invalid is what events.Validate said of kept events; checkValid
	// reports it. Kept rather than reported at once, because sessions emit
	// from their own goroutines, which may outlive a test's last t.Error.
	invalid []error
	fail    error
	// failures, when above zero, fails that many emits and counts down.
	failures int
	attempts int
}

func (r *recordingSink) Emit(_ context.Context, e events.Event, also ...store.Write) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if r.fail != nil {
		return r.fail
	}
	if r.failures > 0 {
		r.failures--
		return errors.New("outbox unavailable")
	}
	if err := r.db.Commit(also...); err != nil {
		return err
	}
	if err := events.Validate(e); err != nil {
		r.invalid = append(r.invalid, err)
	}
	r.events = append(r.events, e)
	return nil
}

// newRecordingSink is a sink over db whose events are validated when the
// test ends, after everything registered later (the Manager) has stopped.
func newRecordingSink(t testing.TB, db *store.DB) *recordingSink {
	t.Helper()
	r := &recordingSink{db: db}
	t.Cleanup(func() { r.checkValid(t) })
	return r
}

// checkValid fails t for each kept event that did not validate.
func (r *recordingSink) checkValid(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, err := range r.invalid {
		t.Errorf("emitted an invalid event: %v", err)
	}
}

// failNext makes the next n emits fail.
func (r *recordingSink) failNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = n
}

func (r *recordingSink) tries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}

func (r *recordingSink) setFail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

func (r *recordingSink) ofType(typ string) []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.Event
	for _, e := range r.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func (r *recordingSink) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

// env is a Manager over real bbolt and SQLite in a temp dir, with fake clients.
type env struct {
	t       *testing.T
	db      *store.DB
	devices *sqlstore.Container
	sink    *recordingSink
	fakes   *fakes
	qrOut   *safebuf.Buffer
	mgr     *bridge.Manager
}

func newEnv(t *testing.T, sessions ...string) *env {
	t.Helper()
	e := openEnv(t)
	e.start(sessions...)
	return e
}

// openEnv is newEnv's stores and fakes, before the Manager starts.
func openEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	devices, err := bridge.OpenDeviceStore(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = devices.Close() })
	return &env{t: t, db: db, devices: devices, sink: newRecordingSink(t, db), fakes: newFakes(), qrOut: &safebuf.Buffer{}}
}

type bridgeConfig = bridge.ManagerConfig

// start opens a new Manager over the env's stores.
func (e *env) start(sessions ...string) {
	e.t.Helper()
	e.startWith(nil, sessions...)
}

// startWith is start with the Manager's configuration adjusted by change.
func (e *env) startWith(change func(*bridgeConfig), sessions ...string) {
	e.t.Helper()
	cfg := bridge.ManagerConfig{
		Devices: e.devices, DB: e.db, Sink: e.sink, NewClient: e.fakes.factory(),
		QRWriter: e.qrOut, ConnectBackoff: time.Millisecond,
		// Long enough for a healthy sink under -race on a busy disk, short
		// enough that tests of a failing one stay quick.
		EmitRetry: time.Second, EmitBackoff: time.Millisecond,
	}
	if change != nil {
		change(&cfg)
	}
	mgr, err := bridge.NewManager(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(mgr.Close)
	if err := mgr.Start(context.Background(), sessions...); err != nil {
		e.t.Fatal(err)
	}
	e.mgr = mgr
}

func (e *env) session(name string) *bridge.Session {
	e.t.Helper()
	s, err := e.mgr.Get(name)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

var (
	ownPN  = types.NewJID("4915100000001", types.DefaultUserServer)
	ownLID = types.NewJID("200000000000001", types.HiddenUserServer)
)

// pair does what whatsmeow does when a phone links the device: store the
// device under its new JID, then dispatch PairSuccess. Like whatsmeow, it
// writes the device's fields without any lock the session could share.
func (e *env) pair(session string) {
	e.t.Helper()
	c, devJID := e.savePaired(session)
	if !c.push(&waEvents.PairSuccess{ID: devJID, LID: ownLID, Platform: "android"}) {
		e.t.Fatal("PairSuccess handler failed")
	}
}

// savePaired is the first half of pairing, whatsmeow storing the device,
// without the event that tells the session.
func (e *env) savePaired(session string) (*fakeClient, types.JID) {
	e.t.Helper()
	c := e.fakes.last(session)
	devJID := types.NewADJID(ownPN.User, 0, 7)
	c.dev.ID = &devJID
	c.dev.LID = ownLID
	c.dev.PushName = "Bridge Owner"
	c.dev.Platform = "android"
	c.dev.Account = &waAdv.ADVSignedDeviceIdentity{
		Details:             []byte{1},
		AccountSignature:    make([]byte, 64),
		AccountSignatureKey: make([]byte, 32),
		DeviceSignature:     make([]byte, 64),
	}
	if err := c.dev.Save(context.Background()); err != nil {
		e.t.Fatalf("saving paired device: %v", err)
	}
	c.setPaired(true)
	return c, devJID
}

// loggedInConnected pairs the session and connects its client.
func (e *env) loggedInConnected(session string) *fakeClient {
	e.t.Helper()
	e.pair(session)
	c := e.fakes.last(session)
	if err := c.Connect(); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var we *werr.Error
	if !errors.As(err, &we) {
		t.Fatalf("error %v is no *werr.Error, want code %s", err, code)
	}
	if we.Code != code {
		t.Fatalf("error code %s (%v), want %s", we.Code, err, code)
	}
}

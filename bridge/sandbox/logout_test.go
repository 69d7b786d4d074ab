package sandbox_test

import (
	"errors"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

func TestLogoutDeletesDeviceAndDispatchesNothing(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	jid := f.login(t, "")
	before := len(f.rec.seen())
	if err := f.cli.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if f.dev.ID != nil || f.cli.IsConnected() {
		t.Fatalf("after Logout: dev.ID=%v connected=%v", f.dev.ID, f.cli.IsConnected())
	}
	if stored, err := f.container.GetDevice(ctx, jid); err != nil || stored != nil {
		t.Fatalf("GetDevice after Logout = %v, %v; want none", stored, err)
	}
	if err := f.cli.Logout(ctx); !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Fatalf("second Logout: %v, want ErrNotLoggedIn", err)
	}
	_, err := f.cli.SendMessage(ctx, types.NewJID("4917612345678", types.DefaultUserServer), &waE2E.Message{Conversation: proto.String("x")})
	if !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Fatalf("SendMessage after Logout: %v, want ErrNotLoggedIn", err)
	}
	// Connecting again starts a new login; had Logout dispatched anything,
	// it would come before this QR event.
	if err := f.cli.Connect(); err != nil {
		t.Fatal(err)
	}
	next[*events.QR](t, f.rec)
	if got := f.rec.seen()[before:]; len(got) != 1 {
		t.Fatalf("events after Logout+Connect: %d, want only the QR event", len(got))
	}
}

func TestLogoutWhileDisconnectedKeepsDevice(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	jid := f.login(t, "")
	f.cli.Disconnect()
	if err := f.cli.Logout(ctx); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Fatalf("Logout while disconnected: %v, want ErrNotConnected", err)
	}
	if stored, err := f.container.GetDevice(ctx, jid); err != nil || stored == nil {
		t.Fatalf("device gone after a failed Logout: %v, %v", stored, err)
	}
}

func TestNewClientReplacesSessionClient(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	f.login(t, "")
	if err := f.cli.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	fresh := f.net.NewClient("default", f.container.NewDevice(), nil)
	rec := newRecorder()
	fresh.AddEventHandlerWithSuccessStatus(rec.handle)
	if err := fresh.Connect(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.net.Scan(ctx, "default", "4917699999999"); err != nil {
		t.Fatalf("Scan of the new client: %v", err)
	}
	next[*events.PairSuccess](t, rec)
	if !fresh.IsLoggedIn() || f.dev.ID != nil {
		t.Fatalf("the scan reached the wrong client: new loggedIn=%v old dev.ID=%v", fresh.IsLoggedIn(), f.dev.ID)
	}
}

func TestRemovedHandlerGetsNothing(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "")
	other := newRecorder()
	id := f.cli.AddEventHandlerWithSuccessStatus(other.handle)
	if !f.cli.RemoveEventHandler(id) || f.cli.RemoveEventHandler(id) {
		t.Fatal("RemoveEventHandler should find the handler once")
	}
	if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := other.seen(); len(got) != 0 {
		t.Fatalf("removed handler saw %d events", len(got))
	}
}

package bridge_test

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waSyncAction"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
)

// poll reads the session's state in a loop, as /readyz, /app/devices and the
// terminal login do, until the returned stop is called. It returns once the
// first round is done, so every later write of the client's is concurrent
// with a read: under -race, a session reading the device store fails here.
func poll(t *testing.T, s *bridge.Session) (stop func()) {
	t.Helper()
	quit, done, first := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			_ = s.Status()
			if _, err := s.Devices(context.Background()); err != nil {
				t.Errorf("Devices while pairing: %v", err)
				return
			}
			if i == 0 {
				close(first)
			}
			select {
			case <-quit:
				return
			default:
			}
		}
	}()
	select {
	case <-first:
	case <-done:
	}
	return func() { close(quit); <-done }
}

func TestStatusWhileClientPairs(t *testing.T) {
	pushName := func(name string) *waEvents.PushNameSetting {
		return &waEvents.PushNameSetting{Action: &waSyncAction.PushNameSetting{Name: proto.String(name)}}
	}
	devJID := types.NewADJID(ownPN.User, 0, 7).String()
	tests := []struct {
		name   string
		after  []any // events after pairing, before the devices are read
		status bridge.Status
		device bridge.Device
	}{
		{
			name:   "paired, not yet connected",
			status: bridge.Status{LoggedIn: true, JID: ownPN.String()},
			device: bridge.Device{Session: "default", JID: devJID, LID: ownLID.String(), Platform: "android", LoggedIn: true},
		},
		{
			name:   "connected takes the push name from the store",
			after:  []any{&waEvents.Connected{}},
			status: bridge.Status{LoggedIn: true, JID: ownPN.String()},
			device: bridge.Device{Session: "default", JID: devJID, LID: ownLID.String(), PushName: "Bridge Owner", Platform: "android", LoggedIn: true},
		},
		{
			name:   "a push name setting wins over the store",
			after:  []any{pushName("Renamed"), &waEvents.Connected{}},
			status: bridge.Status{LoggedIn: true, JID: ownPN.String()},
			device: bridge.Device{Session: "default", JID: devJID, LID: ownLID.String(), PushName: "Renamed", Platform: "android", LoggedIn: true},
		},
		{
			name:   "logged out forgets the account",
			after:  []any{&waEvents.Connected{}, &waEvents.LoggedOut{Reason: waEvents.ConnectFailureLoggedOut}},
			status: bridge.Status{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "default")
			s := e.session("default")
			stop := poll(t, s)
			e.pair("default")
			c := e.fakes.last("default")
			for _, evt := range tt.after {
				if !c.push(evt) {
					t.Fatalf("%T not handled", evt)
				}
			}
			stop()
			if got := s.Status(); got != tt.status {
				t.Fatalf("status %+v, want %+v", got, tt.status)
			}
			devs, err := s.Devices(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !tt.status.LoggedIn {
				if len(devs) != 0 {
					t.Fatalf("devices %+v, want none", devs)
				}
				return
			}
			if len(devs) != 1 || devs[0] != tt.device {
				t.Fatalf("devices %+v, want [%+v]", devs, tt.device)
			}
		})
	}
}

func TestBusinessNameIsThePushNameUntilOneIsSet(t *testing.T) {
	e := newEnv(t, "default")
	c := e.fakes.last("default")
	devJID := types.NewADJID(ownPN.User, 0, 3)
	if !c.push(&waEvents.PairSuccess{ID: devJID, LID: ownLID, BusinessName: "Acme GmbH", Platform: "smbi"}) {
		t.Fatal("PairSuccess not handled")
	}
	c.setPaired(true)
	devs, err := e.session("default").Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 1 || devs[0].PushName != "Acme GmbH" || devs[0].Platform != "smbi" || devs[0].JID != devJID.String() {
		t.Fatalf("devices %+v, want the business account", devs)
	}
}

// TestStatusWhileSandboxPairs runs the sandbox's pairing, which writes the
// device on the sandbox's goroutines, against a polling reader.
func TestStatusWhileSandboxPairs(t *testing.T) {
	e := newEnv(t)
	e.mgr.Close()
	network := sandbox.NewNetwork(sandbox.Config{})
	mgr, err := bridge.NewManager(bridge.ManagerConfig{
		Devices: e.devices, DB: e.db, Sink: e.sink, QRWriter: e.qrOut, ConnectBackoff: time.Millisecond,
		NewClient: func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
			return network.NewClient(session, dev, log)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := mgr.Start(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	s, err := mgr.Get("default")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx); err != nil {
		t.Fatalf("login: %v", err)
	}
	stop := poll(t, s)
	jid, err := network.Scan(ctx, "default", "4917612345678")
	stop()
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if st := s.Status(); !st.LoggedIn || !st.Connected || st.JID != jid.ToNonAD().String() {
		t.Fatalf("status %+v, want logged in and connected as %s", st, jid.ToNonAD())
	}
	devs, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 1 || devs[0].JID != jid.String() || devs[0].LID == "" || devs[0].PushName == "" || devs[0].Platform == "" {
		t.Fatalf("devices %+v, want the paired sandbox device with its names", devs)
	}
}

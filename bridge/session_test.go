package bridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestPairedDeviceSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.pair("default")
	paired := e.sink.ofType(events.TypeSessionPaired)
	if len(paired) != 1 {
		t.Fatalf("%d session.paired events, want 1", len(paired))
	}
	if st := paired[0].Data.(events.SessionState); st.JID == nil || st.JID.PN != ownPN.String() || st.JID.LID != ownLID.String() {
		t.Fatalf("session.paired data %+v", st)
	}
	e.mgr.Close()

	e.start("default")
	s := e.session("default")
	if st := s.Status(); !st.LoggedIn || st.JID != ownPN.String() {
		t.Fatalf("status after restart %+v, want logged in as %s", st, ownPN)
	}
	c := e.fakes.last("default")
	<-c.connectedCh // the restarted manager connects a logged-in session by itself
	devs, err := s.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := bridge.Device{
		Session: "default", JID: types.NewADJID(ownPN.User, 0, 7).String(), LID: ownLID.String(),
		PushName: "Bridge Owner", Platform: "android", LoggedIn: true, Connected: true,
	}
	if len(devs) != 1 || devs[0] != want {
		t.Fatalf("devices %+v, want [%+v]", devs, want)
	}
}

func TestStartRetriesConnect(t *testing.T) {
	e := newEnv(t)
	e.pair("default")
	e.mgr.Close()
	e.fakes.prepare = func(c *fakeClient) {
		c.connectErrs = []error{errors.New("dial: network unreachable"), errors.New("dial: network unreachable")}
	}
	e.start("default") // must not block on the failing connects
	c := e.fakes.last("default")
	<-c.connectedCh
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.connects != 3 {
		t.Fatalf("%d connect attempts, want 3 (two failures, then success)", c.connects)
	}
}

func TestSessionEvents(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	evts := []struct {
		evt   any
		typ   string
		state string
	}{
		{&waEvents.Connected{}, events.TypeSessionConnected, "connected"},
		{&waEvents.Disconnected{}, events.TypeSessionDisconnected, "disconnected"},
		{&waEvents.Connected{}, events.TypeSessionConnected, "connected"},
		{&waEvents.StreamReplaced{}, events.TypeSessionStreamReplaced, "stream_replaced"},
		{&waEvents.TemporaryBan{Code: waEvents.TempBanBlockedByUsers, Expire: time.Hour}, events.TypeSessionTemporaryBan, "temporary_ban"},
	}
	e.sink.reset()
	for _, ev := range evts {
		if !c.push(ev.evt) {
			t.Fatalf("%T not handled", ev.evt)
		}
	}
	keys := map[string]bool{}
	for i, ev := range evts {
		got := e.sink.events[i]
		st := got.Data.(events.SessionState)
		if got.Type != ev.typ || st.State != ev.state || got.Session != "default" || got.Time.IsZero() {
			t.Fatalf("event %d = %s/%s, want %s/%s", i, got.Type, st.State, ev.typ, ev.state)
		}
		if keys[got.Key] {
			t.Fatalf("two occurrences share the key %q", got.Key)
		}
		keys[got.Key] = true
	}
	if st := e.sink.events[0].Data.(events.SessionState); st.JID == nil || st.JID.JID != ownPN.String() {
		t.Fatalf("session.connected does not name the account: %+v", st)
	}
	if st := e.sink.events[4].Data.(events.SessionState); st.BanExpires == nil || st.Reason == "" {
		t.Fatalf("session.temporary_ban without expiry or reason: %+v", st)
	}
}

func TestLoggedOutByWhatsApp(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	if !c.push(&waEvents.LoggedOut{OnConnect: true, Reason: waEvents.ConnectFailureLoggedOut}) {
		t.Fatal("LoggedOut not handled")
	}
	if got := e.sink.ofType(events.TypeSessionLoggedOut); len(got) != 1 || got[0].Data.(events.SessionState).Reason == "" {
		t.Fatalf("session.logged_out events %+v", got)
	}
	s := e.session("default")
	if st := s.Status(); st.LoggedIn {
		t.Fatalf("still logged in after LoggedOut: %+v", st)
	}
	fresh := e.fakes.last("default")
	if fresh == c || fresh.dev.ID != nil {
		t.Fatal("the session did not get a fresh device and client")
	}
	// The old client's leftovers are ignored; the fresh one is listened to.
	e.sink.reset()
	c.push(&waEvents.Connected{})
	fresh.push(&waEvents.Disconnected{})
	if len(e.sink.events) != 1 || e.sink.events[0].Type != events.TypeSessionDisconnected {
		t.Fatalf("events after reset %+v", e.sink.events)
	}
	e.mgr.Close()
	e.start("default")
	if st := e.session("default").Status(); st.LoggedIn {
		t.Fatal("a restart found the logged-out device again")
	}
}

func TestLogout(t *testing.T) {
	tests := []struct {
		name      string
		connected bool
	}{
		{"through WhatsApp", true},
		{"locally when WhatsApp is unreachable", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.pair("default")
			c := e.fakes.last("default")
			if tt.connected {
				if err := c.Connect(); err != nil {
					t.Fatal(err)
				}
			}
			devJID := *c.dev.ID
			s := e.session("default")
			if err := s.Logout(context.Background()); err != nil {
				t.Fatal(err)
			}
			if st := s.Status(); st.LoggedIn {
				t.Fatalf("status after logout %+v", st)
			}
			if dev, err := e.devices.GetDevice(context.Background(), devJID); err != nil || dev != nil {
				t.Fatalf("device still in the store after logout: %v, %v", dev, err)
			}
			if len(e.sink.ofType(events.TypeSessionLoggedOut)) != 1 {
				t.Fatal("no session.logged_out event")
			}
			wantCode(t, s.Logout(context.Background()), werr.CodeNotLoggedIn)
			devs, err := s.Devices(context.Background())
			if err != nil || len(devs) != 0 {
				t.Fatalf("devices after logout %v, %v", devs, err)
			}
		})
	}
}

func TestLogoutRefusedByWhatsApp(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	c.logoutErr = errors.New("server said 500")
	err := e.session("default").Logout(context.Background())
	wantCode(t, err, werr.CodeUpstream)
	if !e.session("default").Status().LoggedIn {
		t.Fatal("a failed logout forgot the device")
	}
}

func TestReconnect(t *testing.T) {
	e := newEnv(t)
	s := e.session("default")
	wantCode(t, s.Reconnect(context.Background()), werr.CodeNotLoggedIn)
	c := e.loggedInConnected("default")
	if err := s.Reconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.disconnects != 1 || c.connects != 2 || !c.connected {
		t.Fatalf("reconnect did %d disconnects and %d connects", c.disconnects, c.connects)
	}
}

func TestManager(t *testing.T) {
	e := newEnv(t, "default", "sales", "support-2")
	if !e.mgr.Ready() {
		t.Fatal("not ready after Start")
	}
	if got := e.mgr.Names(); len(got) != 3 || got[0] != "default" || got[1] != "sales" || got[2] != "support-2" {
		t.Fatalf("names %v", got)
	}
	_, err := e.mgr.Get("nope")
	wantCode(t, err, werr.CodeSessionNotFound)
	for _, bad := range []string{"", "Sales", "-x", "a.b", "averyveryveryveryveryverylongname1"} {
		wantCode(t, e.mgr.Start(context.Background(), bad), werr.CodeInvalidSession)
	}
	// Sessions are independent: pairing one leaves the others alone.
	e.pair("sales")
	if !e.session("sales").Status().LoggedIn || e.session("default").Status().LoggedIn {
		t.Fatal("pairing one session changed another")
	}
	if err := e.mgr.Start(context.Background(), "sales"); err != nil || e.fakes.count("sales") != 1 {
		t.Fatalf("starting an open session again replaced it: %v", err)
	}
	e.mgr.Close()
	if e.mgr.Ready() {
		t.Fatal("ready after Close")
	}
}

func TestManagerConfigValidate(t *testing.T) {
	_, err := bridge.NewManager(bridge.ManagerConfig{})
	if err == nil {
		t.Fatal("NewManager accepted an empty config")
	}
	for _, field := range []string{"Devices", "DB", "Sink", "NewClient"} {
		if !strings.Contains(err.Error(), "ManagerConfig."+field) {
			t.Errorf("error %q does not name the missing %s", err, field)
		}
	}
}

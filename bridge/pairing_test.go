package bridge_test

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
)

// TestCrashAfterPairingKeepsTheDevice: whatsmeow saved the paired device,
// and the process stopped before the session heard of it (no PairSuccess
// handled). The next start finds the device its session all the same.
func TestCrashAfterPairingKeepsTheDevice(t *testing.T) {
	e := newEnv(t)
	e.fakes.last("default").qrScript = []whatsmeow.QRChannelItem{code("2@pairing", 20*time.Second)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.session("default").Login(ctx); err != nil {
		t.Fatal(err)
	}
	e.savePaired("default")
	e.mgr.Close()

	e.start("default")
	if st := e.session("default").Status(); !st.LoggedIn || st.JID != ownPN.String() {
		t.Fatalf("status after restart %+v, want logged in as %s", st, ownPN)
	}
	// The adopted mapping is written: a second restart needs no recovery.
	e.mgr.Close()
	e.start("default")
	if st := e.session("default").Status(); !st.LoggedIn {
		t.Fatalf("status after the second restart %+v", st)
	}
}

// TestUnpairedLoginRecordAdoptsNothing: a login that never paired leaves
// the session logged out after a restart.
func TestUnpairedLoginRecordAdoptsNothing(t *testing.T) {
	e := newEnv(t)
	e.fakes.last("default").qrScript = []whatsmeow.QRChannelItem{code("2@never", 20*time.Second)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.session("default").Login(ctx); err != nil {
		t.Fatal(err)
	}
	e.mgr.Close()
	e.start("default")
	if st := e.session("default").Status(); st.LoggedIn {
		t.Fatalf("status after restart %+v, want logged out", st)
	}
}

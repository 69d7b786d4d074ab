package bridge_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/werr"
)

func code(c string, timeout time.Duration) whatsmeow.QRChannelItem {
	return whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: c, Timeout: timeout}
}

func TestLoginQRFlow(t *testing.T) {
	e := newEnv(t)
	c := e.fakes.last("default")
	c.qrScript = []whatsmeow.QRChannelItem{code("2@first-code", time.Minute)}
	s := e.session("default")
	ctx := context.Background()

	before := time.Now()
	qr, err := s.Login(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if qr.Code != "2@first-code" || qr.Timeout != 60 || qr.ExpiresAt.Before(before.Add(time.Minute)) {
		t.Fatalf("first code %+v", qr)
	}
	if !c.IsConnected() {
		t.Fatal("login did not connect")
	}
	again, err := s.Login(ctx)
	if err != nil || again.Code != qr.Code || c.qrChannels != 1 {
		t.Fatalf("second Login = %+v, %v, %d QR channels; want the same code from the same channel", again, err, c.qrChannels)
	}

	c.sendQR(code("2@second-code", 20*time.Second))
	waitFor(t, "the second code", func() bool {
		q, err := s.Login(ctx)
		return err == nil && q.Code == "2@second-code"
	})
	qrEvents := e.sink.ofType(events.TypeSessionQR)
	if len(qrEvents) != 2 || qrEvents[0].Data.(events.SessionState).QRCode != "2@first-code" ||
		qrEvents[1].Data.(events.SessionState).QRCode != "2@second-code" {
		t.Fatalf("session.qr events %+v", qrEvents)
	}
	if st := qrEvents[0].Data.(events.SessionState); st.State != "qr" || st.QRCode != "2@first-code" || st.ExpiresAt == nil {
		t.Fatalf("session.qr data %+v", st)
	}
	if out := e.qrOut.String(); strings.Count(out, `session "default"`) != 2 || !strings.ContainsAny(out, "█▀▄") {
		t.Fatalf("QR codes not drawn on the terminal writer:\n%s", out)
	}

	e.pair("default")
	c.sendQR(whatsmeow.QRChannelSuccess)
	_, err = s.Login(ctx)
	wantCode(t, err, werr.CodeAlreadyLoggedIn)
	if st := s.Status(); !st.LoggedIn || st.JID != ownPN.String() {
		t.Fatalf("status after pairing %+v", st)
	}
}

func TestLoginTimeoutDisconnectsAndAllowsNewLogin(t *testing.T) {
	e := newEnv(t)
	c := e.fakes.last("default")
	c.qrScript = []whatsmeow.QRChannelItem{code("2@only", time.Second)}
	s := e.session("default")
	if _, err := s.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.sendQR(whatsmeow.QRChannelTimeout)
	waitFor(t, "the disconnect after timeout", func() bool { return !c.IsConnected() })

	c.qrScript = []whatsmeow.QRChannelItem{code("2@fresh", time.Second)}
	qr, err := s.Login(context.Background())
	if err != nil || qr.Code != "2@fresh" || c.qrChannels != 2 {
		t.Fatalf("Login after timeout = %+v, %v (%d QR channels), want a fresh code", qr, err, c.qrChannels)
	}
}

func TestLoginErrors(t *testing.T) {
	t.Run("no code in time", func(t *testing.T) {
		e := newEnv(t)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := e.session("default").Login(ctx)
		wantCode(t, err, werr.CodeTimeout)
	})
	t.Run("channel error before any code", func(t *testing.T) {
		e := newEnv(t)
		e.fakes.last("default").qrScript = []whatsmeow.QRChannelItem{whatsmeow.QRChannelClientOutdated}
		_, err := e.session("default").Login(context.Background())
		wantCode(t, err, werr.CodeUpstream)
	})
	t.Run("disconnected before any code", func(t *testing.T) {
		// whatsmeow ends the QR channel with "timeout" when the connection
		// drops; before a first code that is an unreachable WhatsApp.
		e := newEnv(t)
		e.fakes.last("default").qrScript = []whatsmeow.QRChannelItem{whatsmeow.QRChannelTimeout}
		_, err := e.session("default").Login(context.Background())
		wantCode(t, err, werr.CodeNotConnected)
	})
	t.Run("connect fails", func(t *testing.T) {
		e := newEnv(t)
		e.fakes.last("default").connectErrs = []error{fmt.Errorf("failed to dial websocket: %w", syscall.ECONNREFUSED)}
		_, err := e.session("default").Login(context.Background())
		wantCode(t, err, werr.CodeUpstream)
	})
	t.Run("already logged in", func(t *testing.T) {
		e := newEnv(t)
		e.pair("default")
		_, err := e.session("default").Login(context.Background())
		wantCode(t, err, werr.CodeAlreadyLoggedIn)
	})
}

func TestLoginWithCode(t *testing.T) {
	e := newEnv(t)
	c := e.fakes.last("default")
	c.qrScript = []whatsmeow.QRChannelItem{code("2@code", time.Minute)}
	s := e.session("default")
	for _, bad := range []string{"", "+4917612345678", "0176", "4917612345678@s.whatsapp.net"} {
		_, err := s.LoginWithCode(context.Background(), bad)
		wantCode(t, err, werr.CodeInvalidRecipient)
	}
	if c.qrChannels != 0 {
		t.Fatal("an invalid phone started a login")
	}
	got, err := s.LoginWithCode(context.Background(), "4917612345678")
	if err != nil {
		t.Fatal(err)
	}
	if got != "ABCD-EFGH" || len(c.pairPhones) != 1 || c.pairPhones[0] != "4917612345678" || !c.IsConnected() {
		t.Fatalf("pairing code %q, PairPhone calls %v, connected %v", got, c.pairPhones, c.IsConnected())
	}
}

// waitFor polls cond; the deadline only stops a broken test, it asserts
// nothing about speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

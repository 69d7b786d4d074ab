package sandbox_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

var qrCodeFormat = regexp.MustCompile(`^2@[A-Za-z0-9+/]+=*,[A-Za-z0-9+/]+=*,[A-Za-z0-9+/]+=*,[A-Za-z0-9+/]+=*$`)

func TestQRLoginSavesDeviceAndEmitsInWhatsmeowOrder(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	qr, err := f.cli.GetQRChannel(ctx)
	if err != nil {
		t.Fatalf("GetQRChannel: %v", err)
	}
	if err := f.cli.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if !f.cli.IsConnected() || f.cli.IsLoggedIn() {
		t.Fatalf("after Connect: connected=%v loggedIn=%v, want true/false", f.cli.IsConnected(), f.cli.IsLoggedIn())
	}
	qrEvt := next[*events.QR](t, f.rec)
	if len(qrEvt.Codes) != 6 {
		t.Fatalf("QR event has %d codes, want 6 like WhatsApp", len(qrEvt.Codes))
	}
	item, _ := nextItem(t, qr)
	if item.Event != whatsmeow.QRChannelEventCode || item.Code != qrEvt.Codes[0] || item.Timeout != 60*time.Second {
		t.Fatalf("first item = %+v, want code %q valid 60s", item, qrEvt.Codes[0])
	}
	if !qrCodeFormat.MatchString(item.Code) {
		t.Fatalf("code %q is not in WhatsApp's format", item.Code)
	}

	jid, err := f.net.Scan(ctx, "default", "4917612345678")
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if jid.User != "4917612345678" || jid.Server != types.DefaultUserServer || jid.Device == 0 {
		t.Fatalf("Scan returned %s, want a companion device of 4917612345678", jid)
	}
	if item, ok := nextItem(t, qr); item != whatsmeow.QRChannelSuccess || !ok {
		t.Fatalf("QR channel item after scan = %+v, want success", item)
	}
	if _, ok := nextItem(t, qr); ok {
		t.Fatal("QR channel still open after success")
	}
	var order []string
	for _, evt := range f.rec.seen() {
		switch e := evt.(type) {
		case *events.QR:
			order = append(order, "qr")
		case *events.PairSuccess:
			order = append(order, "pair")
			if e.ID != jid || e.LID.Server != types.HiddenUserServer || e.Platform == "" {
				t.Errorf("PairSuccess = %+v, want ID %s with LID and platform", e, jid)
			}
		case *events.Connected:
			order = append(order, "connected")
		default:
			order = append(order, "other")
		}
	}
	if got := joinOrder(order); got != "qr pair connected" {
		t.Fatalf("events = %s, want qr pair connected", got)
	}
	if !f.cli.IsLoggedIn() || f.dev.ID == nil || *f.dev.ID != jid {
		t.Fatalf("after scan: loggedIn=%v dev.ID=%v", f.cli.IsLoggedIn(), f.dev.ID)
	}

	stored, err := f.container.GetDevice(ctx, jid)
	if err != nil || stored == nil {
		t.Fatalf("GetDevice(%s) = %v, %v; want the saved device", jid, stored, err)
	}
	if stored.LID != f.dev.LID || stored.PushName == "" || stored.Platform != f.dev.Platform {
		t.Fatalf("stored device = lid %s push %q platform %q, want lid %s and names", stored.LID, stored.PushName, stored.Platform, f.dev.LID)
	}
	pn, err := stored.LIDs.GetPNForLID(ctx, stored.LID.ToNonAD())
	if err != nil || pn.User != jid.User {
		t.Fatalf("LID mapping of %s = %s, %v; want %s", stored.LID, pn, err, jid.ToNonAD())
	}

	// After a restart the session loads the device and connects it.
	restarted := sandbox.NewNetwork(sandbox.Config{})
	cli := restarted.NewClient("default", stored, nil)
	rec := newRecorder()
	cli.AddEventHandlerWithSuccessStatus(rec.handle)
	if err := cli.Connect(); err != nil {
		t.Fatalf("Connect of restored device: %v", err)
	}
	next[*events.Connected](t, rec)
	if !cli.IsLoggedIn() {
		t.Fatal("restored device not logged in after Connected")
	}
}

func joinOrder(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += " "
		}
		out += p
	}
	return out
}

func TestQRCodesRunOutThenTimeoutAndDisconnect(t *testing.T) {
	f := newFixture(t, sandbox.Config{QRTimeout: time.Millisecond})
	qr, err := f.cli.GetQRChannel(testCtx(t))
	if err != nil {
		t.Fatalf("GetQRChannel: %v", err)
	}
	if err := f.cli.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	codes := 0
	for {
		item, ok := nextItem(t, qr)
		if !ok {
			t.Fatal("channel closed without a timeout item")
		}
		if item.Event == whatsmeow.QRChannelEventCode {
			codes++
			continue
		}
		if item != whatsmeow.QRChannelTimeout {
			t.Fatalf("last item = %+v, want timeout", item)
		}
		break
	}
	if codes != 6 {
		t.Fatalf("got %d codes, want 6", codes)
	}
	if _, ok := nextItem(t, qr); ok {
		t.Fatal("channel open after timeout")
	}
	if f.cli.IsConnected() {
		t.Fatal("still connected after the QR codes ran out")
	}
	if _, err := f.net.Scan(testCtx(t), "default", ""); werr.KindOf(err) != werr.KindNotLoggedIn {
		t.Fatalf("Scan after timeout: %v, want NOT_LOGGED_IN (no login in progress)", err)
	}
}

func TestQRChannelEndsWhenContextEnds(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx, cancel := context.WithCancel(testCtx(t))
	qr, err := f.cli.GetQRChannel(ctx)
	if err != nil {
		t.Fatalf("GetQRChannel: %v", err)
	}
	if err := f.cli.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if item, _ := nextItem(t, qr); item.Event != whatsmeow.QRChannelEventCode {
		t.Fatalf("first item %+v, want a code", item)
	}
	cancel()
	if item, ok := nextItem(t, qr); ok {
		t.Fatalf("got %+v after cancel, want the channel closed", item)
	}
}

func TestGetQRChannelRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		want  error
	}{
		{"after connect", func(t *testing.T, f *fixture) {
			if err := f.cli.Connect(); err != nil {
				t.Fatal(err)
			}
		}, whatsmeow.ErrQRAlreadyConnected},
		{"paired device", func(t *testing.T, f *fixture) {
			f.login(t, "")
			f.cli.Disconnect()
		}, whatsmeow.ErrQRStoreContainsID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.Config{})
			tt.setup(t, f)
			if _, err := f.cli.GetQRChannel(testCtx(t)); !errors.Is(err, tt.want) {
				t.Fatalf("GetQRChannel: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestConnectTwiceIsAlreadyConnected(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	if err := f.cli.Connect(); err != nil {
		t.Fatal(err)
	}
	if err := f.cli.Connect(); !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
		t.Fatalf("second Connect: %v, want ErrAlreadyConnected", err)
	}
}

func TestManualDisconnectDispatchesNothing(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "")
	before := len(f.rec.seen())
	f.cli.Disconnect()
	if f.cli.IsConnected() {
		t.Fatal("connected after Disconnect")
	}
	if err := f.cli.Connect(); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	next[*events.Connected](t, f.rec)
	// Events are dispatched in order, so anything Disconnect had queued
	// would have come before this Connected.
	if got := f.rec.seen()[before:]; len(got) != 1 {
		t.Fatalf("events after Disconnect+Connect = %T..., want only Connected", got)
	}
}

func TestPairingCodeLogin(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	if err := f.cli.Connect(); err != nil {
		t.Fatal(err)
	}
	code, err := f.cli.PairPhone(ctx, "+49 176 1234-5678", true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	if err != nil {
		t.Fatalf("PairPhone: %v", err)
	}
	if !regexp.MustCompile(`^[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}$`).MatchString(code) {
		t.Fatalf("pairing code %q is not XXXX-XXXX in WhatsApp's alphabet", code)
	}
	if _, err := f.net.Scan(ctx, "default", "4915550000000"); werr.KindOf(err) != werr.KindInvalid {
		t.Fatalf("Scan with another number: %v, want invalid", err)
	}
	jid, err := f.net.Scan(ctx, "default", "")
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if jid.User != "4917612345678" {
		t.Fatalf("paired %s, want the number the code was asked for", jid)
	}
	next[*events.PairSuccess](t, f.rec)
	next[*events.Connected](t, f.rec)
}

func TestPairPhoneRefusals(t *testing.T) {
	tests := []struct {
		name    string
		connect bool
		phone   string
		want    error
	}{
		{"too short", true, "123456", whatsmeow.ErrPhoneNumberTooShort},
		{"not international", true, "0176123456", whatsmeow.ErrPhoneNumberIsNotInternational},
		{"not connected", false, "4917612345678", whatsmeow.ErrNotConnected},
		{"not on WhatsApp", true, "4930000000", whatsmeow.ErrIQNotFound},
		{"magic number not on WhatsApp", true, "9994930000", whatsmeow.ErrIQNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.Config{NotOnWhatsApp: []string{"4930000000"}})
			if tt.connect {
				if err := f.cli.Connect(); err != nil {
					t.Fatal(err)
				}
			}
			_, err := f.cli.PairPhone(testCtx(t), tt.phone, false, whatsmeow.PairClientChrome, "Chrome (Linux)")
			if !errors.Is(err, tt.want) {
				t.Fatalf("PairPhone(%q): %v, want %v", tt.phone, err, tt.want)
			}
		})
	}
}

func TestScanRefusals(t *testing.T) {
	tests := []struct {
		name    string
		session string
		phone   string
		setup   func(t *testing.T, f *fixture)
		want    werr.Kind
	}{
		{"unknown session", "other", "", func(*testing.T, *fixture) {}, werr.KindNotFound},
		{"no login started", "default", "", func(*testing.T, *fixture) {}, werr.KindNotLoggedIn},
		{"already logged in", "default", "", func(t *testing.T, f *fixture) { f.login(t, "") }, werr.KindConflict},
		{"malformed phone", "default", "12ab", func(t *testing.T, f *fixture) {
			if err := f.cli.Connect(); err != nil {
				t.Fatal(err)
			}
		}, werr.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.Config{})
			tt.setup(t, f)
			_, err := f.net.Scan(testCtx(t), tt.session, tt.phone)
			if werr.KindOf(err) != tt.want {
				t.Fatalf("Scan: %v, want kind %v", err, tt.want)
			}
		})
	}
}

func TestScanWithoutPhoneUsesStableVirtualNumber(t *testing.T) {
	numbers := map[string]string{}
	for _, session := range []string{"default", "default", "shop"} {
		net := sandbox.NewNetwork(sandbox.Config{})
		dev := newContainer(t).NewDevice()
		cli := net.NewClient(session, dev, nil)
		if err := cli.Connect(); err != nil {
			t.Fatal(err)
		}
		jid, err := net.Scan(testCtx(t), session, "")
		if err != nil {
			t.Fatalf("Scan(%s): %v", session, err)
		}
		if !regexp.MustCompile(`^1555\d{7}$`).MatchString(jid.User) {
			t.Fatalf("virtual number %q, want 1555 and 7 digits", jid.User)
		}
		if prev, ok := numbers[session]; ok && prev != jid.User {
			t.Fatalf("session %s got %s, earlier %s", session, jid.User, prev)
		}
		numbers[session] = jid.User
	}
	if numbers["default"] == numbers["shop"] {
		t.Fatalf("two sessions got the same virtual number %s", numbers["shop"])
	}
}

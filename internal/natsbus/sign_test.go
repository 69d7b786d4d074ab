package natsbus_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/natsbus"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func signedSample(now time.Time) natsbus.Signed {
	return natsbus.Signed{
		Subject: "wa.sales.rpc.send.message", ID: "key-1", Source: "/wabridge/rest/alice",
		Type: "wa.command.send.message", Expiry: now.Add(time.Minute), Data: []byte(`{"phone":"1","message":"hi"}`),
	}
}

func TestSignatureRoundTrip(t *testing.T) {
	now := time.Now()
	f := signedSample(now)
	sig := natsbus.Sign(testSecret, f)
	if !strings.HasPrefix(sig, "v1,") {
		t.Fatalf("signature %q lacks its scheme", sig)
	}
	if strings.Contains(sig, string(testSecret)) {
		t.Fatalf("signature %q contains the secret", sig)
	}
	if err := natsbus.VerifySignature(testSecret, sig, f, now); err != nil {
		t.Fatalf("own signature refused: %v", err)
	}
	// What the receiver decodes is another time value of the same instant.
	f.Expiry = f.Expiry.UTC()
	if err := natsbus.VerifySignature(testSecret, sig, f, now); err != nil {
		t.Fatalf("signature refused after a UTC round trip of the expiry: %v", err)
	}
}

func TestSignatureRefusesTampering(t *testing.T) {
	now := time.Now()
	f := signedSample(now)
	sig := natsbus.Sign(testSecret, f)
	for name, change := range map[string]func(*natsbus.Signed){
		"data":    func(s *natsbus.Signed) { s.Data = []byte(`{"phone":"2","message":"hi"}`) },
		"id":      func(s *natsbus.Signed) { s.ID = "key-2" },
		"source":  func(s *natsbus.Signed) { s.Source = "/wabridge/rest/bob" },
		"type":    func(s *natsbus.Signed) { s.Type = "wa.command.message.revoke" },
		"subject": func(s *natsbus.Signed) { s.Subject = "wa.default.rpc.send.message" },
		"expiry":  func(s *natsbus.Signed) { s.Expiry = s.Expiry.Add(time.Second) },
		// Length prefixes: moving bytes between fields is a change.
		"boundary": func(s *natsbus.Signed) { s.ID, s.Source = "key-1/wabridge", "/rest/alice" },
	} {
		g := f
		change(&g)
		if err := natsbus.VerifySignature(testSecret, sig, g, now); !errors.Is(err, natsbus.ErrBadSignature) {
			t.Errorf("%s changed: got %v, want ErrBadSignature", name, err)
		}
	}
}

func TestSignatureOtherSecretRefused(t *testing.T) {
	now := time.Now()
	f := signedSample(now)
	other := []byte("fedcba9876543210fedcba9876543210")
	if err := natsbus.VerifySignature(testSecret, natsbus.Sign(other, f), f, now); !errors.Is(err, natsbus.ErrBadSignature) {
		t.Errorf("signature of another secret: got %v, want ErrBadSignature", err)
	}
}

func TestSignatureRefusesMalformedHeaders(t *testing.T) {
	now := time.Now()
	f := signedSample(now)
	sig := natsbus.Sign(testSecret, f)
	for _, h := range []string{"v2," + strings.TrimPrefix(sig, "v1,"), "v1,!!!", "v1,", string(testSecret), sig[:len(sig)-2]} {
		if err := natsbus.VerifySignature(testSecret, h, f, now); !errors.Is(err, natsbus.ErrBadSignature) {
			t.Errorf("header %q: got %v, want ErrBadSignature", h, err)
		}
	}
	if err := natsbus.VerifySignature(testSecret, "", f, now); !errors.Is(err, natsbus.ErrNoSignature) {
		t.Errorf("no header: got %v", err)
	}
	if err := natsbus.VerifySignature(nil, sig, f, now); !errors.Is(err, natsbus.ErrNoSignature) {
		t.Errorf("no secret: got %v", err)
	}
}

// TestSignatureExpiryBounds: a signature must name an expirytime, and one at
// most MaxSignedAhead away, so a header seen on the bus is worth little time.
func TestSignatureExpiryBounds(t *testing.T) {
	now := time.Now()
	f := signedSample(now)
	f.Expiry = time.Time{}
	if err := natsbus.VerifySignature(testSecret, natsbus.Sign(testSecret, f), f, now); !errors.Is(err, natsbus.ErrNoExpiry) {
		t.Errorf("no expiry: got %v, want ErrNoExpiry", err)
	}
	f.Expiry = now.Add(natsbus.MaxSignedAhead + time.Second)
	if err := natsbus.VerifySignature(testSecret, natsbus.Sign(testSecret, f), f, now); !errors.Is(err, natsbus.ErrFarExpiry) {
		t.Errorf("far expiry: got %v, want ErrFarExpiry", err)
	}
	f.Expiry = now.Add(natsbus.MaxSignedAhead)
	if err := natsbus.VerifySignature(testSecret, natsbus.Sign(testSecret, f), f, now); err != nil {
		t.Errorf("expiry at the bound: %v", err)
	}
}

package commands

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/wabridge/wabridge/bridge"
)

// qrPixels is the side of the login QR image: large enough to scan from a
// screen, small enough for a JSON reply.
const qrPixels = 256

// Loginer starts (or joins) a QR login.
type Loginer interface {
	Login(ctx context.Context) (bridge.LoginQR, error)
}

type appLoginPayload struct{}

type appLoginData struct {
	QRLink     string `json:"qr_link"` // data:image/png;base64,…
	QRCode     string `json:"qr_code"`
	QRDuration int    `json:"qr_duration"` // seconds
	ExpiresAt  string `json:"expires_at"`  // RFC 3339
}

func appLogin(ctx context.Context, s Loginer, _ Env, _ appLoginPayload) (any, error) {
	qr, err := s.Login(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting login: %w", err)
	}
	png, err := qrcode.Encode(qr.Code, qrcode.Medium, qrPixels)
	if err != nil {
		return nil, fmt.Errorf("rendering login QR code: %w", err)
	}
	return appLoginData{
		QRLink:     "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
		QRCode:     qr.Code,
		QRDuration: qr.Timeout,
		ExpiresAt:  qr.ExpiresAt.UTC().Format(time.RFC3339),
	}, nil
}

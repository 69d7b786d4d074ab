package bridge

import (
	"fmt"
	"io"
	"sync"

	qrcode "github.com/skip2/go-qrcode"
)

// qrPrinter draws login QR codes on a terminal. Sessions share one writer,
// so whole codes are written under a lock and never interleave.
type qrPrinter struct {
	mu sync.Mutex
	w  io.Writer
}

func newQRPrinter(w io.Writer) *qrPrinter {
	return &qrPrinter{w: w}
}

func (p *qrPrinter) print(session, code string) error {
	if p.w == nil {
		return nil
	}
	qr, err := qrcode.New(code, qrcode.Low)
	if err != nil {
		return fmt.Errorf("encoding QR code: %w", err)
	}
	art := qr.ToSmallString(false)
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err = fmt.Fprintf(p.w, "Scan with WhatsApp (Linked devices) to log in session %q:\n%s\n", session, art)
	if err != nil {
		return fmt.Errorf("printing QR code: %w", err)
	}
	return nil
}

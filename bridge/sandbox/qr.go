package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"
)

// qrCodeCount is how many codes WhatsApp sends for one login attempt.
const qrCodeCount = 6

// qrCodes builds the codes of a login attempt the way whatsmeow does: a
// server reference, then the device's noise key, identity key and ADV
// secret, comma-separated and base64-encoded.
func qrCodes(dev *store.Device) []string {
	b64 := base64.StdEncoding.EncodeToString
	keys := []string{b64(random(32)), b64(random(32)), b64(random(32))}
	if dev.NoiseKey != nil && dev.IdentityKey != nil && len(dev.AdvSecretKey) > 0 {
		keys = []string{b64(dev.NoiseKey.Pub[:]), b64(dev.IdentityKey.Pub[:]), b64(dev.AdvSecretKey)}
	}
	codes := make([]string, qrCodeCount)
	for i := range codes {
		ref := "2@" + b64(random(48))
		codes[i] = strings.Join(append([]string{ref}, keys...), ",")
	}
	return codes
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// GetQRChannel returns a channel of QR codes for the login Connect starts.
// As in whatsmeow it must be called before Connect, and its last item is
// "success", "timeout" or an error item, after which it is closed.
func (c *Client) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	c.mu.Lock()
	connected, paired := c.connected, c.dev.ID != nil
	c.mu.Unlock()
	if connected {
		return nil, whatsmeow.ErrQRAlreadyConnected
	}
	if paired {
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	out := make(chan whatsmeow.QRChannelItem, 8)
	q := &qrChannel{
		cli:     c,
		ctx:     ctx,
		log:     c.log.Sub("QRChannel"),
		output:  out,
		stopQRs: make(chan struct{}),
		timeout: c.net.cfg.QRTimeout,
	}
	q.handlerID = c.events.add(func(evt any) bool {
		q.handleEvent(evt)
		return true
	})
	return out, nil
}

// qrChannel follows whatsmeow's: it turns the client's events into channel
// items and emits a new code whenever the previous one expires.
type qrChannel struct {
	cli       *Client
	ctx       context.Context
	log       waLog.Logger
	handlerID uint32
	// mu makes closing the output and sending to it exclusive, so the
	// emitter never sends on a channel an event just closed.
	mu       sync.Mutex
	closed   atomic.Bool
	output   chan whatsmeow.QRChannelItem
	stopQRs  chan struct{}
	stopOnce sync.Once
	timeout  time.Duration
}

func (q *qrChannel) codeTimeout(index int) time.Duration {
	switch {
	case q.timeout > 0:
		return q.timeout
	case index == 0:
		return 60 * time.Second
	default:
		return 20 * time.Second
	}
}

// closeWith ends the channel once; item, when set, is its last value.
func (q *qrChannel) closeWith(item *whatsmeow.QRChannelItem, disconnect bool) bool {
	q.mu.Lock()
	if !q.closed.CompareAndSwap(false, true) {
		q.mu.Unlock()
		return false
	}
	q.cli.RemoveEventHandler(q.handlerID)
	// whatsmeow disconnects right after closing; doing it first means a
	// reader that sees the channel end also sees the client disconnected.
	if disconnect {
		q.cli.Disconnect()
	}
	if item != nil {
		q.output <- *item // cannot block: at most 6 codes precede it in a buffer of 8
	}
	close(q.output)
	q.mu.Unlock()
	return true
}

func (q *qrChannel) emit(codes []string) {
	for i, code := range codes {
		timeout := q.codeTimeout(i)
		sent, open := q.offer(whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: code, Timeout: timeout})
		if !open {
			return
		}
		if !sent {
			q.log.Debugf("Output channel didn't accept code, exiting QR emitter")
			q.closeWith(nil, true)
			return
		}
		timer := time.NewTimer(timeout)
		select {
		case <-timer.C:
		case <-q.stopQRs:
			timer.Stop()
			return
		case <-q.ctx.Done():
			timer.Stop()
			q.closeWith(nil, true)
			return
		}
	}
	timeout := whatsmeow.QRChannelTimeout
	if q.closeWith(&timeout, true) {
		q.log.Debugf("Ran out of QR codes, closed channel and disconnected")
	}
}

// offer sends item if the channel is open and has room.
func (q *qrChannel) offer(item whatsmeow.QRChannelItem) (sent, open bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed.Load() {
		return false, false
	}
	select {
	case q.output <- item:
		return true, true
	default:
		return false, true
	}
}

func (q *qrChannel) handleEvent(raw any) {
	if q.closed.Load() {
		return
	}
	var item whatsmeow.QRChannelItem
	switch evt := raw.(type) {
	case *events.QR:
		go q.emit(append([]string(nil), evt.Codes...))
		return
	case *events.PairSuccess:
		item = whatsmeow.QRChannelSuccess
	case *events.PairError:
		item = whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventError, Error: evt.Error}
	case *events.Disconnected:
		item = whatsmeow.QRChannelTimeout
	case *events.ClientOutdated:
		item = whatsmeow.QRChannelClientOutdated
	case *events.Connected, *events.ConnectFailure, *events.LoggedOut, *events.TemporaryBan:
		item = whatsmeow.QRChannelErrUnexpectedEvent
	default:
		return
	}
	q.stopOnce.Do(func() { close(q.stopQRs) })
	q.closeWith(&item, false)
}

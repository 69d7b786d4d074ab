package bridge_test

import (
	"context"
	"errors"
	"sync"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
)

// fakeClient records what a Session asks of whatsmeow and lets tests push
// whatsmeow events through the registered handlers.
type fakeClient struct {
	bridge.UnsupportedClient // what a test needs and the fake lacks
	dev                      *store.Device

	mu          sync.Mutex
	connected   bool
	connects    int
	disconnects int
	connectErrs []error // returned by the next Connect calls, in order
	connectedCh chan struct{}
	handlers    map[uint32]whatsmeow.EventHandlerWithSuccessStatus
	nextID      uint32
	sent        []sentMessage
	sendErr     error
	qrChannels  int
	qrScript    []whatsmeow.QRChannelItem // sent on each new QR channel at once
	qr          chan whatsmeow.QRChannelItem
	pairPhones  []string
	logoutErr   error
	// paired is the fake's own record of pairing, as whatsmeow keeps
	// isLoggedIn apart from the device: IsLoggedIn must not read dev, which
	// tests write unsynchronised to catch sessions that read it.
	paired bool
}

var _ bridge.Client = (*fakeClient)(nil)

type sentMessage struct {
	To    types.JID
	Msg   *waE2E.Message
	Extra whatsmeow.SendRequestExtra
}

func newFakeClient(dev *store.Device) *fakeClient {
	return &fakeClient{dev: dev, paired: dev.ID != nil, handlers: map[uint32]whatsmeow.EventHandlerWithSuccessStatus{}, connectedCh: make(chan struct{}, 16)}
}

func (f *fakeClient) Connect() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connects++
	if len(f.connectErrs) > 0 {
		err := f.connectErrs[0]
		f.connectErrs = f.connectErrs[1:]
		return err
	}
	if f.connected {
		return whatsmeow.ErrAlreadyConnected
	}
	f.connected = true
	select {
	case f.connectedCh <- struct{}{}:
	default:
	}
	return nil
}

func (f *fakeClient) Disconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disconnects++
	f.connected = false
}

func (f *fakeClient) IsConnected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connected
}

func (f *fakeClient) IsLoggedIn() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connected && f.paired
}

func (f *fakeClient) setPaired(paired bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paired = paired
}

func (f *fakeClient) Logout(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logoutErr != nil {
		return f.logoutErr
	}
	if !f.connected {
		return whatsmeow.ErrNotConnected
	}
	f.connected = false
	f.paired = false
	return f.dev.Delete(ctx)
}

// GetQRChannel hands out a channel primed with qrScript; tests send more
// items with sendQR.
func (f *fakeClient) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dev.ID != nil {
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	f.qrChannels++
	f.qr = make(chan whatsmeow.QRChannelItem, 8)
	for _, item := range f.qrScript {
		f.qr <- item
	}
	return f.qr, nil
}

// sendQR sends item on the current QR channel, closing it after a final one
// as whatsmeow does.
func (f *fakeClient) sendQR(item whatsmeow.QRChannelItem) {
	f.mu.Lock()
	ch := f.qr
	f.mu.Unlock()
	ch <- item
	if item.Event != whatsmeow.QRChannelEventCode {
		close(ch)
	}
}

func (f *fakeClient) PairPhone(_ context.Context, phone string, _ bool, _ whatsmeow.PairClientType, _ string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pairPhones = append(f.pairPhones, phone)
	return "ABCD-EFGH", nil
}

func (f *fakeClient) SendMessage(_ context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return whatsmeow.SendResponse{}, f.sendErr
	}
	if len(extra) != 1 {
		return whatsmeow.SendResponse{}, errors.New("fake: want exactly one SendRequestExtra")
	}
	f.sent = append(f.sent, sentMessage{To: to, Msg: msg, Extra: extra[0]})
	return whatsmeow.SendResponse{ID: extra[0].ID, Timestamp: fixedTime}, nil
}

func (f *fakeClient) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.handlers[f.nextID] = h
	return f.nextID
}

func (f *fakeClient) RemoveEventHandler(id uint32) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.handlers[id]
	delete(f.handlers, id)
	return ok
}

// push dispatches evt the way whatsmeow does: every handler in turn, failed
// if any handler returned false.
func (f *fakeClient) push(evt any) bool {
	f.mu.Lock()
	hs := make([]whatsmeow.EventHandlerWithSuccessStatus, 0, len(f.handlers))
	for _, h := range f.handlers {
		hs = append(hs, h)
	}
	f.mu.Unlock()
	ok := true
	for _, h := range hs {
		ok = h(evt) && ok
	}
	return ok
}

func (f *fakeClient) sentMessages() []sentMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMessage(nil), f.sent...)
}

// fakes is a ClientFactory that keeps every client it made, per session.
type fakes struct {
	mu      sync.Mutex
	clients map[string][]*fakeClient
	// prepare, if set, adjusts each new client before the session uses it.
	prepare func(*fakeClient)
}

func newFakes() *fakes { return &fakes{clients: map[string][]*fakeClient{}} }

func (fs *fakes) factory() bridge.ClientFactory {
	return func(session string, dev *store.Device, _ waLog.Logger) bridge.Client {
		c := newFakeClient(dev)
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if fs.prepare != nil {
			fs.prepare(c)
		}
		fs.clients[session] = append(fs.clients[session], c)
		return c
	}
}

// last is the session's current client.
func (fs *fakes) last(session string) *fakeClient {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	cs := fs.clients[session]
	if len(cs) == 0 {
		return nil
	}
	return cs[len(cs)-1]
}

func (fs *fakes) count(session string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.clients[session])
}

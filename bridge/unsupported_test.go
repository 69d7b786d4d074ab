package bridge_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestUnsupportedClientAnswersErrUnsupported: every method with an error
// answers errors.ErrUnsupported.
func TestUnsupportedClientAnswersErrUnsupported(t *testing.T) {
	var c bridge.UnsupportedClient
	ctx := context.Background()
	_, qrErr := c.GetQRChannel(ctx)
	_, pairErr := c.PairPhone(ctx, "4917612345678", true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	_, sendErr := c.SendMessage(ctx, alicePN, &waE2E.Message{Conversation: proto.String("x")})
	for name, err := range map[string]error{
		"Connect": c.Connect(), "Logout": c.Logout(ctx), "GetQRChannel": qrErr,
		"PairPhone": pairErr, "SendMessage": sendErr,
	} {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: %v, want errors.ErrUnsupported", name, err)
		}
	}
}

// senderless is a client that connects and pairs but cannot send: what a
// stand-in that has not simulated a command yet looks like to a session.
type senderless struct {
	bridge.UnsupportedClient
	*fakeClient
}

// SendMessage is the base's: the fake's own is hidden.
func (s senderless) SendMessage(ctx context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	return s.UnsupportedClient.SendMessage(ctx, to, m, extra...)
}

func (s senderless) Connect() error                   { return s.fakeClient.Connect() }
func (s senderless) Disconnect()                      { s.fakeClient.Disconnect() }
func (s senderless) IsConnected() bool                { return s.fakeClient.IsConnected() }
func (s senderless) IsLoggedIn() bool                 { return s.fakeClient.IsLoggedIn() }
func (s senderless) Logout(ctx context.Context) error { return s.fakeClient.Logout(ctx) }
func (s senderless) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	return s.fakeClient.GetQRChannel(ctx)
}
func (s senderless) PairPhone(ctx context.Context, p string, n bool, ct whatsmeow.PairClientType, d string) (string, error) {
	return s.fakeClient.PairPhone(ctx, p, n, ct, d)
}
func (s senderless) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	return s.fakeClient.AddEventHandlerWithSuccessStatus(h)
}
func (s senderless) RemoveEventHandler(id uint32) bool { return s.fakeClient.RemoveEventHandler(id) }

// TestUnsupportedCommandIsAClearError: a session whose client lacks a
// capability answers the command with NOT_SUPPORTED (501), final: not an
// upstream error retried for a day, nor UNKNOWN_COMMAND for a command that
// exists.
func TestUnsupportedCommandIsAClearError(t *testing.T) {
	e := newEnv(t)
	e.mgr.Close()
	inner := e.fakes.factory()
	e.startWith(func(c *bridgeConfig) {
		c.NewClient = func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
			return senderless{fakeClient: inner(session, dev, log).(*fakeClient)}
		}
	})
	e.loggedInConnected("default")
	_, err := e.session("default").SendText(context.Background(), bridge.SendTextRequest{To: "4917612345678", Text: "x"})
	wantCode(t, err, werr.CodeNotSupported)
	if werr.KindOf(err).Retryable() {
		t.Fatal("an unsupported command is retryable")
	}
	if got := werr.From(err).Status(); got != http.StatusNotImplemented {
		t.Fatalf("status %d, want 501", got)
	}
}

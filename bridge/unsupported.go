package bridge

import (
	"context"
	"errors"
	"fmt"

	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// UnsupportedClient answers every method of Client with
// errors.ErrUnsupported (or its zero value where whatsmeow's signature has no
// error). Stand-ins for *whatsmeow.Client — the sandbox, the tests' fakes —
// embed it and override what they simulate; the bridge classifies the error
// as NOT_SUPPORTED (501, final) for the rest.
type UnsupportedClient struct{}

var _ Client = UnsupportedClient{}

func unsupported(method string) error {
	return fmt.Errorf("%s: %w", method, errors.ErrUnsupported)
}

func (UnsupportedClient) Connect() error    { return unsupported("Connect") }
func (UnsupportedClient) Disconnect()       {}
func (UnsupportedClient) IsConnected() bool { return false }
func (UnsupportedClient) IsLoggedIn() bool  { return false }

func (UnsupportedClient) Logout(context.Context) error { return unsupported("Logout") }

func (UnsupportedClient) GetQRChannel(context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	return nil, unsupported("GetQRChannel")
}

func (UnsupportedClient) PairPhone(context.Context, string, bool, whatsmeow.PairClientType, string) (string, error) {
	return "", unsupported("PairPhone")
}

func (UnsupportedClient) SendMessage(context.Context, types.JID, *waE2E.Message, ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	return whatsmeow.SendResponse{}, unsupported("SendMessage")
}

func (UnsupportedClient) AddEventHandlerWithSuccessStatus(whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	return 0
}

func (UnsupportedClient) RemoveEventHandler(uint32) bool { return false }

func (UnsupportedClient) SendAppState(context.Context, appstate.PatchInfo) error {
	return unsupported("SendAppState")
}

func (UnsupportedClient) MarkRead(context.Context, []types.MessageID, time.Time, types.JID, types.JID, ...types.ReceiptType) error {
	return unsupported("MarkRead")
}

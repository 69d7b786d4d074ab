package sandbox

import (
	"go.mau.fi/whatsmeow/store"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
)

// Factory makes every session's client a client of this network, so the
// wiring in main needs no whatsmeow types.
func (n *Network) Factory() bridge.ClientFactory {
	return func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
		return n.NewClient(session, dev, log)
	}
}

package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

func (UnsupportedClient) DownloadToFile(context.Context, whatsmeow.DownloadableMessage, whatsmeow.File) error {
	return unsupported("DownloadToFile")
}

func (UnsupportedClient) SendMediaRetryReceipt(context.Context, *types.MessageInfo, []byte) error {
	return unsupported("SendMediaRetryReceipt")
}

package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/types"
)

func (UnsupportedClient) GetGroupInfo(context.Context, types.JID) (*types.GroupInfo, error) {
	return nil, unsupported("GetGroupInfo")
}

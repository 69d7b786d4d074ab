package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

func (UnsupportedClient) GetUserInfo(context.Context, []types.JID) (map[types.JID]types.UserInfo, error) {
	return nil, unsupported("GetUserInfo")
}

func (UnsupportedClient) GetProfilePictureInfo(context.Context, types.JID, *whatsmeow.GetProfilePictureParams) (*types.ProfilePictureInfo, error) {
	return nil, unsupported("GetProfilePictureInfo")
}

func (UnsupportedClient) IsOnWhatsApp(context.Context, []string) ([]types.IsOnWhatsAppResponse, error) {
	return nil, unsupported("IsOnWhatsApp")
}

func (UnsupportedClient) GetBusinessProfile(context.Context, types.JID) (*types.BusinessProfile, error) {
	return nil, unsupported("GetBusinessProfile")
}

func (UnsupportedClient) TryFetchPrivacySettings(context.Context, bool) (*types.PrivacySettings, error) {
	return nil, unsupported("TryFetchPrivacySettings")
}

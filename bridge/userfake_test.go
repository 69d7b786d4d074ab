package bridge_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// userFake is the tests' fake client plus the user queries, recorded as
// whatsmeow would receive them and answered from its fields.
type userFake struct {
	*fakeClient

	mu      sync.Mutex
	calls   []string
	err     error
	info    map[types.JID]types.UserInfo
	check   []types.IsOnWhatsAppResponse
	picture *types.ProfilePictureInfo
	profile *types.BusinessProfile
	privacy *types.PrivacySettings
}

func (f *userFake) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	return f.err
}

func (f *userFake) userCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *userFake) GetUserInfo(_ context.Context, jids []types.JID) (map[types.JID]types.UserInfo, error) {
	return f.info, f.record(fmt.Sprintf("GetUserInfo %v", jids))
}

func (f *userFake) GetProfilePictureInfo(_ context.Context, jid types.JID, p *whatsmeow.GetProfilePictureParams) (*types.ProfilePictureInfo, error) {
	return f.picture, f.record(fmt.Sprintf("GetProfilePictureInfo %s %+v", jid, *p))
}

func (f *userFake) IsOnWhatsApp(_ context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error) {
	return f.check, f.record("IsOnWhatsApp " + strings.Join(phones, ","))
}

func (f *userFake) GetBusinessProfile(_ context.Context, jid types.JID) (*types.BusinessProfile, error) {
	return f.profile, f.record("GetBusinessProfile " + jid.String())
}

func (f *userFake) TryFetchPrivacySettings(_ context.Context, ignoreCache bool) (*types.PrivacySettings, error) {
	return f.privacy, f.record(fmt.Sprintf("TryFetchPrivacySettings %t", ignoreCache))
}

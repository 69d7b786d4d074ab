package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// userClient is the part of a session's client that asks WhatsApp about
// users and about the account's own settings.
type userClient interface {
	GetUserInfo(ctx context.Context, jids []types.JID) (map[types.JID]types.UserInfo, error)
	GetProfilePictureInfo(ctx context.Context, jid types.JID, params *whatsmeow.GetProfilePictureParams) (*types.ProfilePictureInfo, error)
	IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error)
	GetBusinessProfile(ctx context.Context, jid types.JID) (*types.BusinessProfile, error)
	// TryFetchPrivacySettings, not GetPrivacySettings: that one swallows
	// the error and answers empty settings.
	TryFetchPrivacySettings(ctx context.Context, ignoreCache bool) (*types.PrivacySettings, error)
}

var _ userClient = (*whatsmeow.Client)(nil)

// UserInfo is what user.info answers of a user.
type UserInfo struct {
	JID string `json:"jid"` // the user as asked
	PN  string `json:"pn,omitempty"`
	LID string `json:"lid,omitempty"`
	// PushName is the name the user chose, as far as this account has
	// seen it (WhatsApp's user query does not answer it).
	PushName string `json:"push_name,omitempty"`
	// VerifiedName is a business account's verified name.
	VerifiedName string   `json:"verified_name,omitempty"`
	Status       string   `json:"status"` // the "about" text
	PictureID    string   `json:"picture_id,omitempty"`
	Devices      []string `json:"devices"`
	IsBusiness   bool     `json:"is_business"`
}

// UserInfo asks WhatsApp about the user phone (digits or a user JID).
// A number without WhatsApp is NOT_ON_WHATSAPP.
func (s *Session) UserInfo(ctx context.Context, phone string) (UserInfo, error) {
	jid, err := ParseUser(phone)
	if err != nil {
		return UserInfo{}, err
	}
	l, err := s.online()
	if err != nil {
		return UserInfo{}, err
	}
	infos, err := l.client.GetUserInfo(ctx, []types.JID{jid})
	if err != nil {
		return UserInfo{}, classify(err, op(jid, "asking about user %s", jid))
	}
	info, ok := infos[jid]
	if !ok || len(info.Devices) == 0 {
		// Every account has its phone as device 0: no device, no account.
		return UserInfo{}, notOnWhatsApp(jid)
	}
	u := UserInfo{JID: jid.String(), Status: info.Status, PictureID: info.PictureID, Devices: make([]string, 0, len(info.Devices))}
	forms := jidForms(jid, info.LID)
	u.PN, u.LID = forms.PN, forms.LID
	if vn := info.VerifiedName; vn != nil {
		u.VerifiedName, u.IsBusiness = vn.Details.GetVerifiedName(), true
	}
	for _, d := range info.Devices {
		u.Devices = append(u.Devices, d.String())
	}
	if c, err := s.contactOf(ctx, l, jid); err == nil {
		u.PushName = c.PushName
		u.IsBusiness = u.IsBusiness || c.BusinessName != ""
	} else {
		s.log.Warn("reading a contact's names from the device store failed", "jid", jid.String(), "error", err)
	}
	return u, nil
}

// ParseUser reads a user: a phone number or a user JID (phone number or
// LID). Groups, newsletters and devices are INVALID_RECIPIENT.
func ParseUser(s string) (types.JID, error) {
	jid, err := ParseRecipient(s)
	if err != nil {
		return types.JID{}, err
	}
	if jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer {
		return types.JID{}, invalidRecipient(s, "not a user: give a phone number or a user JID")
	}
	return jid, nil
}

func notOnWhatsApp(jid types.JID) error {
	return werr.New(werr.KindNotFound, werr.CodeNotOnWhatsApp, "%s is not on WhatsApp", jid.User)
}

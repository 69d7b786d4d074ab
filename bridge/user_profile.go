package bridge

import (
	"context"
	"errors"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// Avatar is what user.avatar answers: where to download the picture.
type Avatar struct {
	URL string `json:"url"`
	ID  string `json:"id"`
	// Type is WhatsApp's: image (full size) or preview (the thumbnail).
	Type      string `json:"type"`
	IsPreview bool   `json:"is_preview"`
}

// Avatar asks WhatsApp for the profile picture of a user (or a group's
// photo); preview asks for the thumbnail. A user without one, or who
// shows it only to others, is NOT_FOUND: WhatsApp tells the two apart,
// but a caller can do nothing different about them.
func (s *Session) Avatar(ctx context.Context, phone string, preview bool) (Avatar, error) {
	jid, err := ParseRecipient(phone)
	if err != nil {
		return Avatar{}, err
	}
	if jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer && jid.Server != types.GroupServer {
		return Avatar{}, invalidRecipient(phone, "not a user or a group")
	}
	l, err := s.online()
	if err != nil {
		return Avatar{}, err
	}
	pic, err := l.client.GetProfilePictureInfo(ctx, jid, &whatsmeow.GetProfilePictureParams{Preview: preview})
	switch {
	case errors.Is(err, whatsmeow.ErrProfilePictureNotSet), errors.Is(err, whatsmeow.ErrProfilePictureUnauthorized):
		return Avatar{}, werr.Wrap(err, werr.KindNotFound, werr.CodeNotFound, "%s has no profile picture this account may see", jid)
	case err != nil:
		return Avatar{}, classify(err, op(jid, "asking for the profile picture of %s", jid))
	case pic == nil:
		// whatsmeow answers nil only when given an ExistingID that is current.
		return Avatar{}, werr.New(werr.KindNotFound, werr.CodeNotFound, "%s has no profile picture this account may see", jid)
	}
	return Avatar{URL: pic.URL, ID: pic.ID, Type: pic.Type, IsPreview: pic.Type == "preview"}, nil
}

// BusinessProfile is what user.business_profile answers: what WhatsApp's
// business profile query gives (whatsmeow reads no description, website
// or verified name from it; user.info has the verified name).
type BusinessProfile struct {
	JID            string             `json:"jid"`
	Address        string             `json:"address,omitempty"`
	Email          string             `json:"email,omitempty"`
	Categories     []BusinessCategory `json:"categories"`
	ProfileOptions map[string]string  `json:"profile_options,omitempty"`
	HoursTimeZone  string             `json:"business_hours_timezone,omitempty"`
	Hours          []BusinessHours    `json:"business_hours"`
}

// BusinessCategory is one of a business's categories.
type BusinessCategory struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// BusinessHours are a business's opening hours of one weekday.
type BusinessHours struct {
	Day       string `json:"day_of_week"` // mon, tue, ...
	Mode      string `json:"mode"`        // specific_hours, open_24h, appointment_only
	OpenTime  string `json:"open_time,omitempty"`
	CloseTime string `json:"close_time,omitempty"`
}

// BusinessProfile asks WhatsApp for the business profile of phone. A
// personal account answers an empty profile.
func (s *Session) BusinessProfile(ctx context.Context, phone string) (BusinessProfile, error) {
	jid, err := ParseUser(phone)
	if err != nil {
		return BusinessProfile{}, err
	}
	l, err := s.online()
	if err != nil {
		return BusinessProfile{}, err
	}
	p, err := l.client.GetBusinessProfile(ctx, jid)
	if err != nil {
		return BusinessProfile{}, classify(err, op(jid, "asking for the business profile of %s", jid))
	}
	out := BusinessProfile{JID: jid.String(), Categories: []BusinessCategory{}, Hours: []BusinessHours{}}
	if p == nil {
		return out, nil
	}
	if !p.JID.IsEmpty() {
		out.JID = p.JID.String()
	}
	out.Address, out.Email, out.ProfileOptions, out.HoursTimeZone = p.Address, p.Email, p.ProfileOptions, p.BusinessHoursTimeZone
	for _, c := range p.Categories {
		out.Categories = append(out.Categories, BusinessCategory{ID: c.ID, Name: c.Name})
	}
	for _, h := range p.BusinessHours {
		out.Hours = append(out.Hours, BusinessHours{Day: h.DayOfWeek, Mode: h.Mode, OpenTime: h.OpenTime, CloseTime: h.CloseTime})
	}
	return out, nil
}

// Privacy is what user.my.privacy answers: who may see or do what.
// Values are WhatsApp's: all, contacts, contact_blacklist, none, known,
// match_last_seen.
type Privacy struct {
	GroupAdd     string `json:"group_add"`
	LastSeen     string `json:"last_seen"`
	Status       string `json:"status"`
	Profile      string `json:"profile"`
	ReadReceipts string `json:"read_receipts"`
	CallAdd      string `json:"call_add"`
	Online       string `json:"online"`
}

// Privacy asks WhatsApp for the account's privacy settings.
func (s *Session) Privacy(ctx context.Context) (Privacy, error) {
	l, err := s.online()
	if err != nil {
		return Privacy{}, err
	}
	p, err := l.client.TryFetchPrivacySettings(ctx, true)
	if err != nil {
		return Privacy{}, classify(err, op(types.EmptyJID, "reading the privacy settings"))
	}
	return Privacy{
		GroupAdd: string(p.GroupAdd), LastSeen: string(p.LastSeen), Status: string(p.Status),
		Profile: string(p.Profile), ReadReceipts: string(p.ReadReceipts), CallAdd: string(p.CallAdd), Online: string(p.Online),
	}, nil
}

package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waVnameCert"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// The virtual users of the network. Every well-formed number but the
// magic ones is a WhatsApp user here, with a name, an about text, devices
// and a LID derived from the number, so the same number always looks the
// same. Two rules let tests reach the other cases:
//   - a number ending in NoPictureSuffix has no profile picture;
//   - a number ending in BusinessSuffix is a business account, with a
//     verified name and a business profile.
const (
	NoPictureSuffix = "0"
	BusinessSuffix  = "1"
)

// virtualUser is what the network says about one phone number.
type virtualUser struct {
	phone, first, last, about string
	pictureID                 string // "" when none
	business                  bool
}

var (
	firstNames = []string{"Ana", "Bruno", "Carla", "David", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kemal", "Lena"}
	lastNames  = []string{"Lima", "Novak", "Okafor", "Schmidt", "Tanaka", "Rossi", "Yilmaz", "Silva", "Meyer", "Dubois"}
	abouts     = []string{"Hey there! I am using WhatsApp.", "Available", "Busy", "At work", "Battery about to die"}
)

// user describes the user of phone (digits).
func user(phone string) virtualUser {
	sum := sha256.Sum256([]byte("sandbox-user:" + phone))
	n := binary.BigEndian.Uint64(sum[:8])
	u := virtualUser{
		phone: phone,
		first: firstNames[n%uint64(len(firstNames))],
		last:  lastNames[(n/16)%uint64(len(lastNames))],
		about: abouts[(n/256)%uint64(len(abouts))],
		// whatsmeow's picture ids are decimal timestamps.
		pictureID: fmt.Sprintf("17%08d", n%100_000_000),
		business:  strings.HasSuffix(phone, BusinessSuffix),
	}
	if strings.HasSuffix(phone, NoPictureSuffix) {
		u.pictureID = ""
	}
	return u
}

func (u virtualUser) fullName() string { return u.first + " " + u.last }

// verifiedName is a business's verified name as whatsmeow parses it.
func (u virtualUser) verifiedName() *types.VerifiedName {
	if !u.business {
		return nil
	}
	return &types.VerifiedName{Details: &waVnameCert.VerifiedNameCertificate_Details{
		VerifiedName: proto.String(u.first + " " + u.last + " Store"),
	}}
}

// userOf is the virtual user behind a user JID (a LID through the phone
// number it was derived from); ok is false for a number without WhatsApp
// or a LID the network does not know.
func (n *Network) userOf(jid types.JID) (u virtualUser, pn types.JID, ok bool) {
	pn = jid.ToNonAD()
	if pn.Server == types.HiddenUserServer {
		if pn = n.pnFor(pn); pn.IsEmpty() {
			return u, pn, false
		}
	}
	if pn.Server != types.DefaultUserServer || !n.isUser(pn) {
		return u, pn, false
	}
	return user(pn.User), pn, true
}

// GetUserInfo answers what WhatsApp's user query does: about text,
// picture id, verified name, devices (the phone, device 0) and LID. Users
// without WhatsApp are not in the answer.
func (c *Client) GetUserInfo(ctx context.Context, jids []types.JID) (map[types.JID]types.UserInfo, error) {
	if _, err := c.iqSender(ctx); err != nil {
		return nil, err
	}
	out := make(map[types.JID]types.UserInfo, len(jids))
	for _, jid := range jids {
		if jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer {
			return nil, fmt.Errorf("%w: %s", whatsmeow.ErrUnknownServer, jid.Server)
		}
		u, pn, ok := c.net.userOf(jid)
		if !ok {
			continue
		}
		lid := c.net.lidFor(pn.User)
		dev := types.NewADJID(jid.User, 0, 0)
		if jid.Server == types.HiddenUserServer {
			dev.Server = types.HiddenUserServer
		}
		out[jid] = types.UserInfo{
			VerifiedName: u.verifiedName(), Status: u.about, PictureID: u.pictureID,
			Devices: []types.JID{dev}, LID: lid,
		}
	}
	return out, nil
}

// IsOnWhatsApp answers for each phone (international, with or without
// '+') whether it has WhatsApp, with its canonical JID.
func (c *Client) IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error) {
	if _, err := c.iqSender(ctx); err != nil {
		return nil, err
	}
	out := make([]types.IsOnWhatsAppResponse, 0, len(phones))
	for _, q := range phones {
		digits := strings.TrimPrefix(q, "+")
		if !isDigits(digits) {
			continue // the server leaves out what it cannot read
		}
		jid := types.NewJID(digits, types.DefaultUserServer)
		r := types.IsOnWhatsAppResponse{Query: q, JID: jid, IsIn: c.net.isUser(jid)}
		if r.IsIn {
			r.VerifiedName = user(digits).verifiedName()
		}
		out = append(out, r)
	}
	return out, nil
}

// GetProfilePictureInfo answers a user's profile picture (or a group's
// photo) as whatsmeow does: nil, nil when params name the current id.
func (c *Client) GetProfilePictureInfo(ctx context.Context, jid types.JID, params *whatsmeow.GetProfilePictureParams) (*types.ProfilePictureInfo, error) {
	if _, err := c.iqSender(ctx); err != nil {
		return nil, err
	}
	if params == nil {
		params = &whatsmeow.GetProfilePictureParams{}
	}
	id, err := c.net.pictureOf(jid)
	if err != nil {
		return nil, err
	}
	if params.ExistingID == id {
		return nil, nil
	}
	typ, size := "image", "640"
	if params.Preview {
		typ, size = "preview", "96"
	}
	path := fmt.Sprintf("/v/t61.24694-24/%s_%s.jpg", strings.NewReplacer("@", "_", ".", "_").Replace(jid.String()), id)
	return &types.ProfilePictureInfo{
		URL: "https://pps.whatsapp.net" + path + "?size=" + size,
		ID:  id, Type: typ, DirectPath: path,
	}, nil
}

// pictureOf is the id of jid's current picture, or whatsmeow's error for
// one that is not set.
func (n *Network) pictureOf(jid types.JID) (string, error) {
	notSet := wrapIQ(whatsmeow.ErrProfilePictureNotSet, whatsmeow.ErrIQNotFound)
	if jid.Server == types.GroupServer {
		var id string
		err := n.groups.with(jid, func(g *vgroup) error { id = g.picture; return nil })
		switch {
		case err != nil:
			return "", notSet
		case id == "":
			return "", notSet
		}
		return id, nil
	}
	u, _, ok := n.userOf(jid)
	if !ok || u.pictureID == "" {
		return "", notSet
	}
	return u.pictureID, nil
}

// GetBusinessProfile answers a business's profile; a personal account's
// is empty, with its JID only.
func (c *Client) GetBusinessProfile(ctx context.Context, jid types.JID) (*types.BusinessProfile, error) {
	if _, err := c.iqSender(ctx); err != nil {
		return nil, err
	}
	u, pn, ok := c.net.userOf(jid)
	if !ok {
		return nil, wrapIQ(fmt.Errorf("%s is not on WhatsApp", jid.User), whatsmeow.ErrIQNotFound)
	}
	p := &types.BusinessProfile{JID: pn, Categories: []types.Category{}, BusinessHours: []types.BusinessHoursConfig{}}
	if !u.business {
		return p, nil
	}
	p.Address = "Hauptstraße 1, 10115 Berlin"
	p.Email = strings.ToLower(u.first) + "@example.com"
	p.Categories = []types.Category{{ID: "133436743388217", Name: "Shopping & retail"}}
	p.ProfileOptions = map[string]string{"commerce_experience": "catalog", "cart_enabled": "true"}
	p.BusinessHoursTimeZone = "Europe/Berlin"
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
		p.BusinessHours = append(p.BusinessHours, types.BusinessHoursConfig{DayOfWeek: day, Mode: "specific_hours", OpenTime: "540", CloseTime: "1080"})
	}
	p.BusinessHours = append(p.BusinessHours, types.BusinessHoursConfig{DayOfWeek: "sat", Mode: "appointment_only"})
	return p, nil
}

// TryFetchPrivacySettings answers WhatsApp's defaults for a new account.
func (c *Client) TryFetchPrivacySettings(ctx context.Context, _ bool) (*types.PrivacySettings, error) {
	if _, err := c.iqSender(ctx); err != nil {
		return nil, err
	}
	return &types.PrivacySettings{
		GroupAdd: types.PrivacySettingAll, LastSeen: types.PrivacySettingAll, Status: types.PrivacySettingContacts,
		Profile: types.PrivacySettingAll, ReadReceipts: types.PrivacySettingAll, CallAdd: types.PrivacySettingAll,
		Online: types.PrivacySettingAll,
	}, nil
}

// keepContact writes the names of a virtual user the session talked to
// into the device's contact store, as whatsmeow does with push names it
// sees and the phone's address book sync with saved contacts.
func (c *Client) keepContact(ctx context.Context, jid types.JID, pushName string) {
	u, pn, ok := c.net.userOf(jid)
	if !ok {
		return
	}
	c.mu.Lock()
	cs := c.dev.Contacts
	c.mu.Unlock()
	if cs == nil {
		return // not paired: no store yet
	}
	if pushName == "" {
		pushName = u.first
	}
	// whatsmeow's store caches contacts: known ones cost no write.
	if known, err := cs.GetContact(ctx, pn); err != nil || known.FullName == "" {
		// sqlstore takes the first name first (its interface names them the
		// other way round).
		if err := cs.PutContactName(ctx, pn, u.first, u.fullName()); err != nil {
			c.log.Warnf("Failed to keep contact %s: %v", pn, err)
		}
	}
	if _, _, err := cs.PutPushName(ctx, pn, pushName); err != nil {
		c.log.Warnf("Failed to keep push name of %s: %v", pn, err)
	}
}

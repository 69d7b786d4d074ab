package sandbox

import (
	"context"
	"encoding/base32"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/internal/werr"
)

// linkingBase32 is the alphabet of WhatsApp's pairing codes (no 0, O, I, U).
var linkingBase32 = base32.NewEncoding("123456789ABCDEFGHJKLMNPQRSTVWXYZ")

// sandboxPlatform is what the virtual phone reports as its platform.
const sandboxPlatform = "android"

// PairPhone returns a pairing code ("XXXX-XXXX") for linking phone's account
// without a QR code; Network.Scan then completes the login as the phone
// would. As in whatsmeow, the client must be connected first.
func (c *Client) PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error) {
	phone = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	if len(phone) <= 6 {
		return "", whatsmeow.ErrPhoneNumberTooShort
	} else if strings.HasPrefix(phone, "0") {
		return "", whatsmeow.ErrPhoneNumberIsNotInternational
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if !c.net.isUser(types.NewJID(phone, types.DefaultUserServer)) {
		// What the server answers for a number without an account.
		return "", fmt.Errorf("requesting pairing code for %s: %w", phone, whatsmeow.ErrIQNotFound)
	}
	code := linkingBase32.EncodeToString(random(5))
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.connected {
		return "", whatsmeow.ErrNotConnected
	}
	if c.login == nil {
		// Connected and paired: the server has no login to attach a code to.
		return "", fmt.Errorf("requesting pairing code: %w", whatsmeow.ErrIQBadRequest)
	}
	c.login.phone, c.login.code = phone, code
	return code[:4] + "-" + code[4:], nil
}

// Scan completes the login in progress for session as the phone would —
// by scanning the QR code, or by entering the pairing code PairPhone gave.
// It does not start a login: the session's client must be connected and
// not paired (the REST layer first starts one through GET /app/login).
//
// phone is the account's number; "" means the number PairPhone was asked
// for, else a stable virtual number derived from the session name. Scan
// saves the device, then dispatches *events.PairSuccess (which ends a QR
// channel with "success") and *events.Connected, in whatsmeow's order, and
// returns once the handlers have seen both.
func (n *Network) Scan(ctx context.Context, session string, phone string) (types.JID, error) {
	c, err := n.client(session)
	if err != nil {
		return types.EmptyJID, err
	}
	phone, err = c.loginPhone(phone)
	if err != nil {
		return types.EmptyJID, err
	}
	device := n.deviceNumber(session, phone)
	lid := n.lidFor(phone)
	pushName := "Sandbox " + session
	jid, err := c.pair(ctx, phone, device, lid, pushName)
	if err != nil {
		return types.EmptyJID, err
	}
	n.log.Info("sandbox: session paired", "session", session, "jid", jid.String())

	paired := make(chan bool, 1)
	connected := make(chan bool, 1)
	c.events.enqueue(delivery{evt: &events.PairSuccess{ID: jid, LID: withDevice(lid, jid.Device), Platform: sandboxPlatform}, acked: paired})
	c.events.enqueue(delivery{evt: &events.Connected{}, prepare: c.acceptLogin, acked: connected})
	for _, ch := range []chan bool{paired, connected} {
		select {
		case <-ch:
		case <-ctx.Done():
			return jid, werr.Wrap(ctx.Err(), werr.KindTimeout, werr.CodeTimeout,
				"session %q paired, but its handlers did not finish in time", session)
		}
	}
	return jid, nil
}

// loginPhone checks that a login is waiting and settles the phone number.
func (c *Client) loginPhone(phone string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.dev.ID != nil:
		return "", werr.New(werr.KindConflict, werr.CodeAlreadyLoggedIn,
			"session %q is already logged in as %s", c.session, c.dev.ID.String())
	case !c.connected || c.login == nil:
		return "", werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn,
			"session %q has no login in progress: start one (GET /app/login) first", c.session)
	case phone == "" && c.login.phone != "":
		return c.login.phone, nil
	case phone == "":
		return virtualNumber(c.session), nil
	case c.login.phone != "" && phone != c.login.phone:
		return "", werr.Invalid(werr.CodeInvalidPayload,
			"the pairing code of session %q is for %s, not %s", c.session, c.login.phone, phone)
	}
	if _, err := parsePhone(phone); err != nil {
		return "", werr.Invalid(werr.CodeInvalidPayload, "%v", err)
	}
	if !c.net.isUser(types.NewJID(phone, types.DefaultUserServer)) {
		return "", werr.Invalid(werr.CodeInvalidPayload, "%s is not a WhatsApp user on this network", phone)
	}
	return phone, nil
}

// pair stores the identity the phone granted, as whatsmeow does on
// pair-success: device JID, LID, platform, signed account — then saves.
func (c *Client) pair(ctx context.Context, phone string, device uint16, lid types.JID, pushName string) (types.JID, error) {
	jid := types.JID{User: phone, Server: types.DefaultUserServer, Device: device}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev.ID != nil {
		return types.EmptyJID, werr.New(werr.KindConflict, werr.CodeAlreadyLoggedIn,
			"session %q was logged in meanwhile", c.session)
	}
	if c.login == nil || !c.connected {
		return types.EmptyJID, werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn,
			"the login of session %q ended before it was completed", c.session)
	}
	account, err := signedAccount(c.dev)
	if err != nil {
		return types.EmptyJID, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "signing the device identity")
	}
	lid.Device = device
	c.dev.ID, c.dev.LID = &jid, lid
	c.dev.Account, c.dev.Platform, c.dev.PushName = account, sandboxPlatform, pushName
	if err := c.dev.Save(ctx); err != nil {
		c.dev.ID, c.dev.LID = nil, types.EmptyJID
		return types.EmptyJID, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "saving the paired device")
	}
	if c.dev.LIDs != nil {
		if err := c.dev.LIDs.PutLIDMapping(ctx, lid.ToNonAD(), jid.ToNonAD()); err != nil {
			c.log.Warnf("Failed to store LID-PN mapping for %s -> %s: %v", lid, jid, err)
		}
	}
	c.login = nil
	return jid, nil
}

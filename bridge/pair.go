package bridge

import (
	"context"
	"errors"
	"github.com/wabridge/wabridge/internal/ident"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// LoginWithCode links the account by pairing code instead of QR: the user
// types the returned code on the phone (Linked devices → Link with phone
// number). phone is the account's number in international digits.
func (s *Session) LoginWithCode(ctx context.Context, phone string) (string, error) {
	if !isPhone(phone) {
		return "", werr.Invalid(werr.CodeInvalidRecipient,
			"phone must be the account's number: 7 to 15 international digits without '+' (e.g. 4917612345678)").
			WithDetails(map[string]any{"phone": ident.Clip(phone, 64)})
	}
	a, err := s.ensureLogin()
	if err != nil {
		return "", err
	}
	// whatsmeow wants the login websocket up before pairing, which the
	// first QR code proves.
	if _, err := s.waitCode(ctx, a); err != nil {
		return "", err
	}
	code, err := a.link.client.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, s.d.cfg.PairClientName)
	if err != nil {
		return "", classify(err, op(types.NewJID(phone, types.DefaultUserServer), "requesting a pairing code for session %s", s.name))
	}
	return code, nil
}

// Logout unlinks the device from the account and gives the session a fresh
// one. If WhatsApp cannot be reached, the device is forgotten locally all
// the same; the phone then still lists it until removed there.
func (s *Session) Logout(ctx context.Context) error {
	l, me := s.view()
	if !l.loggedIn(me) {
		return errNotLoggedIn(s.name)
	}
	err := l.client.Logout(ctx)
	switch {
	case err == nil:
	case errors.Is(err, whatsmeow.ErrNotConnected):
		s.log.Warn("WhatsApp unreachable: forgetting the device locally only", "error", err)
		l.client.Disconnect()
		if err := s.deleteDevice(ctx, l, me); err != nil {
			return err
		}
	default:
		return classify(err, op(types.EmptyJID, "logging out session %s", s.name))
	}
	if !s.forget(ctx, l, "logged out on request") {
		// The logout is done; only its event is missing, and the log says so.
		s.log.Error("logout done but its event was not kept")
	}
	return nil
}

// deleteDevice runs after the client was disconnected, so nothing else
// writes the device meanwhile.
func (s *Session) deleteDevice(ctx context.Context, l *link, me self) error {
	if !me.paired() {
		return nil
	}
	if err := l.dev.Delete(ctx); err != nil {
		return werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "deleting the device of session %s failed", s.name)
	}
	return nil
}

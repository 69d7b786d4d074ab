package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
)

// altForm answers the other form of a user JID (the phone number of a
// LID, the LID of a phone number), EmptyJID when it is not known. A nil
// altForm knows none.
type altForm func(types.JID) types.JID

func (a altForm) of(j types.JID) types.JID {
	if a == nil || j.IsEmpty() {
		return types.EmptyJID
	}
	return a(j.ToNonAD())
}

// forms is j with its other form where a knows it.
func (a altForm) forms(j types.JID) []types.JID {
	if alt := a.of(j); !alt.IsEmpty() {
		return []types.JID{j, alt}
	}
	return []types.JID{j}
}

// lidAlts looks the other form up in whatsmeow's LID store of l's device.
// whatsmeow writes the pairs a group notification names into it before it
// dispatches the notification, so the members of a change in a LID group
// (named by LID alone in the event) get their phone numbers back.
func (s *Session) lidAlts(ctx context.Context, l *link) altForm {
	lids := s.lidStore(l)
	if lids == nil {
		return nil
	}
	return func(j types.JID) types.JID {
		var alt types.JID
		var err error
		switch j.Server {
		case types.HiddenUserServer:
			alt, err = lids.GetPNForLID(ctx, j)
		case types.DefaultUserServer:
			alt, err = lids.GetLIDForPN(ctx, j)
		default:
			return types.EmptyJID
		}
		if err != nil {
			s.log.Warn("looking up a user's other JID form failed", "jid", j.String(), "error", err)
			return types.EmptyJID
		}
		return alt
	}
}

// lidStore is whatsmeow's LID store of l's device, nil before the device
// was first saved. whatsmeow sets it then, as it sets the contact store
// (user_contacts.go: contactStore), so it is read under the lock.
func (s *Session) lidStore(l *link) store.LIDStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	return l.dev.LIDs
}

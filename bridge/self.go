package bridge

import (
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/events"
)

// self is what the session knows of its own account. It is a copy, guarded
// by Session.mu, because the client writes the device store's fields on its
// own goroutine (pairing, connect success, app-state sync) while requests
// read the session's state on theirs; those fields have no lock of their own.
type self struct {
	id       types.JID // the device JID (with device part); empty until paired
	lid      types.JID
	pushName string
	platform string
}

// selfFromDevice copies dev's identity. Only call it while the device's
// client cannot be writing it: before the client runs, or from a handler of
// an event whatsmeow dispatches after its writes.
func selfFromDevice(dev *store.Device) self {
	me := self{lid: dev.LID, pushName: dev.PushName, platform: dev.Platform}
	if dev.ID != nil {
		me.id = *dev.ID
	}
	return me
}

func (me self) paired() bool { return !me.id.IsEmpty() }

// identity is the account's own JIDs without the device part.
func (me self) identity() identity {
	var id identity
	if !me.id.IsEmpty() {
		id.pn = me.id.ToNonAD()
	}
	if !me.lid.IsEmpty() {
		id.lid = me.lid.ToNonAD()
	}
	return id
}

// jid is the account's JID in every known form, nil before pairing.
func (me self) jid() *events.JID {
	id := me.identity()
	if id.pn.IsEmpty() && id.lid.IsEmpty() {
		return nil
	}
	j := jidForms(id.pn, id.lid)
	return &j
}

// view is the session's current link and its account as known right now.
func (s *Session) view() (*link, self) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur, s.cur.me
}

// selfOf is l's copy of the account.
func (s *Session) selfOf(l *link) self {
	s.mu.Lock()
	defer s.mu.Unlock()
	return l.me
}

// updateSelf changes l's copy of the account and returns the result. A
// replaced link may still be changed: nobody reads its copy any more.
func (s *Session) updateSelf(l *link, change func(*self)) self {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&l.me)
	return l.me
}

package bridge

import (
	"container/list"
	"sync"

	"go.mau.fi/whatsmeow/types"
)

// DefaultPresenceSubscriptions is how many contacts a session keeps
// subscribed to when ManagerConfig.PresenceSubscriptions is zero: about the
// chats a WhatsApp client shows on its first screen.
const DefaultPresenceSubscriptions = 64

// presenceSubs is what a link knows of its presence subscriptions: the
// contacts the session last wrote to or heard from (at most max, the least
// recent dropped first), which of them WhatsApp has a subscription for on
// the current connection, and whether the session is available there.
//
// WhatsApp keeps neither across a reconnect, and sends a contact's
// presence only to a subscriber that is available itself, so every method
// answers with the contacts to subscribe to now, already marked as
// subscribed: two callers never subscribe to one contact twice.
type presenceSubs struct {
	max int // < 1: no subscriptions

	mu         sync.Mutex
	recent     *list.List // of types.JID, most recent first
	at         map[types.JID]*list.Element
	subscribed map[types.JID]bool // on the current connection
	// gone are the last contacts evicted from recent that are subscribed
	// (at most max): their marks are kept so a contact coming back soon is
	// not subscribed twice, and dropped after, so that subscribed stays
	// bounded however many contacts one connection hears from.
	gone []types.JID
	// wantAvailable is the session's last send.presence, kept across
	// reconnects; available is whether it was said on this connection.
	wantAvailable, available bool
	conn                     uint64 // counts connections
}

func newPresenceSubs(max int) *presenceSubs {
	return &presenceSubs{max: max, recent: list.New(), at: map[types.JID]*list.Element{}, subscribed: map[types.JID]bool{}}
}

// touch makes contact the most recent one and answers it when it is to be
// subscribed to now.
func (p *presenceSubs) touch(contact types.JID) []types.JID {
	if p.max < 1 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.at[contact]; ok {
		p.recent.MoveToFront(e)
	} else {
		p.at[contact] = p.recent.PushFront(contact)
		for p.recent.Len() > p.max {
			// WhatsApp has no unsubscribe: the evicted contact's updates
			// stop at the next reconnect, which does not renew it.
			oldest := p.recent.Remove(p.recent.Back()).(types.JID)
			delete(p.at, oldest)
			p.evictedLocked(oldest)
		}
	}
	if !p.available || p.subscribed[contact] {
		return nil
	}
	p.subscribed[contact] = true
	return []types.JID{contact}
}

// setAvailable records the session's send.presence; becoming available
// answers every kept contact not subscribed to yet. Going unavailable
// forgets the subscriptions: WhatsApp sends nothing to an unavailable
// client, so they are made again when it is available once more.
func (p *presenceSubs) setAvailable(available bool) []types.JID {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wantAvailable, p.available = available, available
	if !available {
		p.forgetLocked()
		return nil
	}
	return p.pendingLocked()
}

// connected starts a new connection, which has no subscriptions yet. It
// answers the connection's number and whether the session was available.
func (p *presenceSubs) connected() (conn uint64, wantAvailable bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conn++
	p.available = false
	p.forgetLocked()
	return p.conn, p.wantAvailable
}

// availableAgain records that connection conn said available again and
// answers every kept contact to subscribe to; nothing when conn is no longer
// the current connection or the session went unavailable meanwhile.
func (p *presenceSubs) availableAgain(conn uint64) []types.JID {
	p.mu.Lock()
	defer p.mu.Unlock()
	if conn != p.conn || !p.wantAvailable {
		return nil
	}
	p.available = true
	return p.pendingLocked()
}

// evictedLocked keeps the subscription mark of a contact that left the
// list for the next max evictions only.
func (p *presenceSubs) evictedLocked(contact types.JID) {
	if !p.subscribed[contact] {
		return
	}
	p.gone = append(p.gone, contact)
	if len(p.gone) <= p.max {
		return
	}
	old := p.gone[0]
	p.gone = p.gone[1:]
	if _, kept := p.at[old]; !kept {
		delete(p.subscribed, old)
	}
}

// forgetLocked drops every subscription mark: the connection has none.
func (p *presenceSubs) forgetLocked() {
	clear(p.subscribed)
	p.gone = nil
}

// failed forgets that contact is subscribed, so its next touch tries again.
func (p *presenceSubs) failed(contact types.JID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.subscribed, contact)
}

// pendingLocked marks and answers the kept contacts not subscribed to,
// most recent first.
func (p *presenceSubs) pendingLocked() []types.JID {
	var out []types.JID
	for e := p.recent.Front(); e != nil && p.max > 0; e = e.Next() {
		jid := e.Value.(types.JID)
		if !p.subscribed[jid] {
			p.subscribed[jid] = true
			out = append(out, jid)
		}
	}
	return out
}

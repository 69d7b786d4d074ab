package sandbox

import (
	"strconv"
	"time"

	"go.mau.fi/whatsmeow/types"
)

// notify delivers a group notification to the sessions of the network
// whose account is one of members, as WhatsApp sends every member's
// devices the w:gp2 notification. whatsmeow acks those only after its
// handlers returned, so an unacknowledged one is delivered again. Sessions
// offline now get it when they connect again, as WhatsApp queues it
// (offline.go).
func (n *Network) notify(members []types.JID, evt any) {
	for _, c := range n.clientsOf(members) {
		n.toMember(c, delivery{evt: evt, attempts: n.cfg.RedeliveryAttempts, backoff: n.cfg.RedeliveryBackoff})
	}
}

// clientsOf is the clients whose account is one of accounts.
func (n *Network) clientsOf(accounts []types.JID) []*Client {
	want := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		want[a.User] = true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []*Client
	for _, c := range n.clients {
		if id := c.ownID(); !id.IsEmpty() && want[id.User] {
			out = append(out, c)
		}
	}
	return out
}

// phoneOf is the phone-number JID of a participant given as a LID (when
// the network knows it) or with a device part.
func (n *Network) phoneOf(p types.JID) types.JID {
	p = p.ToNonAD()
	if p.Server == types.HiddenUserServer {
		if pn := n.pnFor(p); !pn.IsEmpty() {
			return pn
		}
	}
	return p
}

// pictureID is a new photo's id: WhatsApp's are decimal timestamps.
func pictureID(at time.Time) string { return strconv.FormatInt(at.UnixMicro(), 10) }

// wholeSecond is the network's time as WhatsApp dates group and picture
// notifications: in whole seconds (whatsmeow parses their "t" so).
func (c *clock) wholeSecond() time.Time { return c.now().Truncate(time.Second) }

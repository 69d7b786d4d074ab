package sandbox

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// groupBook is the network's virtual groups, kept with WhatsApp's rules
// (groups_client.go). The zero value is an empty book.
type groupBook struct {
	mu     sync.Mutex
	groups map[types.JID]*vgroup
	// codes maps every invite code ever made to its group; revoked ones
	// stay, so a revoked link is told from one that never existed.
	codes   map[string]types.JID
	revoked map[string]bool
	seq     int
}

// vgroup is one virtual group. Members are keyed by phone-number JID (the
// sandbox's groups address members by phone number).
type vgroup struct {
	info    types.GroupInfo // name, topic, settings; Participants is rebuilt from members
	members map[types.JID]*vmember
	order   []types.JID // join order, for a stable participant list
	code    string      // the current invite code
	version int         // participant version, bumped with each membership or admin change
	picture string      // the photo's id, "" when none
}

type vmember struct {
	admin, superAdmin bool
}

// wrappedIQError is whatsmeow's pairing of a named error with the IQ error
// it stands for (errors.go: wrapIQError), which it does not export:
// errors.Is finds both.
type wrappedIQError struct{ human, iq error }

func (e *wrappedIQError) Error() string        { return e.human.Error() }
func (e *wrappedIQError) Is(target error) bool { return target == e.human }
func (e *wrappedIQError) Unwrap() error        { return e.iq }

func wrapIQ(human, iq error) error { return &wrappedIQError{human, iq} }

// init makes the maps; called with mu held.
func (b *groupBook) init() {
	if b.groups == nil {
		b.groups = make(map[types.JID]*vgroup)
		b.codes = make(map[string]types.JID)
		b.revoked = make(map[string]bool)
	}
}

// create adds a group named name whose creator is its superadmin.
func (b *groupBook) create(creator types.JID, name string, at time.Time) *vgroup {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	b.seq++
	jid := types.NewJID(fmt.Sprintf("1203632%011d", b.seq), types.GroupServer)
	g := &vgroup{members: make(map[types.JID]*vmember)}
	g.info = types.GroupInfo{
		JID: jid, OwnerJID: creator, OwnerPN: creator, GroupCreated: at,
		GroupName:      types.GroupName{Name: name, NameSetAt: at, NameSetBy: creator, NameSetByPN: creator},
		AddressingMode: types.AddressingModePN,
	}
	g.add(creator)
	g.members[creator].admin, g.members[creator].superAdmin = true, true
	b.groups[jid] = g
	b.newCode(g)
	return g
}

// adopt makes a group the network did not know, with members and no admin:
// a group a virtual contact writes in exists, as it would on WhatsApp.
func (b *groupBook) adopt(jid types.JID, members ...types.JID) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	g, ok := b.groups[jid]
	if !ok {
		g = &vgroup{members: make(map[types.JID]*vmember)}
		g.info = types.GroupInfo{JID: jid, AddressingMode: types.AddressingModePN, GroupName: types.GroupName{Name: jid.User}}
		b.groups[jid] = g
		b.newCode(g)
	}
	for _, m := range members {
		if !m.IsEmpty() && g.members[m.ToNonAD()] == nil {
			g.add(m.ToNonAD())
		}
	}
}

// newCode gives g a fresh invite code, revoking the old one; mu held.
func (b *groupBook) newCode(g *vgroup) {
	if g.code != "" {
		b.revoked[g.code] = true
	}
	g.code = rand.Text()[:22]
	b.codes[g.code] = g.info.JID
}

// with runs f on the group jid under the book's lock; an unknown group is
// whatsmeow's not-found error.
func (b *groupBook) with(jid types.JID, f func(g *vgroup) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	g := b.groups[jid.ToNonAD()]
	if g == nil {
		return whatsmeow.ErrIQNotFound
	}
	return f(g)
}

func (g *vgroup) add(m types.JID) {
	g.members[m] = &vmember{}
	g.order = append(g.order, m)
	g.version++
}

func (g *vgroup) remove(m types.JID) {
	delete(g.members, m)
	for i, o := range g.order {
		if o == m {
			g.order = append(g.order[:i:i], g.order[i+1:]...)
			break
		}
	}
	g.version++
}

func (g *vgroup) isAdmin(m types.JID) bool {
	v := g.members[m.ToNonAD()]
	return v != nil && v.admin
}

// snapshot is the group's info as WhatsApp answers it.
func (g *vgroup) snapshot() *types.GroupInfo {
	info := g.info
	info.Participants = make([]types.GroupParticipant, 0, len(g.order))
	for _, m := range g.order {
		v := g.members[m]
		info.Participants = append(info.Participants, types.GroupParticipant{
			JID: m, PhoneNumber: m, IsAdmin: v.admin || v.superAdmin, IsSuperAdmin: v.superAdmin,
		})
	}
	info.ParticipantCount = len(info.Participants)
	info.ParticipantVersionID = fmt.Sprint(g.version)
	return &info
}

// memberList is the group's members, in join order.
func (g *vgroup) memberList() []types.JID { return append([]types.JID(nil), g.order...) }

// adoptGroup makes the group of an inbound message known with its sender
// and the session as members, unless the network knows it already.
func (n *Network) adoptGroup(c *Client, evt *events.Message) {
	if evt.Info.IsGroup {
		n.groups.adopt(evt.Info.Chat, n.phoneOf(evt.Info.Sender), c.ownID())
	}
}

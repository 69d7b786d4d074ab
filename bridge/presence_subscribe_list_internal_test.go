package bridge

import (
	"strconv"
	"testing"

	"go.mau.fi/whatsmeow/types"
)

// The list is bounded by max, and so must be what it remembers of the
// connection's subscriptions: an available session hearing from a stream
// of new contacts on one long connection kept a mark for every one of them.
// A contact evicted a little while ago is not subscribed to a second time.
func TestPresenceSubsMemoryIsBounded(t *testing.T) {
	p := newPresenceSubs(4)
	p.connected()
	p.setAvailable(true)
	contact := func(i int) types.JID { return types.NewJID("4917600"+strconv.Itoa(i), types.DefaultUserServer) }
	for i := range 1000 {
		if got := p.touch(contact(i)); len(got) != 1 {
			t.Fatalf("new contact %d: %v to subscribe, want it", i, got)
		}
	}
	if n := len(p.subscribed); n > 3*p.max {
		t.Fatalf("%d subscription marks kept for a list of %d", n, p.max)
	}
	if got := p.touch(contact(995)); len(got) != 0 {
		t.Fatalf("a contact evicted just now was subscribed again: %v", got)
	}
}

package bridge_test

import (
	"testing"

	"github.com/wabridge/wabridge/bridge"
)

// A session owns the media ids of its messages only, in their one spelling.
func TestOwnsMediaID(t *testing.T) {
	const msg = "false_4917612345678@s.whatsapp.net_3EB0IMAGE0001"
	id := bridge.MediaID("alice", msg)
	if !bridge.OwnsMediaID("alice", id) {
		t.Fatalf("alice does not own %s, the media id of her message", id)
	}
	for _, tc := range []struct{ session, id string }{
		{"bob", id},
		{"alice", id + ".once"},
		{"alice", "upload/3f9a0c"},
		{"alice", msg},
		{"alice", ""},
		{"alice", id[:len(id)-1]},
	} {
		if bridge.OwnsMediaID(tc.session, tc.id) {
			t.Errorf("%s owns %q", tc.session, tc.id)
		}
	}
}

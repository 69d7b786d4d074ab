package replay_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events/replay"
)

// A query string of a megabyte holds hundreds of thousands of list
// entries: Validate must refuse their number before looking at each (its
// answer naming every one of them, and the dedup quadratic in them).
func TestQueryRefusesLongListsAsAWhole(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    replay.Query
	}{
		{"chats", replay.Query{Chats: make([]string, 5000)}},
		{"types", replay.Query{Types: make([]string, 5000)}},
	} {
		list := tc.q.Chats
		if list == nil {
			list = tc.q.Types
		}
		for i := range list {
			list[i] = fmt.Sprintf("bad %d", i)
		}
		tc.q.Session = "default"
		err := tc.q.Validate()
		if err == nil {
			t.Fatalf("%s: 5000 invalid entries are valid", tc.name)
		}
		if n := strings.Count(err.Error(), ";") + 1; n > 3 || len(err.Error()) > 1000 {
			t.Fatalf("%s: %d problems, %d bytes: %.200s", tc.name, n, len(err.Error()), err)
		}
		if !strings.Contains(err.Error(), "at most 256") {
			t.Fatalf("%s: %v, want the bound named", tc.name, err)
		}
	}
}

package transport

import (
	"testing"
	"time"
)

func TestRedeliveryBackoff(t *testing.T) {
	b := redeliveryBackoff{first: 2 * time.Second, max: time.Minute}
	for _, tc := range []struct {
		delivered uint64
		want      time.Duration
	}{
		{0, 2 * time.Second}, // no metadata: treated as the first delivery
		{1, 2 * time.Second},
		{2, 4 * time.Second},
		{5, 32 * time.Second},
		{6, time.Minute},
		{1 << 40, time.Minute}, // a command waiting for days stays capped
	} {
		if got := b.WaitTime(tc.delivered); got != tc.want {
			t.Errorf("WaitTime(%d) = %s, want %s", tc.delivered, got, tc.want)
		}
	}
}

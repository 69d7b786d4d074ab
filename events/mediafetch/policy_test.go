package mediafetch_test

import (
	"slices"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/mediafetch"
	"github.com/wabridge/wabridge/internal/mediastore"
)

func TestParsePolicy(t *testing.T) {
	all := events.MediaKinds()
	for _, tt := range []struct {
		in   string
		want mediafetch.Policy
	}{
		{"", mediafetch.Policy{Kinds: all, MaxBytes: 64 << 20}},
		{"none", mediafetch.Policy{MaxBytes: 64 << 20}},
		{"all", mediafetch.Policy{Kinds: all, MaxBytes: 64 << 20}},
		{"image, Video,image", mediafetch.Policy{Kinds: []string{"image", "video"}, MaxBytes: 64 << 20}},
		{"max=10MB,view_once", mediafetch.Policy{Kinds: all, MaxBytes: 10_000_000, ViewOnce: true}},
		{"document,max=1GiB,history", mediafetch.Policy{Kinds: []string{"document"}, MaxBytes: 1 << 30, History: true}},
	} {
		got, err := mediafetch.ParsePolicy(tt.in)
		if err != nil {
			t.Errorf("ParsePolicy(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(sorted(got.Kinds), sorted(tt.want.Kinds)) || got.MaxBytes != tt.want.MaxBytes ||
			got.ViewOnce != tt.want.ViewOnce || got.History != tt.want.History {
			t.Errorf("ParsePolicy(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if again, err := mediafetch.ParsePolicy(got.String()); err != nil || again.String() != got.String() {
			t.Errorf("%q does not read back: %q, %v", got.String(), again.String(), err)
		}
	}
	for _, bad := range []string{"images", "max=", "max=0", "max=lots", "none,image", "gif"} {
		if _, err := mediafetch.ParsePolicy(bad); err == nil {
			t.Errorf("ParsePolicy(%q) accepted", bad)
		}
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// The object reference of events names the bucket the store opens.
func TestMediaBucketIsTheStoresDefault(t *testing.T) {
	if events.MediaBucket != mediastore.DefaultBucket {
		t.Fatalf("events name bucket %s, the store opens %s", events.MediaBucket, mediastore.DefaultBucket)
	}
}

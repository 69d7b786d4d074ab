package media_test

import (
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

func TestDefaultLimits(t *testing.T) {
	l := media.DefaultLimits()
	want := map[media.Kind]int64{
		media.Image: 16 << 20, media.Audio: 16 << 20, media.Video: 64 << 20,
		media.Document: 100 << 20, media.Sticker: 1 << 20,
	}
	for k, n := range want {
		if got := l.Of(k); got != n {
			t.Errorf("%s: %d, want %d", k, got, n)
		}
	}
	if l.Of("hologram") != 0 {
		t.Error("an unknown kind must have no limit to spool against")
	}
}

func TestParseLimits(t *testing.T) {
	l, err := media.ParseLimits("image=2MiB, video=5MB,document=1024, STICKER=512KiB")
	if err != nil {
		t.Fatal(err)
	}
	want := media.DefaultLimits()
	want.Image, want.Video, want.Document, want.Sticker = 2<<20, 5_000_000, 1024, 512<<10
	if l != want {
		t.Fatalf("got %+v, want %+v", l, want)
	}
	if l, err := media.ParseLimits(""); err != nil || l != media.DefaultLimits() {
		t.Fatalf("empty: %+v %v", l, err)
	}
	for _, bad := range []string{"image", "gif=1MiB", "image=lots", "image=0", "audio=-1"} {
		if _, err := media.ParseLimits(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

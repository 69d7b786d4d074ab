package mediastore_test

import (
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/mediastore"
)

func TestRefRoundTrip(t *testing.T) {
	for _, name := range []string{"photo.jpg", "upload/0123abcd", "a b.pdf", "Ünïcode.png", strings.Repeat("n", 1024)} {
		ref := mediastore.Ref(mediastore.DefaultBucket, name)
		b, n, ok := mediastore.ParseRef(ref)
		if !ok || b != mediastore.DefaultBucket || n != name {
			t.Errorf("ParseRef(%q) = %q, %q, %v", ref, b, n, ok)
		}
	}
	if got := mediastore.Ref("WA_MEDIA", "photo.jpg"); got != "nats-object://WA_MEDIA/photo.jpg" {
		t.Fatalf("Ref = %q", got)
	}
}

func TestParseRefRefuses(t *testing.T) {
	for _, s := range []string{
		"", "WA_MEDIA/photo.jpg", "nats-object://", "nats-object://WA_MEDIA", "nats-object://WA_MEDIA/",
		"nats-object:///photo.jpg", "nats-object://WA.MEDIA/x", "nats-object://WA MEDIA/x",
		"nats-object://WA_MEDIA/a\nb", "nats-object://WA_MEDIA/" + strings.Repeat("n", 1025),
		"https://WA_MEDIA/photo.jpg", "NATS-OBJECT://WA_MEDIA/x",
	} {
		if b, n, ok := mediastore.ParseRef(s); ok {
			t.Errorf("ParseRef(%q) = %q, %q, ok", s, b, n)
		}
	}
}

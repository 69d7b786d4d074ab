package mediafetch_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/mediafetch"
)

// FuzzParsePolicy: --media-download's parser never panics; what it
// accepts reads back from its String unchanged, names only media kinds
// (each once), and keeps a cap between 1 byte and 1 TiB.
func FuzzParsePolicy(f *testing.F) {
	for _, seed := range []string{
		"", "none", " NONE ", "all", "image", "image, Video,image", "max=10MB,view_once",
		"document,max=1GiB,history", "max=1.5KiB", "max=1TiB", "max=1099511627777", "max=0", "max=-1",
		"max=", "max=1e3", "max=64 MiB", ",,,", "view_once,history,all,max=1", "none,image", "images", "ımage",
		"sticker,max=18446744073709551615", "audio,max=9223372036854775807B",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := mediafetch.ParsePolicy(s)
		if err != nil {
			return
		}
		if p.MaxBytes < 1 || p.MaxBytes > 1<<40 {
			t.Fatalf("ParsePolicy(%q): cap %d out of range", s, p.MaxBytes)
		}
		seen := map[string]bool{}
		for _, k := range p.Kinds {
			if !events.IsMediaKind(k) || seen[k] {
				t.Fatalf("ParsePolicy(%q): kinds %q", s, p.Kinds)
			}
			seen[k] = true
		}
		str := p.String()
		again, err := mediafetch.ParsePolicy(str)
		if err != nil {
			t.Fatalf("ParsePolicy(%q) gave %q, which does not parse: %v", s, str, err)
		}
		if !p.Enabled() {
			if again.Enabled() || str != "none" {
				t.Fatalf("ParsePolicy(%q): a disabled policy reads back as %q", s, str)
			}
			return
		}
		if !reflect.DeepEqual(again, p) || again.String() != str || strings.Contains(str, " ") {
			t.Fatalf("ParsePolicy(%q) = %+v as %q; read back %+v", s, p, str, again)
		}
	})
}

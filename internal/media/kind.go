package media

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
)

// Kind is the type of a media message as commands name it.
type Kind string

const (
	Image    Kind = "image"
	Video    Kind = "video"
	Audio    Kind = "audio"
	Document Kind = "document"
	Sticker  Kind = "sticker"
)

// Kinds lists every kind, in the order the README documents them.
func Kinds() []Kind { return []Kind{Image, Audio, Video, Document, Sticker} }

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, known := range Kinds() {
		if k == known {
			return true
		}
	}
	return false
}

// Limits are the largest inputs accepted per kind, in bytes.
type Limits struct{ Image, Audio, Video, Document, Sticker int64 }

// DefaultLimits are the limits WhatsApp's own clients keep to.
func DefaultLimits() Limits {
	return Limits{
		Image:    16 << 20,
		Audio:    16 << 20,
		Video:    64 << 20,
		Document: 100 << 20,
		Sticker:  1 << 20,
	}
}

// Of returns the limit of kind k; 0 for an unknown kind, which Spool refuses.
func (l Limits) Of(k Kind) int64 {
	if p := l.field(k); p != nil {
		return *p
	}
	return 0
}

func (l *Limits) field(k Kind) *int64 {
	switch k {
	case Image:
		return &l.Image
	case Audio:
		return &l.Audio
	case Video:
		return &l.Video
	case Document:
		return &l.Document
	case Sticker:
		return &l.Sticker
	}
	return nil
}

// ParseLimits reads the --media-max-size flag: comma-separated kind=size pairs
// ("image=16MiB,video=64MB,document=104857600"). Sizes take humanize's units
// (MiB = 2^20, MB = 10^6, a bare number is bytes); kinds not named keep their
// defaults. An empty string is the defaults.
func ParseLimits(s string) (Limits, error) {
	l := DefaultLimits()
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, size, ok := strings.Cut(pair, "=")
		if !ok {
			return Limits{}, fmt.Errorf("media limit %q: want kind=size", pair)
		}
		k := Kind(strings.ToLower(strings.TrimSpace(name)))
		p := l.field(k)
		if p == nil {
			return Limits{}, fmt.Errorf("media limit %q: unknown kind %q (want one of %v)", pair, name, Kinds())
		}
		n, err := humanize.ParseBytes(strings.TrimSpace(size))
		if err != nil {
			return Limits{}, fmt.Errorf("media limit %q: %w", pair, err)
		}
		if n == 0 || n > 1<<40 {
			return Limits{}, fmt.Errorf("media limit %q: size must be between 1 byte and 1 TiB", pair)
		}
		*p = int64(n)
	}
	return l, nil
}

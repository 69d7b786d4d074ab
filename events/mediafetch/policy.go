package mediafetch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/wabridge/wabridge/events"
)

// DefaultMaxBytes is the size cap of background downloads unless
// --media-download names another.
const DefaultMaxBytes = 64 << 20

// Policy is what the background download takes (--media-download): the
// kinds, a size cap, and whether view-once media and history are stored.
type Policy struct {
	// Kinds are the message types whose media is downloaded; none
	// disables the background download (on-demand still works).
	Kinds []string
	// MaxBytes skips media whose declared size is larger; downloads on
	// demand are not capped.
	MaxBytes int64
	// ViewOnce stores view-once media too (served once, then deleted);
	// without it view-once media is neither downloaded nor served.
	ViewOnce bool
	// History downloads the media of message.history as well (a history
	// sync may carry years of media, mostly gone from WhatsApp's servers).
	History bool
}

// DefaultPolicy is every kind up to 64 MiB, no view-once, no history.
func DefaultPolicy() Policy {
	return Policy{Kinds: events.MediaKinds(), MaxBytes: DefaultMaxBytes}
}

// ParsePolicy reads --media-download: "none", or comma-separated kinds
// (image, video, audio, document, sticker, or all), "max=<size>" (64MiB,
// 10MB, bytes), "view_once" and "history". Naming no kind means all; ""
// is DefaultPolicy.
func ParsePolicy(s string) (Policy, error) {
	p := DefaultPolicy()
	if strings.TrimSpace(strings.ToLower(s)) == "none" {
		p.Kinds = nil
		return p, nil
	}
	var kinds []string
	for _, tok := range strings.Split(s, ",") {
		tok = strings.ToLower(strings.TrimSpace(tok))
		switch {
		case tok == "":
		case tok == "all":
			kinds = append(kinds, events.MediaKinds()...)
		case tok == "view_once":
			p.ViewOnce = true
		case tok == "history":
			p.History = true
		case strings.HasPrefix(tok, "max="):
			n, err := humanize.ParseBytes(strings.TrimPrefix(tok, "max="))
			if err != nil || n == 0 || n > 1<<40 {
				return Policy{}, fmt.Errorf("media download %q: max wants a size between 1 byte and 1 TiB (e.g. 64MiB)", tok)
			}
			p.MaxBytes = int64(n)
		case events.IsMediaKind(tok):
			kinds = append(kinds, tok)
		default:
			return Policy{}, fmt.Errorf("media download %q: want none, or kinds (%s, all), max=<size>, view_once, history",
				tok, strings.Join(events.MediaKinds(), ", "))
		}
	}
	if len(kinds) > 0 {
		// In the catalog's order, each once.
		p.Kinds = slices.DeleteFunc(events.MediaKinds(), func(k string) bool { return !slices.Contains(kinds, k) })
	}
	return p, nil
}

// Enabled reports whether anything is downloaded in the background.
func (p Policy) Enabled() bool { return len(p.Kinds) > 0 }

// String is the policy in --media-download's form.
func (p Policy) String() string {
	if !p.Enabled() {
		return "none"
	}
	parts := append(slices.Clone(p.Kinds), "max="+exactSize(p.MaxBytes))
	if p.ViewOnce {
		parts = append(parts, "view_once")
	}
	if p.History {
		parts = append(parts, "history")
	}
	return strings.Join(parts, ",")
}

// exactSize writes n in the largest binary unit that divides it, so the
// policy's string reads back to the same bytes.
func exactSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprint(n)
}

// skip says why the background download leaves m alone, or "".
func (p Policy) skip(typ string, m events.MessageReceived) string {
	switch {
	case m.Media == nil:
		return "no media"
	case !slices.Contains(p.Kinds, m.Type):
		return "kind not downloaded"
	case typ == events.TypeMessageHistory && !p.History:
		return "history not downloaded"
	case m.ViewOnce && !p.ViewOnce:
		return "view-once not stored"
	case p.MaxBytes > 0 && m.Media.Size > uint64(p.MaxBytes):
		return "larger than the cap"
	}
	return ""
}

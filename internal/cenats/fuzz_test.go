package cenats_test

import (
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// FuzzDecode feeds arbitrary header values and payloads to Decode. Whatever
// it accepts must encode again in both modes and decode to the same event:
// Decode and Encode agree on what an event is.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType, specVersion, id, source, typ, subject, tm, extName, extValue string, payload []byte) {
		h := nats.Header{
			"ce-specversion": {specVersion},
			"CE-ID":          {id},
			"Ce-Source":      {source},
			"ce-type":        {typ},
			"ce-subject":     {subject},
			"ce-time":        {tm},
			"Nats-Msg-Id":    {id},
		}
		if contentType != "" {
			h["Content-Type"] = []string{contentType}
		}
		if extName != "" {
			h["ce-"+extName] = append(h["ce-"+extName], extValue)
		}
		e, err := cenats.Decode(h, payload)
		if err != nil {
			return
		}
		for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
			h2, data2, err := cenats.Encode(e, mode)
			if err != nil {
				t.Fatalf("%s: Encode of a decoded event failed: %v\nevent: %+v", mode, err, canon(t, e))
			}
			again, err := cenats.Decode(h2, data2)
			if err != nil {
				t.Fatalf("%s: Decode of own encoding failed: %v\nheaders %v\npayload %q", mode, err, h2, data2)
			}
			sameEvent(t, e, again)
		}
	})
}

package bridge

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"
)

// A view-once send kept in its envelope still has media to download, and
// it is view-once.
func TestDownloadableUnwrapsViewOnceEnvelope(t *testing.T) {
	img := &waE2E.ImageMessage{Mimetype: proto.String("image/jpeg"), ViewOnce: proto.Bool(true), DirectPath: proto.String("/v/x")}
	for name, m := range map[string]*waE2E.Message{
		"v2":        {ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: img}}},
		"v1":        {ViewOnceMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: img}}},
		"extension": {ViewOnceMessageV2Extension: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: img}}},
	} {
		sub, out := downloadable(m)
		if sub != img || !out.ViewOnce || out.Mimetype != "image/jpeg" {
			t.Fatalf("%s: %v %+v", name, sub, out)
		}
	}
}

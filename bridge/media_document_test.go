package bridge_test

import (
	"context"
	"testing"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/media/mediatest"
)

// A PDF's DocumentMessage carries its page count, which receivers show
// under the name; a PDF that cannot be read is sent without one.
func TestSendDocumentPDFPageCount(t *testing.T) {
	e, c := newMediaEnv(t, map[string]memFile{
		"three":  {data: mediatest.PDF(3), mimetype: "application/pdf", filename: "three.pdf"},
		"broken": {data: []byte("%PDF-1.4\nnot really\n"), mimetype: "application/pdf", filename: "broken.pdf"},
	})
	s := e.session("default")
	for name, want := range map[string]uint32{"three": 3, "broken": 0} {
		if _, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Document, To: "4917612345678", Media: "mem:" + name, Key: "doc-" + name}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sent := c.sentMessages()
		d := sent[len(sent)-1].Msg.GetDocumentMessage()
		if d.GetPageCount() != want || (want == 0 && d.PageCount != nil) {
			t.Fatalf("%s: page count %v, want %d", name, d.PageCount, want)
		}
	}
}

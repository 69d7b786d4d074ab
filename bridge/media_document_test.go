package bridge_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

// pdfOf is a PDF of n empty pages with a correct cross-reference table.
func pdfOf(n int) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(body string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), body)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := ""
	for i := range n {
		kids += fmt.Sprintf("%d 0 R ", 3+i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n))
	for range n {
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// A PDF's DocumentMessage carries its page count, which receivers show
// under the name; a PDF that cannot be read is sent without one.
func TestSendDocumentPDFPageCount(t *testing.T) {
	e, c := newMediaEnv(t, map[string]memFile{
		"three":  {data: pdfOf(3), mimetype: "application/pdf", filename: "three.pdf"},
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

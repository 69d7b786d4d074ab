package media_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

func TestDocumentKeepsBytesAndNames(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
	cases := []struct {
		name            string
		opt             media.Options
		mimetype, fname string
	}{
		{"sniffed and derived", media.Options{}, "application/pdf", "document.pdf"},
		{"named", media.Options{Filename: "Q3 report.pdf"}, "application/pdf", "Q3 report.pdf"},
		{"no directories", media.Options{Filename: "../../etc/report.pdf"}, "application/pdf", "report.pdf"},
		{"declared wins", media.Options{Mimetype: "application/x-custom"}, "application/x-custom", "document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := spool(t, pdf)
			p, err := media.Prepare(context.Background(), media.Document, in, c.opt, media.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Blob != in || !bytes.Equal(readBlob(t, p.Blob), pdf) {
				t.Fatal("a document must be sent as it came")
			}
			if p.Mimetype != c.mimetype || p.Filename != c.fname {
				t.Fatalf("mimetype %q filename %q, want %q %q", p.Mimetype, p.Filename, c.mimetype, c.fname)
			}
		})
	}
}

package media_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/media/mediatest"
)

func TestDocumentPDFPageCount(t *testing.T) {
	for _, n := range []int{1, 3, 40} {
		p, err := media.Prepare(context.Background(), media.Document, spool(t, mediatest.PDF(n)), media.Options{Filename: "a.pdf"}, media.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if p.PageCount != uint32(n) || p.Mimetype != "application/pdf" {
			t.Fatalf("%d pages: prepared %+v", n, p)
		}
	}
}

// A PDF that cannot be read is still sent, without a count; so is one whose
// page tree declares an absurd number of pages, and other documents.
func TestDocumentPageCountOnlyWhenReadable(t *testing.T) {
	pdf := mediatest.PDF(2)
	lying := bytes.Replace(mediatest.PDF(1), []byte("/Count 1"), []byte("/Count 99999999999"), 1)
	for name, data := range map[string][]byte{
		"truncated":  pdf[:40],
		"header":     []byte("%PDF-1.7\n" + string(make([]byte, 100))),
		"lying":      lying,
		"not a pdf":  []byte("plain text, not a PDF at all\n"),
		"pdf inside": append([]byte("PK\x03\x04"), pdf...),
	} {
		p, err := media.Prepare(context.Background(), media.Document, spool(t, data), media.Options{Filename: "x.pdf"}, media.Config{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.PageCount != 0 || p.Blob == nil {
			t.Fatalf("%s: page count %d", name, p.PageCount)
		}
	}
}

// FuzzDocumentPDF feeds any bytes sniffed as a PDF to the document path
// (its seed corpus, under testdata/fuzz, holds small valid PDFs with plain
// and compressed cross-references, nested page trees and broken ones): the
// document is always sent, with a count in range or none, and the reader's
// faults never escape.
func FuzzDocumentPDF(f *testing.F) {
	f.Add(mediatest.PDF(2))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		in, err := media.Spool(bytes.NewReader(data), t.TempDir(), 1<<20+1)
		if err != nil {
			t.Fatal(err)
		}
		p, err := media.Prepare(context.Background(), media.Document, in, media.Options{Filename: "f.pdf"}, media.Config{})
		if err != nil {
			t.Fatalf("a document was refused: %v", err)
		}
		if p.PageCount > 1_000_000 || p.Blob != in {
			t.Fatalf("prepared %+v", p)
		}
	})
}

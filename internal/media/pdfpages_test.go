package media_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

// minimalPDF is a PDF of n empty pages with a correct cross-reference
// table, as a simple writer makes it.
func minimalPDF(n int) []byte {
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

func TestDocumentPDFPageCount(t *testing.T) {
	for _, n := range []int{1, 3, 40} {
		p, err := media.Prepare(context.Background(), media.Document, spool(t, minimalPDF(n)), media.Options{Filename: "a.pdf"}, media.Config{})
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
	pdf := minimalPDF(2)
	lying := bytes.Replace(minimalPDF(1), []byte("/Count 1"), []byte("/Count 99999999999"), 1)
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
	f.Add(minimalPDF(2))
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

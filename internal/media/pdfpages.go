package media

import (
	"context"
	"fmt"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// What a PDF's page count may cost: pdfcpu loads every object of the file
// (observed up to ~17× the file's size in memory on corrupt input), so
// larger PDFs go without one; a receiver then shows none, as for a PDF its
// sender's client could not read.
const (
	pdfCountMaxBytes = 8 << 20
	pdfCountTimeout  = 10 * time.Second
	pdfMaxPages      = 1_000_000 // beyond any real document: a lying /Count
)

// pdfPageCount is the number of pages of the PDF in b as its page tree
// declares it, or an error when b is not a PDF pdfcpu can read within the
// limits. The count is optional metadata: callers send the document
// without one on any error.
func pdfPageCount(ctx context.Context, b *Blob) (n uint32, err error) {
	if b.Size > pdfCountMaxBytes {
		return 0, fmt.Errorf("counting PDF pages: %d bytes is more than the %d read for it", b.Size, pdfCountMaxBytes)
	}
	f, err := b.Open()
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// pdfcpu turns its own faults into errors but re-raises runtime ones
	// (a nil dereference on a corrupt file): the bytes are the sender's.
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("counting PDF pages: the PDF reader failed: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, pdfCountTimeout)
	defer cancel()
	pc, err := pdfcpu.ReadWithContext(ctx, f, pdfConfig())
	if err != nil {
		return 0, fmt.Errorf("counting PDF pages: %w", err)
	}
	if err := pc.EnsurePageCount(); err != nil {
		return 0, fmt.Errorf("counting PDF pages: %w", err)
	}
	if pc.PageCount < 1 || pc.PageCount > pdfMaxPages {
		return 0, fmt.Errorf("counting PDF pages: the page tree declares %d pages", pc.PageCount)
	}
	return uint32(pc.PageCount), nil
}

// pdfConfig is pdfcpu's reading configuration built here rather than by
// model.NewDefaultConfiguration, which writes a configuration directory
// under the user's home: relaxed validation (what real-world writers get
// wrong is still a document) and resource limits tighter than pdfcpu's
// defaults (512 MB of decoded streams), since only the page tree matters.
func pdfConfig() *model.Configuration {
	lim := model.DefaultResourceLimits()
	lim.MaxStreamBytes = 64 << 20
	lim.MaxDecodeBytes = 64 << 20
	lim.MaxImageBytes = 64 << 20
	lim.MaxObjectCount = 1_000_000
	lim.MaxXRefEntries = 1_000_000
	lim.MaxObjectStreamCount = 100_000
	return &model.Configuration{
		ValidationMode: model.ValidationRelaxed,
		Reader15:       true, // object and xref streams, as every current writer makes
		Eol:            "\n",
		Limits:         lim,
	}
}

package media

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// prepareDocument keeps the bytes: a document is sent as it came. The
// declared mimetype is believed (a .docx is a zip to any sniffer, and the
// receiver opens it by the declared type); without one the sniffed type is
// used, as it is for a generic application/octet-stream. Receivers need a
// filename to save it, so one is derived when none is given.
// A PDF also gets its page count, which receivers show under the name;
// one that cannot be read goes without it, as it came.
func prepareDocument(ctx context.Context, in *Blob, opt Options) (*Prepared, error) {
	mt := declaredType(opt.Mimetype)
	if mt == "" {
		mt = in.Mimetype
	}
	p := &Prepared{Blob: in, Mimetype: mt, Filename: documentName(opt.Filename, mt)}
	if baseType(in.Mimetype) == "application/pdf" {
		p.PageCount, _ = pdfPageCount(ctx, in)
	}
	return p, nil
}

// documentName keeps the caller's name without any directory part, or names
// the file "document" with the mimetype's usual extension.
func documentName(name, mt string) string {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	if name != "" && name != "." && name != "/" {
		return name
	}
	ext := ""
	if m := mimetype.Lookup(baseType(mt)); m != nil {
		ext = m.Extension()
	}
	return "document" + ext
}

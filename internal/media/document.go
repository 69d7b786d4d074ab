package media

import (
	"path/filepath"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// prepareDocument keeps the bytes: a document is sent as it came. The
// declared mimetype is believed (a .docx is a zip to any sniffer, and the
// receiver opens it by the declared type); without one the sniffed type is
// used, as it is for a generic application/octet-stream. Receivers need a
// filename to save it, so one is derived when none is given.
func prepareDocument(in *Blob, opt Options) (*Prepared, error) {
	mt := declaredType(opt.Mimetype)
	if mt == "" {
		mt = in.Mimetype
	}
	return &Prepared{Blob: in, Mimetype: mt, Filename: documentName(opt.Filename, mt)}, nil
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

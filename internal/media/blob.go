package media

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wabridge/wabridge/internal/werr"
)

// Blob is content spooled to a temporary file: media is never held whole in
// memory twice. Whoever holds a Blob removes it when done.
type Blob struct {
	Path     string
	Size     int64
	SHA256   []byte
	Mimetype string // sniffed from the content, never taken from the caller
}

// Spool copies r into a new temporary file in dir ("" = os.TempDir()),
// hashing and sniffing while copying. It reads at most limit+1 bytes: more
// than limit is MEDIA_TOO_LARGE and leaves no file behind. Errors of r keep
// their werr code (a truncated data: URL stays INVALID_PAYLOAD).
func Spool(r io.Reader, dir string, limit int64) (*Blob, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("spooling media: limit %d must be positive", limit)
	}
	f, err := os.CreateTemp(dir, "wabridge-media-*")
	if err != nil {
		return nil, fmt.Errorf("spooling media: creating temporary file: %w", err)
	}
	b, err := spoolInto(f, r, limit)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("spooling media: closing temporary file: %w", cerr)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return nil, err
	}
	return b, nil
}

func spoolInto(f *os.File, r io.Reader, limit int64) (*Blob, error) {
	h := sha256.New()
	head := &headWriter{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("spooling media: %w", err)
	}
	if n > limit {
		return nil, tooLarge(limit)
	}
	return &Blob{Path: f.Name(), Size: n, SHA256: h.Sum(nil), Mimetype: Sniff(head.buf)}, nil
}

func tooLarge(limit int64) error {
	return werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge,
		"media is larger than the limit of %d bytes", limit).
		WithDetails(map[string]any{"limit": limit})
}

// blobOfFile makes a Blob of a file written in place (a conversion's output).
func blobOfFile(path string) (*Blob, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening converted media: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	head := &headWriter{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(h, head), f)
	if err != nil {
		return nil, fmt.Errorf("hashing converted media: %w", err)
	}
	return &Blob{Path: path, Size: n, SHA256: h.Sum(nil), Mimetype: Sniff(head.buf)}, nil
}

// Open opens the blob's file for reading.
func (b *Blob) Open() (*os.File, error) {
	f, err := os.Open(b.Path)
	if err != nil {
		return nil, fmt.Errorf("opening spooled media: %w", err)
	}
	return f, nil
}

// Remove deletes the blob's file; removing one already gone is no error.
func (b *Blob) Remove() error {
	if b == nil || b.Path == "" {
		return nil
	}
	if err := os.Remove(b.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing spooled media: %w", err)
	}
	return nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	buf []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

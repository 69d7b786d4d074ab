package media_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestSpoolHashesSniffsAndKeepsBytes(t *testing.T) {
	dir := t.TempDir()
	content := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 10_000)...)
	b, err := media.Spool(bytes.NewReader(content), dir, int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if b.Size != int64(len(content)) || !bytes.Equal(b.SHA256, sum[:]) || b.Mimetype != "application/pdf" {
		t.Fatalf("blob %+v", b)
	}
	if filepath.Dir(b.Path) != dir {
		t.Fatalf("spooled to %s, not into %s", b.Path, dir)
	}
	f, err := b.Open()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, content) {
		t.Fatal("spooled bytes differ")
	}
	if err := b.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file still there: %v", err)
	}
	if err := b.Remove(); err != nil {
		t.Fatalf("second remove: %v", err)
	}
}

// countingReader counts what Spool reads, to prove it stops past the limit.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestSpoolRefusesMoreThanTheLimitAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	src := &countingReader{r: strings.NewReader(strings.Repeat("a", 1<<20))}
	_, err := media.Spool(src, dir, 1000)
	if werr.From(err).Code != werr.CodeMediaTooLarge {
		t.Fatalf("want MEDIA_TOO_LARGE, got %v", err)
	}
	if src.n > 1001 {
		t.Fatalf("read %d bytes for a limit of 1000", src.n)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left %d files behind", len(left))
	}
	if b, err := media.Spool(strings.NewReader(strings.Repeat("a", 1000)), dir, 1000); err != nil || b.Size != 1000 {
		t.Fatalf("exactly the limit must pass: %v", err)
	}
}

func TestSpoolKeepsTheReadersErrorCode(t *testing.T) {
	dir := t.TempDir()
	u, err := media.ParseDataURL("data:image/png;base64,iVBORw0KGgo=AAAA")
	if err != nil {
		t.Fatal(err)
	}
	_, err = media.Spool(u.Body, dir, 1<<20)
	if werr.From(err).Code != werr.CodeInvalidPayload {
		t.Fatalf("want INVALID_PAYLOAD, got %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left %d files behind", len(left))
	}
	if _, err := media.Spool(strings.NewReader("x"), dir, 0); err == nil {
		t.Fatal("a zero limit must be refused, not taken as unlimited")
	}
}

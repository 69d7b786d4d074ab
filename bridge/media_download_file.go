package bridge

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"
	"os"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
	"go.mau.fi/whatsmeow"
)

// sniffBytes is how much of a download's start the MIME sniffer reads.
const sniffBytes = 3072

// describe makes a media.Blob of a finished download in f: its size, the
// SHA-256 of what is there and the type sniffed from its start.
func describe(f *os.File) (*media.Blob, error) {
	if err := rewind(f); err != nil {
		return nil, err
	}
	h := sha256.New()
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("reading a media download: %w", err)
	}
	head = head[:n]
	h.Write(head)
	rest, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("hashing a media download: %w", err)
	}
	return &media.Blob{Path: f.Name(), Size: int64(n) + rest, SHA256: h.Sum(nil), Mimetype: media.Sniff(head)}, nil
}

// verifyPlainSHA256 checks what whatsmeow leaves unchecked once it has
// warned about the length: the plaintext's hash.
func verifyPlainSHA256(f *os.File, want []byte) error {
	if len(want) != sha256.Size {
		return nil
	}
	if err := rewind(f); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("hashing a media download: %w", err)
	}
	if !hmac.Equal(h.Sum(nil), want) {
		return whatsmeow.ErrInvalidMediaSHA256
	}
	return nil
}

// rewind seeks f back to its start.
func rewind(f *os.File) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "seeking in a media download")
	}
	return nil
}

// restart empties f for a second download: what a failed attempt wrote
// must not trail the next one's content.
func restart(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "emptying a media download")
	}
	return rewind(f)
}

func userID(m StoredMessage) string { return msgid.Format(m.FromMe, m.Chat, m.ID) }

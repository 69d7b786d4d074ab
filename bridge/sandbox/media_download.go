package sandbox

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.mau.fi/whatsmeow"
)

// DownloadToFile fetches a media message's blob from the network's store
// and decrypts it into file as whatsmeow does: the URL alone when there is
// one (no fallback to the direct path), else the direct path; an unknown
// blob is whatsmeow's 404; the encrypted file's hash and MAC are checked
// before it is decrypted, then the length and the plaintext's hash
// (whatsmeow answers ErrFileLengthMismatch and ErrInvalidMediaSHA256 with
// the content written).
func (c *Client) DownloadToFile(ctx context.Context, msg whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	mt := whatsmeow.GetMediaType(msg)
	if mt == "" {
		return fmt.Errorf("%w %T", whatsmeow.ErrUnknownMediaType, msg)
	}
	path, err := c.blobPath(msg)
	if err != nil {
		return err
	}
	r, info, err := c.net.blobs.open(path)
	if errors.Is(err, ErrBlobNotFound) {
		return whatsmeow.ErrMediaDownloadFailedWith404
	}
	if err != nil {
		return err
	}
	return decryptInto(r, info.Size, msg, mt, file)
}

// blobPath is the direct path a download asks the store for. Direct-path
// downloads need the media connection, which needs the socket.
func (c *Client) blobPath(msg whatsmeow.DownloadableMessage) (string, error) {
	if u, ok := msg.(interface{ GetURL() string }); ok && u.GetURL() != "" && !strings.HasPrefix(u.GetURL(), "https://web.whatsapp.net") {
		path, ok := strings.CutPrefix(u.GetURL(), mediaHost)
		if !ok {
			return "", whatsmeow.ErrMediaDownloadFailedWith404 // a CDN this network is not
		}
		return strings.TrimSuffix(path, "&mms3=true"), nil
	}
	if msg.GetDirectPath() == "" {
		return "", whatsmeow.ErrNoURLPresent
	}
	c.mu.Lock()
	connected := c.connected
	c.mu.Unlock()
	if !connected {
		return "", fmt.Errorf("failed to refresh media connections: %w", whatsmeow.ErrNotConnected)
	}
	return msg.GetDirectPath(), nil
}

// decryptInto verifies and decrypts the encrypted blob r (size bytes:
// ciphertext and 10-byte MAC) into file, answering whatsmeow's errors.
func decryptInto(r *io.SectionReader, size int64, msg whatsmeow.DownloadableMessage, mt whatsmeow.MediaType, file whatsmeow.File) error {
	if size <= 10 {
		return whatsmeow.ErrTooShortFile
	}
	iv, cipherKey, macKey := mediaKeys(msg.GetMediaKey(), mt)
	enc, mac := sha256.New(), hmac.New(sha256.New, macKey)
	mac.Write(iv)
	if _, err := io.Copy(io.MultiWriter(enc, mac), io.NewSectionReader(r, 0, size-10)); err != nil {
		return fmt.Errorf("failed to download media: %w", err)
	}
	tail := make([]byte, 10)
	if _, err := r.ReadAt(tail, size-10); err != nil {
		return fmt.Errorf("failed to download media: %w", err)
	}
	enc.Write(tail)
	if want := msg.GetFileEncSHA256(); len(want) == 32 && !bytes.Equal(enc.Sum(nil), want) {
		return whatsmeow.ErrInvalidMediaEncSHA256
	}
	if !hmac.Equal(mac.Sum(nil)[:10], tail) {
		return whatsmeow.ErrInvalidMediaHMAC
	}
	if (size-10)%aes.BlockSize != 0 {
		return fmt.Errorf("failed to decrypt file: %w", errors.New("ciphertext is not a whole number of blocks"))
	}
	block, err := aes.NewCipher(cipherKey)
	if err != nil {
		return fmt.Errorf("failed to decrypt file: %w", err)
	}
	if err := file.Truncate(0); err != nil {
		return fmt.Errorf("failed to truncate file: %w", err)
	}
	plain := sha256.New()
	n, err := decryptCBC(cipher.NewCBCDecrypter(block, iv), io.NewSectionReader(r, 0, size-10), io.MultiWriter(io.NewOffsetWriter(file, 0), plain))
	if err != nil {
		return fmt.Errorf("failed to decrypt file: %w", err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("failed to seek to start of file after decrypting: %w", err)
	}
	if l, ok := msg.(interface{ GetFileLength() uint64 }); ok && n != int64(l.GetFileLength()) {
		return fmt.Errorf("%w: expected %d, got %d", whatsmeow.ErrFileLengthMismatch, l.GetFileLength(), n)
	}
	if !hmac.Equal(plain.Sum(nil), msg.GetFileSHA256()) {
		return whatsmeow.ErrInvalidMediaSHA256
	}
	return nil
}

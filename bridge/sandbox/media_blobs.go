package sandbox

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/util/cbcutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
)

// maxBlobBytes bounds what the network's media store keeps; the oldest
// blobs go first, as WhatsApp's CDN forgets old uploads (a download of one
// then fails as an expired one does).
const maxBlobBytes = 4 << 30

// mediaHost is the CDN host of the URLs uploads answer with.
const mediaHost = "https://mmg.whatsapp.net"

// ErrBlobNotFound is what the media store answers for a direct path it
// does not keep (never uploaded, or expired); a download maps it to
// WhatsApp's 404.
var ErrBlobNotFound = errors.New("sandbox: no media blob at that path")

// blobStore is the network's media CDN: what sessions and virtual contacts
// uploaded, encrypted as WhatsApp keeps it (ciphertext and the 10-byte MAC),
// keyed by direct path. Blobs live in unlinked temporary files, so a large
// document costs disk, not memory, and nothing outlives the process. The
// zero value is ready to use.
type blobStore struct {
	mu    sync.Mutex
	blobs map[string]*blob
	order []string // direct paths, oldest first, for eviction
	total int64
}

// blob is one uploaded file as the CDN keeps it.
type blob struct {
	f         *os.File
	size      int64 // of the encrypted file: ciphertext + MAC
	mediaType whatsmeow.MediaType
	encSHA256 []byte
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Size      int64 // encrypted bytes (ciphertext + MAC)
	MediaType whatsmeow.MediaType
	EncSHA256 []byte
}

// mediaKeys expands a media key as WhatsApp does for the media type: IV,
// AES key and MAC key (the fourth part, the ref key, is not needed here).
func mediaKeys(mediaKey []byte, mt whatsmeow.MediaType) (iv, cipherKey, macKey []byte) {
	x := hkdfutil.SHA256(mediaKey, nil, []byte(mt), 112)
	return x[:16], x[16:48], x[48:80]
}

// encryptUpload encrypts plaintext under a fresh media key for mt, stores
// it and answers what whatsmeow's Upload answers.
func (s *blobStore) encryptUpload(plaintext io.Reader, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	var resp whatsmeow.UploadResponse
	resp.MediaKey = make([]byte, 32)
	if _, err := rand.Read(resp.MediaKey); err != nil {
		return resp, fmt.Errorf("making a media key: %w", err)
	}
	iv, cipherKey, macKey := mediaKeys(resp.MediaKey, mt)
	f, err := tempBlobFile()
	if err != nil {
		return resp, err
	}
	var size uint64
	resp.FileSHA256, resp.FileEncSHA256, resp.FileLength, size, err = cbcutil.EncryptStream(cipherKey, iv, macKey, plaintext, f)
	if err != nil {
		_ = f.Close()
		return resp, fmt.Errorf("failed to encrypt file: %w", err)
	}
	resp.DirectPath, err = s.keep(f, int64(size), mt, resp.FileEncSHA256)
	if err != nil {
		return resp, err
	}
	resp.URL = mediaHost + resp.DirectPath + "&mms3=true"
	return resp, nil
}

// tempBlobFile is an anonymous temporary file: removed from the directory
// at once (where the system allows it), so it vanishes with its last
// descriptor.
func tempBlobFile() (*os.File, error) {
	f, err := os.CreateTemp("", "wabridge-sandbox-media-*")
	if err != nil {
		return nil, fmt.Errorf("creating a media blob: %w", err)
	}
	_ = os.Remove(f.Name())
	return f, nil
}

// keep stores the encrypted file f under a new direct path, dropping the
// oldest blobs beyond maxBlobBytes.
func (s *blobStore) keep(f *os.File, size int64, mt whatsmeow.MediaType, encSHA256 []byte) (string, error) {
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("naming a media blob: %w", err)
	}
	// The shape of WhatsApp's direct paths; only its uniqueness matters.
	path := "/v/t62.7118-24/" + hex.EncodeToString(token) + "_n.enc?ccb=11-4&_nc_sid=5e03e0"
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blobs == nil {
		s.blobs = make(map[string]*blob)
	}
	s.blobs[path] = &blob{f: f, size: size, mediaType: mt, encSHA256: encSHA256}
	s.order = append(s.order, path)
	s.total += size
	for s.total > maxBlobBytes && len(s.order) > 1 {
		s.dropLocked(s.order[0])
	}
	return path, nil
}

// dropLocked forgets the blob at path; s.mu is held.
func (s *blobStore) dropLocked(path string) bool {
	b, ok := s.blobs[path]
	if !ok {
		return false
	}
	delete(s.blobs, path)
	for i, p := range s.order {
		if p == path {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	s.total -= b.size
	_ = b.f.Close()
	return true
}

// open answers a reader of the encrypted blob at directPath (as the CDN
// serves it) or ErrBlobNotFound.
func (s *blobStore) open(directPath string) (*io.SectionReader, BlobInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[directPath]
	if !ok {
		return nil, BlobInfo{}, fmt.Errorf("%w: %s", ErrBlobNotFound, directPath)
	}
	return io.NewSectionReader(b.f, 0, b.size), BlobInfo{Size: b.size, MediaType: b.mediaType, EncSHA256: b.encSHA256}, nil
}

// expire forgets the blob at directPath, as WhatsApp's CDN does after a
// while; it reports whether there was one.
func (s *blobStore) expire(directPath string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropLocked(directPath)
}

// Reference is what a media message carries to find and decrypt its blob.
type Reference struct {
	DirectPath    string
	MediaKey      []byte
	FileEncSHA256 []byte
	FileSHA256    []byte
	MediaType     whatsmeow.MediaType
}

// decrypt verifies the blob ref names (encrypted hash, MAC, plaintext
// hash) and writes its plaintext to w, as a recipient's phone does before
// it shows a media message. It answers the plaintext's size.
func (s *blobStore) decrypt(ref Reference, w io.Writer) (int64, error) {
	r, info, err := s.open(ref.DirectPath)
	if err != nil {
		return 0, err
	}
	if info.Size < aes.BlockSize+10 || (info.Size-10)%aes.BlockSize != 0 {
		return 0, fmt.Errorf("sandbox: media blob of %d bytes is no ciphertext", info.Size)
	}
	iv, cipherKey, macKey := mediaKeys(ref.MediaKey, ref.MediaType)
	if err := checkBlob(r, info.Size, iv, macKey, ref.FileEncSHA256); err != nil {
		return 0, err
	}
	block, err := aes.NewCipher(cipherKey)
	if err != nil {
		return 0, fmt.Errorf("sandbox: media cipher: %w", err)
	}
	plain := sha256.New()
	n, err := decryptCBC(cipher.NewCBCDecrypter(block, iv), io.NewSectionReader(r, 0, info.Size-10), io.MultiWriter(w, plain))
	if err != nil {
		return n, err
	}
	if !hmac.Equal(plain.Sum(nil), ref.FileSHA256) {
		return n, errors.New("sandbox: decrypted media does not match its file sha256")
	}
	return n, nil
}

// checkBlob verifies the encrypted file's sha256 and its truncated HMAC
// over IV and ciphertext.
func checkBlob(r *io.SectionReader, size int64, iv, macKey, encSHA256 []byte) error {
	enc, mac := sha256.New(), hmac.New(sha256.New, macKey)
	mac.Write(iv)
	if _, err := io.Copy(io.MultiWriter(enc, mac), io.NewSectionReader(r, 0, size-10)); err != nil {
		return fmt.Errorf("sandbox: reading media blob: %w", err)
	}
	tail := make([]byte, 10)
	if _, err := r.ReadAt(tail, size-10); err != nil {
		return fmt.Errorf("sandbox: reading media blob's MAC: %w", err)
	}
	enc.Write(tail)
	if !bytes.Equal(enc.Sum(nil), encSHA256) {
		return errors.New("sandbox: media blob does not match its file enc sha256")
	}
	if !hmac.Equal(mac.Sum(nil)[:10], tail) {
		return errors.New("sandbox: media blob's MAC does not match")
	}
	return nil
}

// decryptCBC streams ciphertext through cbc into w, holding the last block
// back to strip its PKCS#7 padding.
func decryptCBC(cbc cipher.BlockMode, ciphertext io.Reader, w io.Writer) (int64, error) {
	buf := make([]byte, 32*1024)
	var held []byte
	var n int64
	for {
		k, err := io.ReadFull(ciphertext, buf)
		if k > 0 {
			if k%aes.BlockSize != 0 {
				return n, errors.New("sandbox: ciphertext is not a whole number of blocks")
			}
			cbc.CryptBlocks(buf[:k], buf[:k])
			if len(held) > 0 {
				m, werr := w.Write(held)
				n += int64(m)
				if werr != nil {
					return n, werr
				}
			}
			held = append(held[:0], buf[k-aes.BlockSize:k]...)
			m, werr := w.Write(buf[:k-aes.BlockSize])
			n += int64(m)
			if werr != nil {
				return n, werr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return n, fmt.Errorf("sandbox: reading media blob: %w", err)
		}
	}
	if len(held) != aes.BlockSize {
		return n, errors.New("sandbox: empty ciphertext")
	}
	pad := int(held[len(held)-1])
	if pad == 0 || pad > aes.BlockSize {
		return n, errors.New("sandbox: bad padding in media blob")
	}
	m, err := w.Write(held[:len(held)-pad])
	return n + int64(m), err
}

// uploadable refuses an upload as whatsmeow does when the client cannot
// reach WhatsApp (its media connection query needs the socket).
func (c *Client) uploadable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	loggedIn, connected := c.dev.ID != nil, c.connected
	c.mu.Unlock()
	if !connected {
		return fmt.Errorf("failed to refresh media connections: %w", whatsmeow.ErrNotConnected)
	}
	if !loggedIn {
		return fmt.Errorf("failed to refresh media connections: %w", whatsmeow.ErrNotLoggedIn)
	}
	return nil
}

// Upload encrypts plaintext and keeps it in the network's media store, as
// whatsmeow's Upload does on WhatsApp's CDN.
func (c *Client) Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	if err := c.uploadable(ctx); err != nil {
		return whatsmeow.UploadResponse{}, err
	}
	return c.net.blobs.encryptUpload(bytes.NewReader(plaintext), appInfo)
}

// UploadReader is Upload streaming from plaintext. whatsmeow encrypts into
// tempFile first (a temporary file of its own when nil) to learn the
// length before it posts; the sandbox writes into its store directly and
// leaves tempFile untouched.
func (c *Client) UploadReader(ctx context.Context, plaintext io.Reader, _ io.ReadWriteSeeker, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	if err := c.uploadable(ctx); err != nil {
		return whatsmeow.UploadResponse{}, err
	}
	return c.net.blobs.encryptUpload(plaintext, appInfo)
}

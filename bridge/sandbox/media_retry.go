package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"go.mau.fi/whatsmeow"

	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/gcmutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
	"google.golang.org/protobuf/proto"
)

// phoneMedia is what the virtual contacts' phones keep of the media they
// sent: the encrypted file, by its media key (which the retry receipt is
// encrypted with), so that a media retry puts it back on the CDN as a
// phone uploads it again (under the same media key, hence the same bytes).
// With a directory the phones keep everything they sent there, across
// restarts of the process (whose CDN starts empty, as if it had forgotten
// everything); without one they keep, in memory, what the CDN was made to
// forget. The zero value is ready to use.
type phoneMedia struct {
	mu   sync.Mutex
	dir  string
	kept map[string]*blob
}

// SetPhoneDir makes the virtual contacts' phones keep the media they send
// in dir (created if needed).
func (n *Network) SetPhoneDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sandbox: creating the phones' media directory: %w", err)
	}
	n.media.phones.mu.Lock()
	defer n.media.phones.mu.Unlock()
	n.media.phones.dir = dir
	return nil
}

func (p *phoneMedia) keep(mediaKey []byte, b *blob) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kept == nil {
		p.kept = make(map[string]*blob)
	}
	if old := p.kept[string(mediaKey)]; old != nil {
		_ = old.f.Close()
	}
	p.kept[string(mediaKey)] = b
}

// remember writes the encrypted file of an upload to the phones'
// directory, when there is one.
func (p *phoneMedia) remember(mediaKey []byte, r io.Reader, mt whatsmeow.MediaType) error {
	p.mu.Lock()
	dir := p.dir
	p.mu.Unlock()
	if dir == "" {
		return nil
	}
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return fmt.Errorf("sandbox: keeping sent media on the phone: %w", err)
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), phoneFile(dir, mediaKey, mt))
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("sandbox: keeping sent media on the phone: %w", err)
	}
	return nil
}

// phoneFile names a kept media by a hash of its key and its media type.
func phoneFile(dir string, mediaKey []byte, mt whatsmeow.MediaType) string {
	sum := sha256.Sum256(mediaKey)
	return filepath.Join(dir, hex.EncodeToString(sum[:16])+"-"+hex.EncodeToString([]byte(mt))+".enc")
}

// take gives the phone's copy of the media under mediaKey, if it has one.
func (p *phoneMedia) take(mediaKey []byte) *blob {
	p.mu.Lock()
	b, dir := p.kept[string(mediaKey)], p.dir
	delete(p.kept, string(mediaKey))
	p.mu.Unlock()
	if b != nil || dir == "" {
		return b
	}
	for _, mt := range []whatsmeow.MediaType{whatsmeow.MediaImage, whatsmeow.MediaVideo, whatsmeow.MediaAudio, whatsmeow.MediaDocument} {
		if b := openKept(phoneFile(dir, mediaKey, mt), mt); b != nil {
			return b
		}
	}
	return nil
}

// openKept opens a kept file as a blob the CDN can serve.
func openKept(path string, mt whatsmeow.MediaType) *blob {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		_ = f.Close()
		return nil
	}
	return &blob{f: f, size: n, mediaType: mt, encSHA256: h.Sum(nil)}
}

// takeOut removes the blob at directPath from the CDN without closing its
// file, for the sender's phone to keep.
func (s *blobStore) takeOut(directPath string) *blob {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[directPath]
	if !ok {
		return nil
	}
	delete(s.blobs, directPath)
	for i, p := range s.order {
		if p == directPath {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	s.total -= b.size
	return b
}

// expireSent makes the CDN forget what a contact uploaded under mediaKey
// (a test hook: WhatsApp's CDN keeps media for a while only); the
// contact's phone keeps it, so a media retry brings it back.
func (n *Network) expireSent(mediaKey []byte, directPath string) {
	if b := n.blobs.takeOut(directPath); b != nil {
		n.media.phones.keep(mediaKey, b)
	}
}

// SendMediaRetryReceipt asks the sender's phone to upload a media again,
// as whatsmeow does: the phone answers with an events.MediaRetry, later
// and through the event handlers, encrypted with the media key as
// whatsmeow's DecryptMediaRetryNotification expects; a phone that no
// longer has the media answers error code 2.
func (c *Client) SendMediaRetryReceipt(ctx context.Context, info *types.MessageInfo, mediaKey []byte) error {
	if err := c.uploadable(ctx); err != nil {
		return err
	}
	evt := &events.MediaRetry{
		Timestamp: c.net.clock.now(), MessageID: info.ID, ChatID: info.Chat, FromMe: info.IsFromMe,
	}
	if info.IsGroup {
		evt.SenderID = info.Sender
	}
	b := c.net.media.phones.take(mediaKey)
	if b == nil {
		evt.Error = &events.MediaRetryError{Code: 2}
	} else {
		path, err := c.net.blobs.keep(b.f, b.size, b.mediaType, b.encSHA256)
		if err != nil {
			return err
		}
		if evt.Ciphertext, evt.IV, err = sealMediaRetry(mediaKey, info.ID, path); err != nil {
			return err
		}
	}
	c.events.enqueue(delivery{evt: evt})
	return nil
}

// sealMediaRetry encrypts the phone's answer: AES-GCM under the media key
// expanded for retry notifications, the message id as additional data.
func sealMediaRetry(mediaKey []byte, id types.MessageID, directPath string) (ciphertext, iv []byte, err error) {
	plain, err := proto.Marshal(&waMmsRetry.MediaRetryNotification{
		StanzaID: proto.String(id), DirectPath: proto.String(directPath),
		Result: waMmsRetry.MediaRetryNotification_SUCCESS.Enum(),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("encoding a media retry answer: %w", err)
	}
	iv = make([]byte, 12)
	if _, err := rand.Read(iv); err != nil {
		return nil, nil, fmt.Errorf("making a media retry iv: %w", err)
	}
	key := hkdfutil.SHA256(mediaKey, nil, []byte("WhatsApp Media Retry Notification"), 32)
	ciphertext, err = gcmutil.Encrypt(key, iv, plain, []byte(id))
	if err != nil {
		return nil, nil, fmt.Errorf("encrypting a media retry answer: %w", err)
	}
	return ciphertext, iv, nil
}

package sandbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"

	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/gcmutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
	"google.golang.org/protobuf/proto"
)

// phoneMedia is what the virtual contacts' phones keep of the media they
// sent once the CDN has forgotten it: the encrypted file, by its media key
// (which the retry receipt is encrypted with), so that a media retry puts
// it back on the CDN as a phone uploads it again (under the same media
// key, hence the same bytes). The zero value is ready to use.
type phoneMedia struct {
	mu   sync.Mutex
	kept map[string]*blob
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

func (p *phoneMedia) take(mediaKey []byte) *blob {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.kept[string(mediaKey)]
	delete(p.kept, string(mediaKey))
	return b
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

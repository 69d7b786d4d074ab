package bridge_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/gcmutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
	"google.golang.org/protobuf/proto"
)

// downloadFake is the tests' fake client with a CDN of plaintexts by
// direct path and a phone that re-uploads what it still has when asked by
// a media retry receipt, answering with an events.MediaRetry encrypted as
// WhatsApp's phones encrypt it. It checks hashes as whatsmeow does.
type downloadFake struct {
	*fakeClient

	mu        sync.Mutex
	cdn       map[string][]byte // direct path → plaintext
	phone     map[string][]byte // message id → plaintext the sender keeps
	silent    bool              // the phone does not answer retries
	downloads []string          // direct paths asked for
	retries   []types.MessageInfo
}

func newDownloadEnv(t *testing.T) (*env, *downloadFake) {
	return wrappedEnv(t, func(c *fakeClient) *downloadFake {
		return &downloadFake{fakeClient: c, cdn: map[string][]byte{}, phone: map[string][]byte{}}
	}, nil)
}

func (f *downloadFake) DownloadToFile(ctx context.Context, msg whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	path := msg.GetDirectPath()
	if u, ok := msg.(interface{ GetURL() string }); ok && u.GetURL() != "" {
		path = "url:" + u.GetURL() // whatsmeow tries a URL alone
	}
	if path == "" {
		f.mu.Unlock()
		return whatsmeow.ErrNoURLPresent // whatsmeow asks nobody
	}
	f.downloads = append(f.downloads, path)
	data, ok := f.cdn[path]
	f.mu.Unlock()
	if !ok {
		return whatsmeow.ErrMediaDownloadFailedWith404
	}
	if _, err := file.WriteAt(data, 0); err != nil {
		return err
	}
	if err := file.Truncate(int64(len(data))); err != nil {
		return err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hex.EncodeToString(msg.GetFileSHA256()) {
		return whatsmeow.ErrInvalidMediaSHA256
	}
	return nil
}

func (f *downloadFake) SendMediaRetryReceipt(_ context.Context, info *types.MessageInfo, mediaKey []byte) error {
	f.mu.Lock()
	f.retries = append(f.retries, *info)
	data, kept := f.phone[info.ID]
	silent := f.silent
	newPath := "/v/t62.7118-24/reuploaded_" + info.ID + ".enc"
	if kept {
		f.cdn[newPath] = data
	}
	f.mu.Unlock()
	if silent {
		return nil
	}
	evt := &waEvents.MediaRetry{MessageID: info.ID, ChatID: info.Chat, FromMe: info.IsFromMe}
	if !kept {
		evt.Error = &waEvents.MediaRetryError{Code: 2}
	} else {
		evt.Ciphertext, evt.IV = sealRetry(mediaKey, info.ID, &waMmsRetry.MediaRetryNotification{
			StanzaID: proto.String(info.ID), DirectPath: proto.String(newPath),
			Result: waMmsRetry.MediaRetryNotification_SUCCESS.Enum(),
		})
	}
	go f.push(evt) // the answer arrives later, through the event handler
	return nil
}

// sealRetry encrypts a retry notification as the phone does: AES-GCM
// under the media key expanded for media retries, the message id as
// additional data.
func sealRetry(mediaKey []byte, id types.MessageID, n *waMmsRetry.MediaRetryNotification) (ciphertext, iv []byte) {
	plain, err := proto.Marshal(n)
	if err != nil {
		panic(err)
	}
	iv = make([]byte, 12)
	_, _ = rand.Read(iv)
	key := hkdfutil.SHA256(mediaKey, nil, []byte("WhatsApp Media Retry Notification"), 32)
	ciphertext, err = gcmutil.Encrypt(key, iv, plain, []byte(id))
	if err != nil {
		panic(err)
	}
	return ciphertext, iv
}

func (f *downloadFake) put(path string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cdn[path] = data
}

func (f *downloadFake) keepOnPhone(id string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.phone[id] = data
}

func (f *downloadFake) retried() []types.MessageInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]types.MessageInfo(nil), f.retries...)
}

func (f *downloadFake) asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.downloads...)
}

package bridge

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/media"
)

// mediaUploader is the part of a session's client that puts encrypted
// media on WhatsApp's CDN: Upload for what is small enough to hold in
// memory, UploadReader (encrypting through a temporary file) for the rest.
type mediaUploader interface {
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	UploadReader(ctx context.Context, plaintext io.Reader, tempFile io.ReadWriteSeeker, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
}

var _ mediaUploader = (*whatsmeow.Client)(nil)

// uploadInMemory bounds what is uploaded from memory (whatsmeow's Upload
// holds plaintext and ciphertext at once); larger content and every
// document go through UploadReader and a temporary file.
const uploadInMemory = 2 << 20

// upload puts the prepared content on WhatsApp's CDN encrypted for mt, or
// answers the upload of the same content made for an earlier attempt of a
// command (uploadCache).
func (s *Session) upload(ctx context.Context, l *link, to types.JID, req SendMediaRequest, p prepared, mt whatsmeow.MediaType) (upload, error) {
	cache := uploadCache{db: s.d.cfg.DB, now: time.Now}
	key := uploadKey(s.name, mt, req, p.inputSHA256)
	if u, ok, err := cache.get(key); err != nil || ok {
		return u, err
	}
	resp, err := s.uploadBlob(ctx, l, p.Blob, mt, req.Kind == media.Document)
	if err != nil {
		return upload{}, classify(err, op(to, "uploading the %s for %s", req.Kind, to))
	}
	u := upload{UploadResponse: resp, At: time.Now().UTC()}
	if err := cache.put(key, u); err != nil {
		// The upload stands; only a retry would upload again.
		s.log.Warn("upload not kept for reuse", "error", err)
	}
	return u, nil
}

// uploadKey names an upload by session, media type, the conversion asked
// for and the sha256 of the content given, before conversion: a conversion
// need not give the same bytes twice (ffmpeg's Ogg serial numbers differ
// per run), and the same input prepared the same way is the same media.
// Without a conversion the input is the prepared content.
func uploadKey(session string, mt whatsmeow.MediaType, req SendMediaRequest, inputSHA256 []byte) []byte {
	var k bytes.Buffer
	fmt.Fprintf(&k, "%s\x00%s\x00%s\x00compress=%t,ptt=%t\x00", session, mt, req.Kind, req.Compress, req.PTT)
	k.Write(inputSHA256)
	return k.Bytes()
}

// uploadBlob uploads b from memory when it is small, else streaming.
func (s *Session) uploadBlob(ctx context.Context, l *link, b *media.Blob, mt whatsmeow.MediaType, stream bool) (whatsmeow.UploadResponse, error) {
	f, err := b.Open()
	if err != nil {
		return whatsmeow.UploadResponse{}, fmt.Errorf("opening the prepared media: %w", err)
	}
	defer f.Close()
	if !stream && b.Size <= uploadInMemory {
		data, err := io.ReadAll(f)
		if err != nil {
			return whatsmeow.UploadResponse{}, fmt.Errorf("reading the prepared media: %w", err)
		}
		return l.client.Upload(ctx, data, mt)
	}
	tmp, err := os.CreateTemp(s.d.cfg.MediaPrep.TempDir, "wabridge-upload-*")
	if err != nil {
		return whatsmeow.UploadResponse{}, fmt.Errorf("creating the upload's temporary file: %w", err)
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	return l.client.UploadReader(ctx, f, tmp, mt)
}

package bridge

import (
	"context"
	"io"

	"go.mau.fi/whatsmeow"
)

// mediaUploader is the part of a session's client that puts encrypted
// media on WhatsApp's CDN: Upload for what is small enough to hold in
// memory, UploadReader (encrypting through a temporary file) for the rest.
type mediaUploader interface {
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	UploadReader(ctx context.Context, plaintext io.Reader, tempFile io.ReadWriteSeeker, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
}

var _ mediaUploader = (*whatsmeow.Client)(nil)

package bridge

import (
	"context"
	"io"

	"go.mau.fi/whatsmeow"
)

func (UnsupportedClient) Upload(context.Context, []byte, whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	return whatsmeow.UploadResponse{}, unsupported("Upload")
}

func (UnsupportedClient) UploadReader(context.Context, io.Reader, io.ReadWriteSeeker, whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	return whatsmeow.UploadResponse{}, unsupported("UploadReader")
}

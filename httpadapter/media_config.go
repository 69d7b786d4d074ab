package httpadapter

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// MediaStore is what the adapter needs of the media object store:
// mediastore.Store satisfies it.
type MediaStore interface {
	Bucket() string
	Put(ctx context.Context, name string, r io.Reader, info mediastore.Info) (mediastore.Info, error)
	Get(ctx context.Context, name string) (io.ReadCloser, mediastore.Info, error)
	Stat(ctx context.Context, name string) (mediastore.Info, error)
	Delete(ctx context.Context, name string) error
}

// MediaFetcher stores a received media object that is not in the store
// yet (downloading it from WhatsApp) under its id. It returns once the
// object is there, or why it cannot be.
type MediaFetcher interface {
	Fetch(ctx context.Context, session, id string) error
}

// MediaIDs tells whose a media id is. GET /media/:id serves only the
// media ids of the request's session: the bucket also holds uploads, the
// fetcher's marks and other sessions' media, none of them a session's to
// read by name.
type MediaIDs interface {
	Owns(session, id string) bool
}

// Defaults applied by MediaConfig.setDefaults.
const (
	DefaultUploadTimeout = 10 * time.Minute
	// uploadFieldSlack is what a multipart body may carry besides its
	// largest file: the text fields and the parts' headers.
	uploadFieldSlack = 1 << 20
)

// MediaConfig enables REST multipart uploads on the routes with a media
// field and GET /media/:id.
type MediaConfig struct {
	Store MediaStore
	// Fetcher is asked for a media object GET /media/:id does not find;
	// nil answers 404 NOT_FOUND at once.
	Fetcher MediaFetcher
	// IDs tells which ids GET /media/:id serves to a session; nil serves
	// none (every id answers 404 NOT_FOUND).
	IDs MediaIDs
	// Limits bound each uploaded file by the kind its field names (the
	// "image" field by Limits.Image). Zero fields take media's defaults.
	Limits media.Limits
	// MaxUploadBytes bounds a whole multipart body. Default: the largest
	// limit plus 1 MiB for the other fields.
	MaxUploadBytes int64
	// UploadTimeout is how long reading an upload may take, instead of the
	// server's read timeout. Default 10 minutes.
	UploadTimeout time.Duration
}

func (m *MediaConfig) setDefaults() {
	largest := int64(0)
	for _, k := range media.Kinds() {
		largest = max(largest, m.limit(k))
	}
	if m.MaxUploadBytes <= 0 {
		m.MaxUploadBytes = largest + uploadFieldSlack
	}
	if m.UploadTimeout <= 0 {
		m.UploadTimeout = DefaultUploadTimeout
	}
}

func (m *MediaConfig) validate() error {
	if m.Store == nil {
		return errors.New("Media.Store is required")
	}
	return nil
}

// limit is the upload bound of kind k.
func (m *MediaConfig) limit(k media.Kind) int64 {
	if v := m.Limits.Of(k); v > 0 {
		return v
	}
	return media.DefaultLimits().Of(k)
}

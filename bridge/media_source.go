package bridge

import (
	"context"

	"github.com/wabridge/wabridge/internal/media"
)

// MediaSource turns a command's media field (a data: URL, an http(s) URL
// or a nats-object:// reference) into content spooled to a temporary file
// of at most limit bytes, which the caller removes. *mediastore.Resolver is
// one.
type MediaSource interface {
	Resolve(ctx context.Context, src string, limit int64) (*media.Blob, error)
}

// MediaInput is a resolved media field with what its source declared of
// it: the data: URL's type, the server's Content-Type, the stored object's
// mimetype and filename. The declared type may differ from the sniffed
// Blob.Mimetype; media.Prepare judges that.
type MediaInput struct {
	Blob     *media.Blob
	Mimetype string
	Filename string
}

// InputSource is a MediaSource that also tells what the source declared.
// Sends use it when the configured MediaSource implements it, so that a
// data: URL whose type lies is refused and an uploaded file keeps its name.
type InputSource interface {
	MediaSource
	ResolveInput(ctx context.Context, src string, limit int64) (MediaInput, error)
}

// resolveMedia resolves src with the manager's MediaSource: NOT_SUPPORTED
// when none is configured.
func (s *Session) resolveMedia(ctx context.Context, k media.Kind, src string) (MediaInput, error) {
	ms := s.d.cfg.Media
	if ms == nil {
		return MediaInput{}, errMediaNotConfigured()
	}
	limit := s.d.cfg.MediaLimits.Of(k)
	if is, ok := ms.(InputSource); ok {
		return is.ResolveInput(ctx, src, limit)
	}
	b, err := ms.Resolve(ctx, src, limit)
	return MediaInput{Blob: b}, err
}

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// mediaResolver is what the sessions need of the media part (media.go):
// the resolver of media fields, once the part has started.
type mediaResolver interface {
	Resolver() *mediastore.Resolver
}

// mediaInputs gives the bridge the media store's resolver with what each
// source declared (its mimetype and filename), so a data: URL whose type
// lies is refused and an uploaded file keeps its name.
type mediaInputs struct{ r *mediastore.Resolver }

var _ bridge.InputSource = mediaInputs{}

func (m mediaInputs) Resolve(ctx context.Context, src string, limit int64) (*media.Blob, error) {
	return m.r.Resolve(ctx, src, limit)
}

func (m mediaInputs) ResolveInput(ctx context.Context, src string, limit int64) (bridge.MediaInput, error) {
	s, err := m.r.ResolveSource(ctx, src, limit)
	if err != nil {
		return bridge.MediaInput{}, err
	}
	return bridge.MediaInput{Blob: s.Blob, Mimetype: s.Mimetype, Filename: s.Filename}, nil
}

// mediaSource is the sessions' media source: nil (media sends refused with
// NOT_SUPPORTED) without a media part.
func (p *sessionsPart) mediaSource() bridge.MediaSource {
	if p.media == nil {
		return nil
	}
	r := p.media.Resolver()
	if r == nil {
		return nil
	}
	return mediaInputs{r: r}
}

// mediaPrep is how the sessions prepare media: temporary files beside the
// resolver's (the data directory rather than a /tmp that may be memory),
// ffmpeg and ffprobe as configured.
func (p *sessionsPart) mediaPrep() media.Config {
	c := media.Config{FFmpeg: p.cfg.FFmpeg, FFprobe: p.cfg.FFprobe}
	if p.media != nil {
		if r := p.media.Resolver(); r != nil {
			c.TempDir = r.TempDir
		}
	}
	return c
}

// limitsValue is the --media-max-size option: media.ParseLimits' form.
type limitsValue media.Limits

func (v *limitsValue) Set(s string) error {
	l, err := media.ParseLimits(s)
	if err != nil {
		return err
	}
	*v = limitsValue(l)
	return nil
}

func (v *limitsValue) String() string {
	l := media.Limits(*v)
	if l == (media.Limits{}) {
		return ""
	}
	parts := make([]string, 0, len(media.Kinds()))
	for _, k := range media.Kinds() {
		parts = append(parts, fmt.Sprintf("%s=%d", k, l.Of(k)))
	}
	return strings.Join(parts, ",")
}

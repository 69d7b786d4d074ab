package mediastore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// DefaultFetchTimeout bounds the download of a media URL: far more than a
// page takes (a 100 MiB document), far less than a command's lifetime.
const DefaultFetchTimeout = 2 * time.Minute

// Resolver turns a command's media field into a Blob: a data: URL, an
// http(s) URL (through Fetcher's guard), or a reference to an object in
// Store's bucket. It is safe for concurrent use.
type Resolver struct {
	Store   *Store
	Fetcher *fetch.Fetcher
	// TempDir is where Blobs are spooled; "" is the system's.
	TempDir string
	// FetchTimeout bounds one URL download; 0 is DefaultFetchTimeout.
	FetchTimeout time.Duration
}

// Source is a resolved media field: the content, and what the source said
// about it. Mimetype is the declared type (the data: URL's, the server's
// Content-Type, the object's metadata), which may differ from the sniffed
// Blob.Mimetype: judging that is media.Prepare's job (Options.Mimetype).
type Source struct {
	Blob     *media.Blob
	Mimetype string
	Filename string // the object's, or the URL path's last segment
}

// Resolve is ResolveSource's Blob.
func (r *Resolver) Resolve(ctx context.Context, src string, limit int64) (*media.Blob, error) {
	s, err := r.ResolveSource(ctx, src, limit)
	if err != nil {
		return nil, err
	}
	return s.Blob, nil
}

// ResolveSource reads src into a temporary file of at most limit bytes
// (MEDIA_TOO_LARGE past it, with no more than limit+1 bytes read). The
// caller removes the Blob. Errors: INVALID_PAYLOAD for what is no media
// source or a malformed data: URL, NOT_FOUND for a missing object,
// URL_NOT_ALLOWED and FETCH_FAILED for URLs.
func (r *Resolver) ResolveSource(ctx context.Context, src string, limit int64) (Source, error) {
	if limit <= 0 {
		return Source{}, fmt.Errorf("resolving media: limit %d must be positive", limit)
	}
	lower := strings.ToLower(strings.TrimSpace(src[:min(len(src), 16)]))
	switch {
	case strings.HasPrefix(lower, "data:"):
		return r.dataURL(src, limit)
	case strings.HasPrefix(lower, RefScheme):
		return r.object(ctx, src, limit)
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return r.url(ctx, strings.TrimSpace(src), limit)
	}
	return Source{}, werr.Invalid(werr.CodeInvalidPayload,
		"media must be a data: URL (data:image/jpeg;base64,...), an http(s) URL or an object reference (%s)", Ref(r.bucket(), "<name>"))
}

func (r *Resolver) dataURL(src string, limit int64) (Source, error) {
	d, err := media.ParseDataURL(src)
	if err != nil {
		return Source{}, err
	}
	blob, err := r.spool(d.Body, limit, "decoding the data: URL")
	if err != nil {
		return Source{}, err
	}
	return Source{Blob: blob, Mimetype: d.Mimetype}, nil
}

func (r *Resolver) object(ctx context.Context, src string, limit int64) (Source, error) {
	bucket, name, ok := ParseRef(src)
	if !ok {
		return Source{}, werr.Invalid(werr.CodeInvalidPayload, "object reference %q is malformed; write %s", clip(src), Ref(r.bucket(), "<name>"))
	}
	if r.Store == nil || bucket != r.Store.Bucket() {
		return Source{}, werr.Invalid(werr.CodeInvalidPayload, "object reference %q: media is read from bucket %s only", clip(src), r.bucket())
	}
	rc, info, err := r.Store.Get(ctx, name)
	if err != nil {
		return Source{}, err
	}
	defer rc.Close()
	if info.Size > limit {
		return Source{}, werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge,
			"media object %s has %d bytes, more than the limit of %d", clip(name), info.Size, limit).
			WithDetails(map[string]any{"limit": limit, "size": info.Size})
	}
	blob, err := r.spool(rc, limit, "reading media object "+clip(name))
	if err != nil {
		return Source{}, err
	}
	return Source{Blob: blob, Mimetype: info.Mimetype, Filename: info.Filename}, nil
}

func (r *Resolver) url(ctx context.Context, src string, limit int64) (Source, error) {
	if r.Fetcher == nil {
		return Source{}, werr.New(werr.KindNotImplemented, werr.CodeNotSupported, "media by url is not configured on this bridge")
	}
	timeout := r.FetchTimeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	body, resp, err := r.Fetcher.Open(ctx, fetch.Request{URL: src, MaxBytes: limit, Timeout: timeout})
	if err != nil {
		return Source{}, err
	}
	defer body.Close()
	blob, err := r.spool(body, limit, "downloading "+clip(src))
	if err != nil {
		return Source{}, err
	}
	return Source{Blob: blob, Mimetype: declaredType(resp.ContentType), Filename: urlFilename(resp.URL)}, nil
}

// spool copies rd into a Blob; an error that is not already a werr one (the
// object store's digest check, a disk error) is wrapped with what was being
// done.
func (r *Resolver) spool(rd io.Reader, limit int64, doing string) (*media.Blob, error) {
	blob, err := media.Spool(rd, r.TempDir, limit)
	if err == nil {
		return blob, nil
	}
	var we *werr.Error
	if errors.As(err, &we) {
		return nil, we
	}
	return nil, werr.Wrap(err, werr.KindUpstream, werr.CodeUpstream, "%s failed", doing)
}

func (r *Resolver) bucket() string {
	if r.Store == nil {
		return DefaultBucket
	}
	return r.Store.Bucket()
}

// declaredType is a Content-Type without its parameters; a server's
// generic "application/octet-stream" declares nothing.
func declaredType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "application/octet-stream" {
		return ""
	}
	return mt
}

func urlFilename(u *url.URL) string {
	if u == nil {
		return ""
	}
	base := path.Base(u.Path)
	if base == "/" || base == "." || !strings.Contains(base, ".") {
		return ""
	}
	return base
}

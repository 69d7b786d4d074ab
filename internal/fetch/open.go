package fetch

import (
	"context"
	"io"
	"net/http"
)

// Open GETs req.URL under the same guard as Fetch and returns the body to
// read as a stream, for media that must not be held in memory. Its Response
// has no Body. The bound (req.MaxBytes, at most the Config's MaxBytes) is
// enforced while reading: a Content-Length over it is refused at once, a
// longer body fails the Read that passes it with MEDIA_TOO_LARGE, and a
// failure mid-body is FETCH_FAILED. req.Truncate does not apply. The caller
// closes the body, which also ends the fetch's time bound.
func (f *Fetcher) Open(ctx context.Context, req Request) (io.ReadCloser, Response, error) {
	resp, cancel, err := f.do(ctx, req)
	if err != nil {
		return nil, Response{}, err
	}
	limit := f.limit(req)
	meta := Response{URL: resp.Request.URL, ContentType: resp.Header.Get("Content-Type")}
	if resp.ContentLength > limit {
		resp.Body.Close()
		cancel()
		return nil, Response{}, tooLarge(req.URL, limit)
	}
	return &body{f: f, raw: req.URL, resp: resp, cancel: cancel, left: limit, limit: limit}, meta, nil
}

// body is a response body bounded while it is read.
type body struct {
	f      *Fetcher
	raw    string
	resp   *http.Response
	cancel context.CancelFunc
	left   int64 // bytes still allowed
	limit  int64
	err    error // sticky: once failed, every later Read fails the same
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left == 0 {
		// At the bound: one more byte means the body is too large.
		var one [1]byte
		n, err := b.resp.Body.Read(one[:])
		if n > 0 {
			b.err = tooLarge(b.raw, b.limit)
			return 0, b.err
		}
		return 0, b.classify(err)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.resp.Body.Read(p)
	b.left -= int64(n)
	return n, b.classify(err)
}

// classify keeps io.EOF and turns any other error into FETCH_FAILED (or
// URL_NOT_ALLOWED), remembered for later Reads.
func (b *body) classify(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	b.err = b.f.failure(b.raw, err)
	return b.err
}

func (b *body) Close() error {
	err := b.resp.Body.Close()
	b.cancel()
	return err
}

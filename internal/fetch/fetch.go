package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/wabridge/wabridge/internal/werr"
)

// Fetcher fetches URLs under its Config's guard. It is safe for concurrent
// use.
type Fetcher struct {
	cfg    Config
	allow  allowList
	client *http.Client
}

// New checks cfg and builds a Fetcher.
func New(cfg Config) (*Fetcher, error) {
	cfg.setDefaults()
	allow, err := parseAllow(cfg.Allow)
	if err != nil {
		return nil, err
	}
	f := &Fetcher{cfg: cfg, allow: allow}
	d := newDialer(cfg, allow)
	f.client = &http.Client{
		Transport: &http.Transport{
			// No proxy: a proxy would dial for us, past the address check.
			Proxy:                 nil,
			DialContext:           d.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          16,
			IdleConnTimeout:       30 * time.Second,
			TLSHandshakeTimeout:   cfg.DialTimeout,
			ResponseHeaderTimeout: cfg.Timeout,
		},
		CheckRedirect: f.checkRedirect,
	}
	return f, nil
}

// Request is one fetch.
type Request struct {
	URL string
	// MaxBytes bounds the body; 0 means the Config's MaxBytes.
	MaxBytes int64
	// Truncate keeps the first MaxBytes of a longer body (a page whose
	// head is all that is read) instead of refusing it with
	// MEDIA_TOO_LARGE.
	Truncate bool
	// Accept is sent as the Accept header when set.
	Accept string
	// Timeout bounds this fetch instead of the Config's Timeout (a large
	// media file takes longer than a page); 0 means the Config's.
	Timeout time.Duration
}

// Response is a fetched body.
type Response struct {
	URL         *url.URL // after redirects
	ContentType string
	Body        []byte
	Truncated   bool
}

// Fetch GETs req.URL. A URL the guard refuses (its scheme, its address, a
// redirect's) is URL_NOT_ALLOWED; a failure to get it (DNS, connection,
// timeout, a status other than 2xx) is FETCH_FAILED; a body over the bound
// is MEDIA_TOO_LARGE unless req.Truncate.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (Response, error) {
	resp, cancel, err := f.do(ctx, req)
	if err != nil {
		return Response{}, err
	}
	defer cancel()
	defer resp.Body.Close()
	return f.read(req, resp)
}

// do sends the request under the guard and returns a 2xx response whose
// body the caller closes, then calls cancel (which ends the fetch's time
// bound).
func (f *Fetcher) do(ctx context.Context, req Request) (*http.Response, context.CancelFunc, error) {
	u, err := f.CheckURL(req.URL)
	if err != nil {
		return nil, nil, err
	}
	timeout := f.cfg.Timeout
	if req.Timeout > 0 {
		timeout = req.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, nil, werr.Wrap(err, werr.KindInvalid, werr.CodeURLNotAllowed, "url %s cannot be requested", clip(req.URL))
	}
	hreq.Header.Set("User-Agent", f.cfg.UserAgent)
	if req.Accept != "" {
		hreq.Header.Set("Accept", req.Accept)
	}
	resp, err := f.client.Do(hreq)
	if err != nil {
		cancel()
		return nil, nil, f.failure(req.URL, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		cancel()
		return nil, nil, werr.New(werr.KindUpstream, werr.CodeFetchFailed, "fetching %s: the server answered %s", clip(req.URL), resp.Status).
			WithDetails(map[string]any{"http_status": resp.StatusCode})
	}
	return resp, cancel, nil
}

func (f *Fetcher) read(req Request, resp *http.Response) (Response, error) {
	limit := f.limit(req)
	out := Response{URL: resp.Request.URL, ContentType: resp.Header.Get("Content-Type")}
	if resp.ContentLength > limit && !req.Truncate {
		return Response{}, tooLarge(req.URL, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return Response{}, f.failure(req.URL, err)
	}
	if int64(len(body)) > limit {
		if !req.Truncate {
			return Response{}, tooLarge(req.URL, limit)
		}
		body, out.Truncated = body[:limit], true
	}
	out.Body = body
	return out, nil
}

// limit is the request's body bound: its own when smaller than the
// Config's.
func (f *Fetcher) limit(req Request) int64 {
	if req.MaxBytes <= 0 || req.MaxBytes > f.cfg.MaxBytes {
		return f.cfg.MaxBytes
	}
	return req.MaxBytes
}

func tooLarge(raw string, limit int64) error {
	return werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge, "%s is larger than %d bytes", clip(raw), limit).
		WithDetails(map[string]any{"max_bytes": limit})
}

// failure classifies an error of the HTTP client: a refused address
// (dialled or redirected to) is URL_NOT_ALLOWED, anything else FETCH_FAILED.
func (f *Fetcher) failure(raw string, err error) error {
	var na *notAllowedError
	if errors.As(err, &na) {
		return werr.Wrap(err, werr.KindInvalid, werr.CodeURLNotAllowed, "%s: %s", clip(raw), na.msg)
	}
	var we *werr.Error
	if errors.As(err, &we) {
		return we
	}
	return werr.Wrap(err, werr.KindUpstream, werr.CodeFetchFailed, "fetching %s failed", clip(raw))
}

// CheckURL parses raw and refuses what the guard can tell without
// resolving: schemes other than http and https, credentials in the URL, no
// host, an address literal that is not allowed. Names are checked when
// dialled.
func (f *Fetcher) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, werr.Invalid(werr.CodeURLNotAllowed, "url %q does not parse", clip(raw))
	}
	if err := f.checkParsed(u); err != nil {
		return nil, err
	}
	return u, nil
}

func (f *Fetcher) checkParsed(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return werr.Invalid(werr.CodeURLNotAllowed, "url %s: only http and https are fetched", clip(u.String()))
	}
	if u.User != nil {
		return werr.Invalid(werr.CodeURLNotAllowed, "url %s: credentials in a url are not fetched", clip(u.Redacted()))
	}
	host := u.Hostname()
	if host == "" {
		return werr.Invalid(werr.CodeURLNotAllowed, "url %s has no host", clip(u.String()))
	}
	if f.allow.host(host) {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && !f.allow.addr(ip) {
		return werr.Invalid(werr.CodeURLNotAllowed, "url %s: %s is not a public address", clip(u.String()), ip)
	}
	return nil
}

// checkRedirect re-checks every redirect's URL as the first was checked
// (the dial checks its address again).
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.cfg.MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", f.cfg.MaxRedirects)
	}
	if err := f.checkParsed(req.URL); err != nil {
		return &notAllowedError{msg: "redirected to a url that is not allowed: " + werr.From(err).Message}
	}
	return nil
}

// clip keeps URLs in messages short.
func clip(s string) string {
	if len(s) > 200 {
		return strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

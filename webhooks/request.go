package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/cenats"
)

// The Standard Webhooks 1.0 headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// maxResponseBytes is how much of a receiver's answer is read (and
// discarded) so the connection can be reused; a larger answer closes it.
const maxResponseBytes = 64 << 10

// NewRequest builds the delivery of ce to url: the CloudEvents HTTP
// binding in mode (binary: ce-* headers, percent-encoded, and the data as
// body; structured: application/cloudevents+json), signed with every key
// (the current secret first, the previous one during a rotation) at ts.
// webhook-id is the CloudEvent id, the same on every retry. The HTTP
// binding's binary headers are those of the NATS binding's draft, so the
// one codec writes both.
func NewRequest(ctx context.Context, url string, ce event.Event, mode cenats.Mode, keys [][]byte, ts time.Time) (*http.Request, error) {
	d, err := PrepareEvent(ce, mode)
	if err != nil {
		return nil, err
	}
	return d.Request(ctx, url, keys, ts)
}

// Request is the signed POST of d to url at ts. The delivery's header
// values are shared, not copied: nothing modifies them.
func (d Delivery) Request(ctx context.Context, url string, keys [][]byte, ts time.Time) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Body))
	if err != nil {
		return nil, fmt.Errorf("building the request to the webhook: %w", err)
	}
	h := make(http.Header, len(d.Header)+4)
	for k, vs := range d.Header {
		h[k] = vs
	}
	h[canonicalID] = []string{d.ID}
	h[canonicalTimestamp] = []string{strconv.FormatInt(ts.Unix(), 10)}
	if len(keys) > 0 {
		h[canonicalSignature] = []string{signatures(keys, d.ID, ts, d.Body)}
	}
	h["User-Agent"] = userAgent
	req.Header = h
	return req, nil
}

// The Standard Webhooks headers as net/http spells them.
var (
	canonicalID        = http.CanonicalHeaderKey(HeaderID)
	canonicalTimestamp = http.CanonicalHeaderKey(HeaderTimestamp)
	canonicalSignature = http.CanonicalHeaderKey(HeaderSignature)
)

var userAgent = []string{"wabridge-webhooks"}

// Post delivers ce to url with client (NewClient's: no redirects, bounded)
// and answers the receiver's status and the wait its Retry-After asks for
// (0 when none). err is set when no answer came (refused, timed out) and
// when the answer is not 2xx; a 3xx is not followed and counts as failure.
func Post(ctx context.Context, client *http.Client, url string, ce event.Event, mode cenats.Mode, keys [][]byte) (status int, retryAfter time.Duration, err error) {
	d, err := PrepareEvent(ce, mode)
	if err != nil {
		return 0, 0, err
	}
	return d.Post(ctx, client, url, keys)
}

// Post is Post of a prepared delivery, signed now.
func (d Delivery) Post(ctx context.Context, client *http.Client, url string, keys [][]byte) (status int, retryAfter time.Duration, err error) {
	req, err := d.Request(ctx, url, keys, time.Now())
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("posting event %s to the webhook: %w", d.ID, err)
	}
	drain(resp.Body)
	retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, retryAfter, &StatusError{Status: resp.StatusCode}
	}
	return resp.StatusCode, retryAfter, nil
}

// StatusError is a receiver's answer other than 2xx.
type StatusError struct{ Status int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("receiver answered %d %s", e.Status, http.StatusText(e.Status))
}

// IsGone reports whether err is the receiver's 410 Gone, which disables
// the webhook instead of being retried.
func IsGone(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == http.StatusGone
}

// drain reads a bounded part of a response body and closes it: fully read
// bodies let the transport reuse the connection, larger ones are cut.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxResponseBytes))
	_ = body.Close()
}

// maxRetryAfter bounds the wait a Retry-After asks for (max_age bounds it
// further): larger numbers of seconds would overflow a Duration.
const maxRetryAfter = 365 * 24 * time.Hour

// parseRetryAfter reads Retry-After as seconds or an HTTP date; anything
// else, or a time in the past, is no wait.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	switch s, err := strconv.ParseUint(v, 10, 64); {
	case err == nil:
		return time.Duration(min(s, uint64(maxRetryAfter/time.Second))) * time.Second
	case errors.Is(err, strconv.ErrRange):
		return maxRetryAfter // more digits than 64 bits hold
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

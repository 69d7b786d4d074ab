package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// envelope is the body of every wabridge REST answer (CONTRACT §5).
type envelope struct {
	Status  int             `json:"status"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// httpClient keeps up to conns connections alive per host, so a loop with
// conns workers never pays for a new TCP handshake after warm-up.
func httpClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 2 * max(conns, 1)
	tr.MaxIdleConnsPerHost = 2 * max(conns, 1)
	tr.IdleConnTimeout = time.Minute
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// postJSON sends body to url and decodes the envelope it answers with. Both
// the baseline and wabridge are called through it, so they pay the same
// client-side cost.
func postJSON(ctx context.Context, c *http.Client, url string, body []byte, header map[string]string) (int, envelope, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, envelope{}, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(c, req)
}

func do(c *http.Client, req *http.Request) (int, envelope, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, envelope{}, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	// Reading to the end lets the connection be reused.
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, envelope{}, fmt.Errorf("reading %s %s: %w", req.Method, req.URL.Path, err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return resp.StatusCode, envelope{}, fmt.Errorf("%s %s: answer is not an envelope: %w", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, env, nil
}

// call is the slow-path helper for setup requests to wabridge.
func (t *target) call(ctx context.Context, method, path string, body any, header map[string]string) (int, envelope, error) {
	if method == http.MethodPost {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, envelope{}, fmt.Errorf("encoding body: %w", err)
		}
		return postJSON(ctx, t.http, t.httpURL+path, raw, header)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.httpURL+path, nil)
	if err != nil {
		return 0, envelope{}, fmt.Errorf("building request: %w", err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(t.http, req)
}

// connected reports whether /app/devices data shows a logged-in, connected device.
func connected(data json.RawMessage) bool {
	var devs []struct {
		LoggedIn  bool `json:"logged_in"`
		Connected bool `json:"connected"`
	}
	return json.Unmarshal(data, &devs) == nil && len(devs) > 0 && devs[0].LoggedIn && devs[0].Connected
}

// expectOK turns a non-200 answer into an error that says what went wrong.
func expectOK(status int, env envelope, err error) error {
	if err != nil {
		return err
	}
	if status != http.StatusOK || env.Status != http.StatusOK {
		return fmt.Errorf("answer %d (envelope %d %s): %s", status, env.Status, env.Code, env.Message)
	}
	return nil
}

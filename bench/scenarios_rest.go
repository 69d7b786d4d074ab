package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// rest compares the bare Gin handler with POST /send/message, each called
// with the same body by a keep-alive client.
func (b *bench) rest(ctx context.Context, name string, c int) ([]Row, error) {
	send := func(url string, client *http.Client) op {
		return func(ctx context.Context, w, i int) error {
			body, err := json.Marshal(map[string]string{"phone": phoneFor(w), "message": filler(fmt.Sprintf("%s-rest-%d", b.run, i), payloadSize-50)})
			if err != nil {
				return fmt.Errorf("encoding body: %w", err)
			}
			ctx, cancel := context.WithTimeout(ctx, opTimeout)
			defer cancel()
			status, env, err := postJSON(ctx, client, url, body, nil)
			if err := expectOK(status, env, err); err != nil {
				return fmt.Errorf("POST /send/message: %w", err)
			}
			return nil
		}
	}
	base, err := drive(ctx, b.with(c), send(b.base.ginURL+"/send/message", b.base.http))
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	wab, err := drive(ctx, b.with(c), send(b.wab.httpURL+"/send/message", b.wab.http))
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	return compare(name, base, wab), nil
}

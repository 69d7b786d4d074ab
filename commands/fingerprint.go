package commands

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
)

// IdempotencyKey is the key of a command (CONTRACT §3): CloudEvents promise
// that source and id together identify one event, and the session scopes
// them, so two tenants' ids never meet.
func IdempotencyKey(session string, cmd cloudevent.Event) string {
	return session + "\x00" + cmd.Source() + "\x00" + cmd.ID()
}

// fingerprint binds a key to what the command asked for: its type and its
// data in canonical form, so that a repeat with other data is told apart
// from a redelivery however its JSON was spaced or ordered.
func fingerprint(typ string, data []byte) (string, error) {
	canon, err := canonicalJSON(data)
	if err != nil {
		return "", fmt.Errorf("fingerprinting command data: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(typ))
	h.Write([]byte{0})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// canonicalJSON re-encodes a JSON document: object keys sorted, no
// insignificant whitespace, numbers kept as written.
func canonicalJSON(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

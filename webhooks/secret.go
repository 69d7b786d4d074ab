package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/wabridge/wabridge/internal/werr"
)

// SecretPrefix starts every Standard Webhooks secret; the rest is base64.
const SecretPrefix = "whsec_"

// Secret key sizes: Standard Webhooks recommends 24 to 64 bytes; shorter
// keys are refused, generated ones have 32.
const (
	minKeyBytes = 24
	maxKeyBytes = 64
	newKeyBytes = 32
)

// ParseSecret returns the HMAC key of a secret "whsec_<base64>"; anything
// else is INVALID_PAYLOAD saying what is wrong.
func ParseSecret(s string) ([]byte, error) {
	b64, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "secret must be %s<base64>", SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "secret after %s is not standard base64", SecretPrefix)
	}
	if len(key) < minKeyBytes || len(key) > maxKeyBytes {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "secret key is %d bytes, want %d to %d", len(key), minKeyBytes, maxKeyBytes)
	}
	return key, nil
}

// NewSecret returns a fresh random secret in the whsec_ form.
func NewSecret() string {
	key := make([]byte, newKeyBytes)
	// crypto/rand.Read never fails (it panics on a broken system RNG).
	_, _ = rand.Read(key)
	return SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// Sign returns the Standard Webhooks signature "v1,<base64>" of body sent
// as message id at ts: HMAC-SHA256 of "<id>.<unix seconds>.<body>".
func Sign(key []byte, id string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, ts.Unix(), 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signatures is the webhook-signature header for every key, space-separated
// as the specification allows during a secret's rotation: a receiver that
// knows either secret verifies the delivery.
func signatures(keys [][]byte, id string, ts time.Time, body []byte) string {
	sigs := make([]string, len(keys))
	for i, k := range keys {
		sigs[i] = Sign(k, id, ts, body)
	}
	return strings.Join(sigs, " ")
}

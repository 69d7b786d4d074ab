package httpadapter

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// Gin context keys set by the adapter's middleware.
const (
	ctxUser    = "wabridge.user"
	ctxSession = "wabridge.session"
)

// authenticator checks REST credentials (CONTRACT §9). Secrets are kept as
// SHA-256 digests so every comparison has the same length and runs in
// constant time, whatever the caller sent.
type authenticator struct {
	tokens [][sha256.Size]byte
	users  map[string][sha256.Size]byte
	// decoy is compared when the user is unknown, so a wrong user name
	// costs the same time as a wrong password.
	decoy     [sha256.Size]byte
	challenge []string
}

func newAuthenticator(a Auth) *authenticator {
	au := &authenticator{users: make(map[string][sha256.Size]byte, len(a.BasicUsers))}
	for _, t := range a.BearerTokens {
		au.tokens = append(au.tokens, sha256.Sum256([]byte(t)))
	}
	for u, p := range a.BasicUsers {
		au.users[u] = sha256.Sum256([]byte(p))
	}
	au.decoy = sha256.Sum256([]byte("wabridge: no such user"))
	if len(au.tokens) > 0 {
		au.challenge = append(au.challenge, `Bearer realm="wabridge"`)
	}
	if len(au.users) > 0 {
		au.challenge = append(au.challenge, `Basic realm="wabridge", charset="UTF-8"`)
	}
	return au
}

// middleware rejects requests without valid credentials and records the
// basic-auth user name for the command's CloudEvent source.
func (a *authenticator) middleware(c *gin.Context) {
	user, ok := a.check(c.Request)
	if !ok {
		for _, ch := range a.challenge {
			c.Writer.Header().Add("WWW-Authenticate", ch)
		}
		writeEnvelope(c, errEnvelope(werr.New(werr.KindUnauthorized, werr.CodeUnauthorized,
			"valid credentials are required (Authorization: Bearer or Basic)")))
		return
	}
	if user != "" {
		c.Set(ctxUser, user)
	}
	c.Next()
}

// check returns who is calling (the basic-auth user, or "token-<hash>" for a
// bearer token) and whether the request's credentials are valid.
func (a *authenticator) check(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if scheme, token, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") && len(a.tokens) > 0 {
		token = strings.TrimSpace(token)
		if !a.tokenOK(token) {
			return "", false
		}
		// Each token is its own idempotency namespace (the CloudEvent
		// source): two services must not receive each other's results for
		// equal Idempotency-Keys. A short hash names the token without
		// revealing it.
		sum := sha256.Sum256([]byte(token))
		return "token-" + hex.EncodeToString(sum[:4]), true
	}
	if len(a.users) == 0 {
		return "", false
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	want, known := a.users[user]
	if !known {
		want = a.decoy
	}
	got := sha256.Sum256([]byte(pass))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 || !known {
		return "", false
	}
	return user, true
}

// tokenOK compares against every token without stopping early, so the time
// taken does not tell which token was close.
func (a *authenticator) tokenOK(token string) bool {
	got := sha256.Sum256([]byte(token))
	match := 0
	for _, want := range a.tokens {
		match |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	return match == 1
}

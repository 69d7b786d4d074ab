package natsbus

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MinSecretLen is the shortest internal secret accepted: HMAC-SHA256 is
// only as strong as its key, and 32 bytes is its block of output.
const MinSecretLen = 32

// MaxSignedAhead bounds how far in the future a signed command's
// expirytime may lie. A signature seen on the bus can be replayed only
// until then (and only as the very same command, whose result is then
// replayed), so the bound is what limits replay; it leaves room for the
// REST adapter's wait (60 s by default) plus clock skew between processes.
const MaxSignedAhead = 5 * time.Minute

// signatureV1 starts a signature of the first (and only) scheme, so a
// later scheme can be told apart.
const signatureV1 = "v1,"

// Signed are the fields of a command a signature covers: where it is
// sent and what makes it this command. Whoever changes one of them (a
// different id, source, data, or session in the subject) has no valid
// signature.
type Signed struct {
	Subject string // the NATS subject the command is sent on
	ID      string
	Source  string
	Type    string
	Expiry  time.Time // the expirytime extension; required
	Data    []byte    // the command's data as sent
}

// Errors of VerifySignature, for tests and logs; none of them says more
// than that the call is not trusted.
var (
	ErrNoSignature  = errors.New("no signature")
	ErrBadSignature = errors.New("signature does not match")
	ErrNoExpiry     = errors.New("a signed command needs an expirytime")
	ErrFarExpiry    = errors.New("the signed command's expirytime is too far ahead")
)

// Sign returns the natsbus.HeaderInternal value that marks f as sent by a
// bridge process knowing secret. The secret itself never leaves the
// process; the header is useless for any other command.
func Sign(secret []byte, f Signed) string {
	return signatureV1 + base64.RawStdEncoding.EncodeToString(mac(secret, f))
}

// VerifySignature reports whether header is a valid signature of f under
// secret, made for a command whose expirytime lies at most MaxSignedAhead
// after now. An expirytime already past is not refused here: the caller
// answers EXPIRED for that, as for any command. The comparison takes
// constant time, so timing does not help forging one.
func VerifySignature(secret []byte, header string, f Signed, now time.Time) error {
	if len(secret) == 0 || header == "" {
		return ErrNoSignature
	}
	enc, ok := strings.CutPrefix(header, signatureV1)
	if !ok {
		return fmt.Errorf("%w: unknown scheme", ErrBadSignature)
	}
	got, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if !hmac.Equal(got, mac(secret, f)) {
		return ErrBadSignature
	}
	switch {
	case f.Expiry.IsZero():
		return ErrNoExpiry
	case f.Expiry.After(now.Add(MaxSignedAhead)):
		return ErrFarExpiry
	}
	return nil
}

// mac is HMAC-SHA256 over the fields, each length-prefixed so no two
// different field sets encode alike.
func mac(secret []byte, f Signed) []byte {
	m := hmac.New(sha256.New, secret)
	data := sha256.Sum256(f.Data)
	var expiry int64
	if !f.Expiry.IsZero() {
		expiry = f.Expiry.UnixNano()
	}
	var buf [8]byte
	for _, field := range [][]byte{
		[]byte("wabridge.command.v1"), []byte(f.Subject), []byte(f.ID), []byte(f.Source), []byte(f.Type),
		binary.BigEndian.AppendUint64(nil, uint64(expiry)), data[:],
	} {
		binary.BigEndian.PutUint64(buf[:], uint64(len(field)))
		m.Write(buf[:])
		m.Write(field)
	}
	return m.Sum(nil)
}

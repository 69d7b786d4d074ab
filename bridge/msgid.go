package bridge

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// messageIDDomain separates our derivation from any other hash of the key.
const messageIDDomain = "wabridge/message-id\x00"

// MessageIDFromKey derives the WhatsApp message id of a send from the
// command's idempotency key, so a retried command re-sends under the same id
// and WhatsApp shows one message. The id has the shape of whatsmeow's
// GenerateMessageID ("3EB0" and 16 uppercase hex digits). An empty key gets
// a random id.
func MessageIDFromKey(key string) types.MessageID {
	if key == "" {
		return whatsmeow.GenerateMessageID()
	}
	sum := sha256.Sum256([]byte(messageIDDomain + key))
	return types.MessageID(whatsmeow.WebMessageIDPrefix + strings.ToUpper(hex.EncodeToString(sum[:8])))
}

package outbox

import (
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// CheckPublished decodes a published message as a consumer would and
// validates it against the event catalog (events.ValidateCloudEvent): every
// test that reads back what the publisher sent runs it, the internal ones on
// their fake stream, the black-box ones on WA_EVENTS. Command results (types
// ending in ".result") are not catalogued events; they are only decoded.
func CheckPublished(h nats.Header, data []byte) error {
	ce, err := cenats.Decode(h, data)
	if err != nil {
		return fmt.Errorf("decoding published cloudevent: %w", err)
	}
	if strings.HasSuffix(ce.Type(), ".result") {
		return nil
	}
	return events.ValidateCloudEvent(ce)
}

package bridge

import (
	"context"
	"math"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/werr"
)

// SendLocationRequest is a pinned location to send.
type SendLocationRequest struct {
	To                  string
	Latitude, Longitude float64 // degrees: |lat| ≤ 90, |lon| ≤ 180
	Name, Address, URL  string  // optional, shown under the map
	Key                 string  // as SendTextRequest.Key
}

// SendLocation sends a location message (a pin, not a live location).
func (s *Session) SendLocation(ctx context.Context, req SendLocationRequest) (SendResult, error) {
	return s.sendContent(ctx, content{
		to: req.To, key: req.Key, text: req.Name, what: "sending the location to %s",
		build: func(*link) (*waE2E.Message, error) { return LocationMessage(req) },
	})
}

// LocationMessage is the WhatsApp message of a location pin, range-checked
// (INVALID_PAYLOAD). The sandbox's virtual phones build theirs with it too.
func LocationMessage(req SendLocationRequest) (*waE2E.Message, error) {
	if math.IsNaN(req.Latitude) || math.Abs(req.Latitude) > 90 {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "latitude %v is outside -90..90", req.Latitude)
	}
	if math.IsNaN(req.Longitude) || math.Abs(req.Longitude) > 180 {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "longitude %v is outside -180..180", req.Longitude)
	}
	loc := &waE2E.LocationMessage{
		DegreesLatitude:  proto.Float64(req.Latitude),
		DegreesLongitude: proto.Float64(req.Longitude),
	}
	// Unset rather than empty: WhatsApp shows an empty name as a blank line.
	if req.Name != "" {
		loc.Name = proto.String(req.Name)
	}
	if req.Address != "" {
		loc.Address = proto.String(req.Address)
	}
	if req.URL != "" {
		loc.URL = proto.String(req.URL)
	}
	return &waE2E.Message{LocationMessage: loc}, nil
}

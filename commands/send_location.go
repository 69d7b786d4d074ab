package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// LocationSender sends a location pin.
type LocationSender interface {
	SendLocation(ctx context.Context, req bridge.SendLocationRequest) (bridge.SendResult, error)
}

type sendLocationPayload struct {
	Phone     string  `json:"phone"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	URL       string  `json:"url"`
}

func sendLocation(ctx context.Context, s LocationSender, env Env, p sendLocationPayload) (any, error) {
	res, err := s.SendLocation(ctx, bridge.SendLocationRequest{
		To: p.Phone, Latitude: p.Latitude, Longitude: p.Longitude,
		Name: p.Name, Address: p.Address, URL: p.URL, Key: env.Key,
	})
	if err != nil {
		return nil, fmt.Errorf("sending location: %w", err)
	}
	d := sent(res)
	d.Type, d.Message = "location", p.Name
	return d, nil
}

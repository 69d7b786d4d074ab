package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// DeviceLister lists the session's linked device.
type DeviceLister interface {
	Devices(ctx context.Context) ([]bridge.Device, error)
}

type appDevicesPayload struct{}

func appDevices(ctx context.Context, s DeviceLister, _ Env, _ appDevicesPayload) (any, error) {
	devices, err := s.Devices(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing devices: %w", err)
	}
	if devices == nil {
		// An empty list, not null: callers iterate it.
		devices = []bridge.Device{}
	}
	return devices, nil
}

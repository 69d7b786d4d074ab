package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

type appDevicesPayload struct{}

func appDevices(ctx context.Context, env Env, _ appDevicesPayload) (any, error) {
	devices, err := env.Session.Devices(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing devices: %w", err)
	}
	if devices == nil {
		// An empty list, not null: callers iterate it.
		devices = []bridge.Device{}
	}
	return devices, nil
}

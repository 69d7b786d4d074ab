package commands

import (
	"context"
	"fmt"
)

type appLoginWithCodePayload struct {
	Phone string `json:"phone"`
}

type appLoginWithCodeData struct {
	PairCode string `json:"pair_code"` // XXXX-XXXX, entered on the phone
}

func appLoginWithCode(ctx context.Context, env Env, p appLoginWithCodePayload) (any, error) {
	code, err := env.Session.LoginWithCode(ctx, p.Phone)
	if err != nil {
		return nil, fmt.Errorf("starting login with pairing code: %w", err)
	}
	return appLoginWithCodeData{PairCode: code}, nil
}

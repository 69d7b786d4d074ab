package commands

import (
	"context"
	"fmt"
)

// CodeLoginer starts a login by pairing code instead of QR code.
type CodeLoginer interface {
	LoginWithCode(ctx context.Context, phone string) (string, error)
}

type appLoginWithCodePayload struct {
	Phone string `json:"phone"`
}

type appLoginWithCodeData struct {
	PairCode string `json:"pair_code"` // XXXX-XXXX, entered on the phone
}

func appLoginWithCode(ctx context.Context, s CodeLoginer, _ Env, p appLoginWithCodePayload) (any, error) {
	code, err := s.LoginWithCode(ctx, p.Phone)
	if err != nil {
		return nil, fmt.Errorf("starting login with pairing code: %w", err)
	}
	return appLoginWithCodeData{PairCode: code}, nil
}

package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// UserInformer asks WhatsApp about a user.
type UserInformer interface {
	UserInfo(ctx context.Context, phone string) (bridge.UserInfo, error)
}

type userInfoPayload struct {
	Phone string `json:"phone"`
	JID   string `json:"jid"`
}

func userInfo(ctx context.Context, s UserInformer, _ Env, p userInfoPayload) (any, error) {
	who, err := oneUser(p.Phone, p.JID)
	if err != nil {
		return nil, err
	}
	u, err := s.UserInfo(ctx, who)
	if err != nil {
		return nil, fmt.Errorf("asking about a user: %w", err)
	}
	return u, nil
}

// oneUser is the user a query names by phone or by jid (the reference
// takes either), refusing both or neither.
func oneUser(phone, jid string) (string, error) {
	switch {
	case phone != "" && jid != "":
		return "", werr.Invalid(werr.CodeInvalidPayload, "give phone or jid, not both")
	case phone == "" && jid == "":
		return "", werr.Invalid(werr.CodeInvalidPayload, "give phone or jid")
	case jid != "":
		return jid, nil
	}
	return phone, nil
}

package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// UserChecker asks WhatsApp whether numbers have an account.
type UserChecker interface {
	CheckUsers(ctx context.Context, phones []string) ([]bridge.CheckResult, error)
}

type userCheckPayload struct {
	Phone  string    `json:"phone"`
	Phones phoneList `json:"phones"`
}

// phoneList is phones as REST gives them (one comma-separated string) or
// as NATS callers send them (an array).
type phoneList []string

func (l *phoneList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		return json.Unmarshal(data, (*[]string)(l))
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("want a comma-separated string or an array of phones: %w", err)
	}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// userCheck answers one phone= with one object (the reference's shape)
// and phones= with an array of them, in the order asked.
func userCheck(ctx context.Context, s UserChecker, _ Env, p userCheckPayload) (any, error) {
	switch {
	case p.Phone != "" && len(p.Phones) > 0:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "give phone or phones, not both")
	case p.Phone != "":
		rs, err := s.CheckUsers(ctx, []string{p.Phone})
		if err != nil {
			return nil, fmt.Errorf("checking a number: %w", err)
		}
		return rs[0], nil
	}
	rs, err := s.CheckUsers(ctx, p.Phones)
	if err != nil {
		return nil, fmt.Errorf("checking numbers: %w", err)
	}
	return rs, nil
}

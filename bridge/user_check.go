package bridge

import (
	"context"
	"strings"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// MaxCheckPhones bounds one user.check: WhatsApp bans accounts that check
// numbers in bulk, so a list is for a handful of numbers, not a directory.
const MaxCheckPhones = 50

// CheckResult is user.check's answer for one number.
type CheckResult struct {
	Phone        string `json:"phone"` // digits, as asked
	IsOnWhatsApp bool   `json:"is_on_whatsapp"`
	// JID is WhatsApp's canonical JID of the number (it may differ from
	// the digits asked), set when it is on WhatsApp.
	JID          string `json:"jid,omitempty"`
	VerifiedName string `json:"verified_name,omitempty"`
}

// CheckUsers asks WhatsApp whether each phone has an account, one answer
// per phone in the order asked. A number without WhatsApp is an answer
// (is_on_whatsapp false), not an error: that is what was asked.
func (s *Session) CheckUsers(ctx context.Context, phones []string) ([]CheckResult, error) {
	digits, err := checkPhones(phones)
	if err != nil {
		return nil, err
	}
	l, err := s.online()
	if err != nil {
		return nil, err
	}
	query := make([]string, len(digits))
	for i, d := range digits {
		query[i] = "+" + d // whatsmeow wants the international form with +
	}
	resps, err := l.client.IsOnWhatsApp(ctx, query)
	if err != nil {
		return nil, classify(err, op(types.EmptyJID, "checking %d numbers", len(digits)))
	}
	byQuery := make(map[string]types.IsOnWhatsAppResponse, len(resps))
	for _, r := range resps {
		byQuery[strings.TrimPrefix(r.Query, "+")] = r
	}
	out := make([]CheckResult, len(digits))
	for i, d := range digits {
		out[i] = CheckResult{Phone: d}
		r, ok := byQuery[d]
		if !ok || !r.IsIn {
			continue
		}
		out[i].IsOnWhatsApp, out[i].JID = true, r.JID.ToNonAD().String()
		if r.VerifiedName != nil {
			out[i].VerifiedName = r.VerifiedName.Details.GetVerifiedName()
		}
	}
	return out, nil
}

// checkPhones are the digits of each phone (digits, or a phone-number
// JID), refusing the whole list for one bad entry: nothing is asked.
func checkPhones(phones []string) ([]string, error) {
	switch {
	case len(phones) == 0:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "give phone or phones")
	case len(phones) > MaxCheckPhones:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "%d phones: at most %d per check (WhatsApp bans bulk checks)", len(phones), MaxCheckPhones)
	}
	out := make([]string, 0, len(phones))
	seen := make(map[string]bool, len(phones))
	for _, p := range phones {
		jid, err := ParseRecipient(p)
		if err != nil {
			return nil, err
		}
		if jid.Server != types.DefaultUserServer {
			return nil, invalidRecipient(p, "not a phone number")
		}
		if !seen[jid.User] {
			seen[jid.User] = true
			out = append(out, jid.User)
		}
	}
	return out, nil
}

package bridge

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// TestClassify feeds classify the error values whatsmeow returns, built the
// way whatsmeow builds them (send.go, request.go, errors.go).
func TestClassify(t *testing.T) {
	user := types.NewJID("4917612345678", types.DefaultUserServer)
	lid := types.NewJID("100000000000042", types.HiddenUserServer)
	group := types.NewJID("120363028461234567", types.GroupServer)
	serverErr := func(code int) error { return fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, code) }
	tests := []struct {
		name string
		err  error
		peer types.JID
		code string
		kind werr.Kind
	}{
		{"send refused 400", serverErr(400), user, werr.CodeInvalidPayload, werr.KindInvalid},
		{"send refused 406", serverErr(406), group, werr.CodeInvalidPayload, werr.KindInvalid},
		{"send to a user 404", serverErr(404), user, werr.CodeNotOnWhatsApp, werr.KindNotFound},
		{"send to a LID 404", serverErr(404), lid, werr.CodeNotOnWhatsApp, werr.KindNotFound},
		{"send to a group 404", serverErr(404), group, werr.CodeNotFound, werr.KindNotFound},
		{"send refused 401", serverErr(401), user, werr.CodeNotLoggedIn, werr.KindNotLoggedIn},
		{"send refused 403", serverErr(403), group, werr.CodeForbidden, werr.KindForbidden},
		{"send refused 429", serverErr(429), user, werr.CodeRateLimited, werr.KindRateLimited},
		{"send refused 479", serverErr(479), user, werr.CodeUpstream, werr.KindUpstream},
		{"wrapped send refusal", fmt.Errorf("sending: %w", serverErr(429)), user, werr.CodeRateLimited, werr.KindRateLimited},
		{"IQ bad request", whatsmeow.ErrIQBadRequest, user, werr.CodeInvalidPayload, werr.KindInvalid},
		{"IQ not acceptable", whatsmeow.ErrIQNotAcceptable, group, werr.CodeInvalidPayload, werr.KindInvalid},
		{"IQ not authorized", whatsmeow.ErrIQNotAuthorized, types.EmptyJID, werr.CodeNotLoggedIn, werr.KindNotLoggedIn},
		{"IQ forbidden", whatsmeow.ErrIQForbidden, group, werr.CodeForbidden, werr.KindForbidden},
		{"IQ locked", whatsmeow.ErrIQLocked, group, werr.CodeForbidden, werr.KindForbidden},
		{"IQ item not found, user", fmt.Errorf("requesting pairing code: %w", whatsmeow.ErrIQNotFound), user, werr.CodeNotOnWhatsApp, werr.KindNotFound},
		{"IQ item not found, group", whatsmeow.ErrIQNotFound, group, werr.CodeNotFound, werr.KindNotFound},
		{"IQ rate over limit", whatsmeow.ErrIQRateOverLimit, user, werr.CodeRateLimited, werr.KindRateLimited},
		{"IQ with parsed code", &whatsmeow.IQError{Code: 429, Text: "rate-overlimit"}, user, werr.CodeRateLimited, werr.KindRateLimited},
		{"IQ internal server error", whatsmeow.ErrIQInternalServerError, user, werr.CodeUpstream, werr.KindUpstream},
		{"IQ without code", &whatsmeow.IQError{}, user, werr.CodeUpstream, werr.KindUpstream},
		{"no LID for a number without WhatsApp", fmt.Errorf("no LID found for %s from server", user), user, werr.CodeNotOnWhatsApp, werr.KindNotFound},
		{"LID lookup 429", fmt.Errorf("failed to get user info for %s to fill LID cache: %w", user, whatsmeow.ErrIQRateOverLimit), user, werr.CodeRateLimited, werr.KindRateLimited},
		{"not connected", whatsmeow.ErrNotConnected, user, werr.CodeNotConnected, werr.KindNotConnected},
		{"IQ disconnected", fmt.Errorf("failed to get device list: %w", whatsmeow.ErrIQDisconnected), user, werr.CodeNotConnected, werr.KindNotConnected},
		{"not logged in", whatsmeow.ErrNotLoggedIn, user, werr.CodeNotLoggedIn, werr.KindNotLoggedIn},
		{"no push name yet (just paired)", whatsmeow.ErrNoPushName, user, werr.CodeNotConnected, werr.KindNotConnected},
		{"message ack timeout", whatsmeow.ErrMessageTimedOut, user, werr.CodeTimeout, werr.KindTimeout},
		{"IQ timeout", whatsmeow.ErrIQTimedOut, user, werr.CodeTimeout, werr.KindTimeout},
		{"deadline", context.DeadlineExceeded, user, werr.CodeTimeout, werr.KindTimeout},
		{"device part", whatsmeow.ErrRecipientADJID, user, werr.CodeInvalidRecipient, werr.KindInvalid},
		{"unknown server", fmt.Errorf("%w %s", whatsmeow.ErrUnknownServer, "example.com"), user, werr.CodeInvalidRecipient, werr.KindInvalid},
		{"not in group", whatsmeow.ErrNotInGroup, group, werr.CodeForbidden, werr.KindForbidden},
		{"group not found", whatsmeow.ErrGroupNotFound, group, werr.CodeNotFound, werr.KindNotFound},
		{"invite link unauthorized is no logout", whatsmeow.ErrGroupInviteLinkUnauthorized, group, werr.CodeForbidden, werr.KindForbidden},
		{"unsupported by the client", fmt.Errorf("sandbox: %w", errors.ErrUnsupported), group, werr.CodeNotSupported, werr.KindNotImplemented},
		{"unknown", errors.New("something else"), user, werr.CodeUpstream, werr.KindUpstream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := werr.From(classify(tt.err, op(tt.peer, "doing it")))
			if got.Code != tt.code || got.Kind != tt.kind {
				t.Fatalf("classify(%v) = %s (kind %d), want %s (kind %d)", tt.err, got.Code, got.Kind, tt.code, tt.kind)
			}
			if !errors.Is(got, tt.err) {
				t.Fatalf("classified error %v lost its cause %v", got, tt.err)
			}
		})
	}
}

// TestClassifyKeepsKinds: an error that already has a kind is not reclassified.
func TestClassifyKeepsKinds(t *testing.T) {
	in := werr.New(werr.KindConflict, werr.CodeAlreadyLoggedIn, "already")
	if got := classify(in, op(types.EmptyJID, "x")); got != error(in) {
		t.Fatalf("classify changed %v into %v", in, got)
	}
	if classify(nil, op(types.EmptyJID, "x")) != nil {
		t.Fatal("classify(nil) is not nil")
	}
}

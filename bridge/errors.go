package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// upstream names an operation on WhatsApp for classify: what was being done
// (for the user's message) and with whom, since the same server answer means
// different things for a person and for a group (404: not on WhatsApp, or no
// such group).
type upstream struct {
	what string    // "sending the message", "requesting a pairing code", ...
	peer types.JID // the user or group the operation concerns; may be empty
}

// op builds an upstream for classify.
func op(peer types.JID, format string, args ...any) upstream {
	return upstream{what: fmt.Sprintf(format, args...), peer: peer}
}

// classify is the one place where whatsmeow's errors become the error kinds
// users see (CONTRACT §5). Every operation of a session that calls whatsmeow
// passes its error through here, so the same refusal gets the same code
// whichever command met it. An error that already has a kind keeps it; an
// unknown one is UPSTREAM_ERROR, which is transient: a durable command is
// retried within its lifetime.
func classify(err error, u upstream) error {
	if err == nil {
		return nil
	}
	var we *werr.Error
	if errors.As(err, &we) {
		return err
	}
	if kind, code, ok := classifySentinel(err); ok {
		return werr.Wrap(err, kind, code, "%s failed: %s", u.what, reason(code))
	}
	if status, ok := serverStatus(err); ok {
		kind, code := classifyStatus(status, u.peer)
		return werr.Wrap(err, kind, code, "%s failed: WhatsApp answered %d (%s)", u.what, status, reason(code)).
			WithDetails(map[string]any{"whatsapp_status": status})
	}
	if isNoLIDFound(err) {
		return werr.Wrap(err, werr.KindNotFound, werr.CodeNotOnWhatsApp, "%s failed: %s", u.what, reason(werr.CodeNotOnWhatsApp))
	}
	return werr.Wrap(err, werr.KindUpstream, werr.CodeUpstream, "%s failed: %s", u.what, reason(werr.CodeUpstream))
}

// classifySentinel knows whatsmeow's named errors. The more specific ones
// come first: several wrap an IQ error whose bare status would say less
// (ErrGroupInviteLinkUnauthorized carries a 401, which is no logout).
func classifySentinel(err error) (werr.Kind, string, bool) {
	var disconnected *whatsmeow.DisconnectedError
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		// The command exists, but the session's client (the sandbox, say)
		// does not do it: neither the caller's mistake (UNKNOWN_COMMAND)
		// nor worth retrying.
		return werr.KindNotImplemented, werr.CodeNotSupported, true
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.As(err, &disconnected):
		return werr.KindNotConnected, werr.CodeNotConnected, true
	case errors.Is(err, whatsmeow.ErrNoPushName):
		// Right after pairing, until WhatsApp's app state names the account.
		return werr.KindNotConnected, werr.CodeNotConnected, true
	case errors.Is(err, whatsmeow.ErrNotLoggedIn):
		return werr.KindNotLoggedIn, werr.CodeNotLoggedIn, true
	case errors.Is(err, whatsmeow.ErrQRStoreContainsID):
		return werr.KindConflict, werr.CodeAlreadyLoggedIn, true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, whatsmeow.ErrMessageTimedOut), errors.Is(err, whatsmeow.ErrIQTimedOut):
		return werr.KindTimeout, werr.CodeTimeout, true
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported),
		errors.Is(err, whatsmeow.ErrPhoneNumberTooShort), errors.Is(err, whatsmeow.ErrPhoneNumberIsNotInternational):
		return werr.KindInvalid, werr.CodeInvalidRecipient, true
	case errors.Is(err, whatsmeow.ErrNotInGroup), errors.Is(err, whatsmeow.ErrGroupInviteLinkUnauthorized),
		errors.Is(err, whatsmeow.ErrProfilePictureUnauthorized):
		return werr.KindForbidden, werr.CodeForbidden, true
	case errors.Is(err, whatsmeow.ErrGroupNotFound), errors.Is(err, whatsmeow.ErrProfilePictureNotSet),
		errors.Is(err, whatsmeow.ErrInviteLinkRevoked):
		return werr.KindNotFound, werr.CodeNotFound, true
	case errors.Is(err, whatsmeow.ErrInviteLinkInvalid), errors.Is(err, whatsmeow.ErrInvalidImageFormat):
		return werr.KindInvalid, werr.CodeInvalidPayload, true
	}
	return 0, "", false
}

// classifyStatus maps a status WhatsApp's server answered with. 404 about a
// person means the number has no WhatsApp account.
func classifyStatus(status int, peer types.JID) (werr.Kind, string) {
	switch status {
	case 400, 406:
		return werr.KindInvalid, werr.CodeInvalidPayload
	case 401:
		if peer.Server == types.GroupServer {
			// Group IQs answer not-authorized to a member who is no admin.
			return werr.KindForbidden, werr.CodeForbidden
		}
		return werr.KindNotLoggedIn, werr.CodeNotLoggedIn
	case 403, 405, 423:
		// 405 not-allowed and 423 locked: the account may not do this here.
		return werr.KindForbidden, werr.CodeForbidden
	case 404:
		if peer.Server == types.DefaultUserServer || peer.Server == types.HiddenUserServer {
			return werr.KindNotFound, werr.CodeNotOnWhatsApp
		}
		return werr.KindNotFound, werr.CodeNotFound
	case 429:
		return werr.KindRateLimited, werr.CodeRateLimited
	}
	return werr.KindUpstream, werr.CodeUpstream
}

// serverStatus finds the status of a server refusal: an IQ error's code, or
// the number whatsmeow appends to ErrServerReturnedError when a send is
// refused ("server returned error 404"), which it keeps in no field.
func serverStatus(err error) (int, bool) {
	var iq *whatsmeow.IQError
	if errors.As(err, &iq) && iq.Code != 0 {
		return iq.Code, true
	}
	if !errors.Is(err, whatsmeow.ErrServerReturnedError) {
		return 0, false
	}
	msg := err.Error()
	at := strings.Index(msg, whatsmeow.ErrServerReturnedError.Error())
	if at < 0 {
		return 0, false
	}
	var status int
	if _, scanErr := fmt.Sscanf(msg[at+len(whatsmeow.ErrServerReturnedError.Error()):], " %d", &status); scanErr != nil || status == 0 {
		return 0, false
	}
	return status, true
}

// isNoLIDFound: after the LID migration, whatsmeow resolves a phone number
// to its LID before sending; a number without WhatsApp has none, and
// whatsmeow says so in a plain error ("no LID found for <jid> from server"),
// without a sentinel to test for.
func isNoLIDFound(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no LID found for ") && strings.Contains(msg, " from server")
}

// reason is the part of a message that says what a code means to users.
func reason(code string) string {
	switch code {
	case werr.CodeNotConnected:
		return "the session is not connected to WhatsApp"
	case werr.CodeNotLoggedIn:
		return "the session is not logged in"
	case werr.CodeTimeout:
		return "WhatsApp did not answer in time"
	case werr.CodeInvalidRecipient:
		return "WhatsApp cannot send to this recipient"
	case werr.CodeInvalidPayload:
		return "WhatsApp refused the request as invalid"
	case werr.CodeForbidden:
		return "the account may not do this"
	case werr.CodeNotOnWhatsApp:
		return "the number is not on WhatsApp"
	case werr.CodeNotFound:
		return "WhatsApp does not know it"
	case werr.CodeRateLimited:
		return "WhatsApp rate-limits the account; try again later"
	case werr.CodeAlreadyLoggedIn:
		return "the session is already logged in"
	case werr.CodeNotSupported:
		return "this session's WhatsApp client does not support it yet"
	}
	return "WhatsApp refused it"
}

// Package werr is the closed set of error kinds wabridge reports, each with a
// stable UPPER_SNAKE code. Kinds map once to an HTTP status (used by REST and
// by the "status" field of every result CloudEvent).
//
// It imports nothing of the project; every package may use it.
package werr

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error. The set is closed: add a kind only with its status.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindNotLoggedIn
	KindNotConnected
	KindRateLimited
	KindConflict
	KindUpstream
	KindUnauthorized
	KindTimeout
	KindTooLarge
	// KindForbidden: the account may not do this (not a group admin, a
	// locked group, not the sender of the message). Final.
	KindForbidden
	// KindExpired: a durable command past its lifetime. Final.
	KindExpired
	// KindUnsupported: content that is not what the command says. Final.
	KindUnsupported
	// KindBusy: the session's queue is full; retry later. Transient.
	KindBusy
	// KindNotImplemented: a command that exists, which this session's
	// WhatsApp client (or the sandbox) does not do yet. Final.
	KindNotImplemented
)

// Status is the HTTP status a kind is answered with.
func (k Kind) Status() int {
	switch k {
	case KindInvalid:
		return http.StatusBadRequest
	case KindNotFound:
		return http.StatusNotFound
	case KindNotLoggedIn:
		return http.StatusUnauthorized
	case KindNotConnected:
		return http.StatusServiceUnavailable
	case KindRateLimited:
		return http.StatusTooManyRequests
	case KindConflict:
		return http.StatusConflict
	case KindUpstream:
		return http.StatusBadGateway
	case KindUnauthorized:
		return http.StatusUnauthorized
	case KindTimeout:
		return http.StatusGatewayTimeout
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case KindForbidden:
		return http.StatusForbidden
	case KindExpired:
		return http.StatusGone
	case KindUnsupported:
		return http.StatusUnsupportedMediaType
	case KindBusy:
		return http.StatusServiceUnavailable
	case KindNotImplemented:
		return http.StatusNotImplemented
	default:
		return http.StatusInternalServerError
	}
}

// Retryable reports whether a later attempt of the same command may succeed.
// Results of retryable errors are not kept for idempotency.
func (k Kind) Retryable() bool {
	switch k {
	case KindNotConnected, KindRateLimited, KindUpstream, KindTimeout, KindInternal, KindBusy:
		return true
	}
	return false
}

// Stable codes. The README's error catalog lists every one of them.
const (
	CodeInvalidRecipient  = "INVALID_RECIPIENT"
	CodeInvalidPayload    = "INVALID_PAYLOAD"
	CodeInvalidCloudEvent = "INVALID_CLOUDEVENT"
	CodeUnknownCommand    = "UNKNOWN_COMMAND"
	CodeInvalidSession    = "INVALID_SESSION"
	CodeSessionNotFound   = "SESSION_NOT_FOUND"
	CodeMessageNotFound   = "MESSAGE_NOT_FOUND"
	CodeNotLoggedIn       = "NOT_LOGGED_IN"
	CodeAlreadyLoggedIn   = "ALREADY_LOGGED_IN"
	CodeNotConnected      = "NOT_CONNECTED"
	CodeRateLimited       = "RATE_LIMITED"
	CodeUpstream          = "UPSTREAM_ERROR"
	CodeUnauthorized      = "UNAUTHORIZED"
	CodeTimeout           = "TIMEOUT"
	CodeInternal          = "INTERNAL_ERROR"
	CodeNotFound          = "NOT_FOUND"
	CodePayloadTooLarge   = "PAYLOAD_TOO_LARGE"
	// CodeIdempotencyConflict: the key (session, source, id) was used before
	// by another command or with other data. KindConflict.
	CodeIdempotencyConflict = "IDEMPOTENCY_CONFLICT"
	CodeForbidden           = "FORBIDDEN"          // KindForbidden
	CodeNotOnWhatsApp       = "NOT_ON_WHATSAPP"    // KindNotFound: a well-formed number without WhatsApp
	CodeEditWindowClosed    = "EDIT_WINDOW_CLOSED" // KindConflict: edit after 15 minutes
	CodeExpired             = "EXPIRED"            // KindExpired
	CodeMediaTooLarge       = "MEDIA_TOO_LARGE"    // KindTooLarge
	CodeUnsupportedMedia    = "UNSUPPORTED_MEDIA"  // KindUnsupported
	CodeURLNotAllowed       = "URL_NOT_ALLOWED"    // KindInvalid
	CodeFetchFailed         = "FETCH_FAILED"       // KindUpstream (transient)
	CodeBusy                = "BUSY"               // KindBusy (transient)
	CodeNotSupported        = "NOT_SUPPORTED"      // KindNotImplemented
)

// Error is an error with a kind, a stable code and a message fit for users.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Details map[string]any
	Err     error // the cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status of the error's kind.
func (e *Error) Status() int { return e.Kind.Status() }

// New returns an error of the given kind and code.
func New(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind and code that keeps err as cause.
func Wrap(err error, kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Invalid is shorthand for a KindInvalid error.
func Invalid(code, format string, args ...any) *Error {
	return New(KindInvalid, code, format, args...)
}

// WithDetails returns e with details set.
func (e *Error) WithDetails(d map[string]any) *Error {
	e.Details = d
	return e
}

// From turns any error into an *Error; errors without a kind are internal.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var we *Error
	if errors.As(err, &we) {
		return we
	}
	return &Error{Kind: KindInternal, Code: CodeInternal, Message: "internal error", Err: err}
}

// KindOf returns the kind of err (KindInternal for errors without one).
func KindOf(err error) Kind { return From(err).Kind }

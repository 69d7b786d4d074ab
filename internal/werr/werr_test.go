package werr_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/wabridge/wabridge/internal/werr"
)

func TestKindStatusAndRetry(t *testing.T) {
	cases := []struct {
		kind      werr.Kind
		status    int
		retryable bool
	}{
		{werr.KindInvalid, http.StatusBadRequest, false},
		{werr.KindNotFound, http.StatusNotFound, false},
		{werr.KindNotLoggedIn, http.StatusUnauthorized, false},
		{werr.KindUnauthorized, http.StatusUnauthorized, false},
		{werr.KindConflict, http.StatusConflict, false},
		{werr.KindTooLarge, http.StatusRequestEntityTooLarge, false},
		{werr.KindNotConnected, http.StatusServiceUnavailable, true},
		{werr.KindRateLimited, http.StatusTooManyRequests, true},
		{werr.KindUpstream, http.StatusBadGateway, true},
		{werr.KindTimeout, http.StatusGatewayTimeout, true},
		{werr.KindInternal, http.StatusInternalServerError, true},
		{werr.KindNotImplemented, http.StatusNotImplemented, false},
	}
	for _, c := range cases {
		if got := c.kind.Status(); got != c.status {
			t.Errorf("kind %d: status %d, want %d", c.kind, got, c.status)
		}
		if got := c.kind.Retryable(); got != c.retryable {
			t.Errorf("kind %d: retryable %v, want %v", c.kind, got, c.retryable)
		}
	}
}

func TestFromKeepsKindsAndHidesCauses(t *testing.T) {
	cause := errors.New("dial tcp: secret detail")
	wrapped := fmt.Errorf("sending: %w", werr.Wrap(cause, werr.KindUpstream, werr.CodeUpstream, "WhatsApp refused"))
	we := werr.From(wrapped)
	if we.Code != werr.CodeUpstream || we.Status() != http.StatusBadGateway || we.Message != "WhatsApp refused" {
		t.Fatalf("From lost the kind: %+v", we)
	}
	if !errors.Is(wrapped, cause) {
		t.Error("the cause is not reachable with errors.Is")
	}
	plain := werr.From(errors.New("boom"))
	if plain.Kind != werr.KindInternal || plain.Code != werr.CodeInternal || plain.Message != "internal error" {
		t.Fatalf("an error without a kind must be internal with a generic message: %+v", plain)
	}
	if werr.From(nil) != nil {
		t.Error("From(nil) must be nil")
	}
	if werr.KindOf(werr.Invalid(werr.CodeInvalidRecipient, "phone %q", "x")) != werr.KindInvalid {
		t.Error("KindOf")
	}
}

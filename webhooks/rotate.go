package webhooks

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/werr"
)

// Rotation is the body of POST /webhooks/:id/rotate.
type Rotation struct {
	// Secret becomes the signing secret (generated when empty); the current
	// one goes on signing beside it as previous_secret until End.
	Secret string `json:"secret,omitempty"`
	// End ends the overlap: the previous secret stops signing.
	End bool `json:"end,omitempty"`
}

// Rotated answers a rotation: the secret now signing (shown only here) and
// whether a previous one still signs beside it.
type Rotated struct {
	ID       string `json:"id"`
	Secret   string `json:"secret"`
	Rotating bool   `json:"rotating"`
}

// Rotate changes a webhook's secret without a gap: during the overlap
// every delivery carries both signatures, so receivers switch to the new
// secret when they like; End drops the old one. Every node's runner takes
// the change from the bucket's watch. Webhooks of the config file rotate
// there (the file would undo a rotation here at the next start).
func (s *Service) Rotate(ctx context.Context, id string, rot Rotation) (Rotated, error) {
	if rot.End && rot.Secret != "" {
		return Rotated{}, invalidField("secret", "", "cannot be given with end (which keeps the current secret)")
	}
	next := rot.Secret
	if !rot.End && next == "" {
		next = NewSecret()
	}
	if next != "" {
		if _, err := ParseSecret(next); err != nil {
			return Rotated{}, withField(err, "secret")
		}
	}
	// The webhook may change meanwhile (a 410 disabling it): take it again.
	for range 3 {
		w, rev, err := s.load(ctx, id)
		if err != nil {
			return Rotated{}, err
		}
		if w.Declared {
			return Rotated{}, werr.New(werr.KindForbidden, werr.CodeForbidden,
				"webhook %s is declared in the config file: rotate its secret there (previous_secret keeps the old one signing)", id)
		}
		if rot.End {
			w.PreviousSecret = ""
		} else {
			w.Secret, w.PreviousSecret = next, w.Secret
		}
		next, err := s.kv.Update(ctx, id, encodeWebhook(w), rev)
		if err == nil {
			// This node signs with the new keys from its next attempt on,
			// not only once its watch shows the change (other nodes do).
			if r := s.runner(id); r != nil {
				s.updateInPlace(r, w, next)
			}
			s.updateRedrive(id, w, next) // redrive.go: its attempts in flight too
			return Rotated{ID: id, Secret: w.Secret, Rotating: w.PreviousSecret != ""}, nil
		}
		if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return Rotated{}, fmt.Errorf("rotating the secret of webhook %s: %w", id, err)
		}
	}
	return Rotated{}, werr.New(werr.KindBusy, werr.CodeBusy, "webhook %s keeps changing: rotate again", id)
}

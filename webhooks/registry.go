package webhooks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/werr"
)

// Created is the answer to a new webhook: its id and its secret (the only
// time the secret is shown).
type Created struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// Create stores a new webhook and creates its consumer, which takes every
// matching event published from now on.
func (s *Service) Create(ctx context.Context, d Definition) (Created, error) {
	w, err := normalize(d)
	if err != nil {
		return Created{}, err
	}
	if err := s.checkStarted(); err != nil {
		return Created{}, err
	}
	w.ID, w.CreatedAt = newID(), time.Now().UTC()
	if err := s.ensureConsumer(ctx, w); err != nil {
		return Created{}, err
	}
	if _, err := s.kv.Create(ctx, w.ID, encodeWebhook(w)); err != nil {
		// Not stored, so no Delete will ever remove the consumer.
		if derr := s.deleteConsumer(ctx, w.ID); derr != nil {
			s.cfg.Log.Warn("removing the consumer of a webhook that could not be stored", "webhook", w.ID, "err", derr)
		}
		return Created{}, fmt.Errorf("storing webhook %s: %w", w.ID, err)
	}
	return Created{ID: w.ID, Secret: w.Secret}, nil
}

// Declare makes the webhooks of the config file the declared set: each is
// stored under an id derived from its URL and filters (so a restart finds
// it again), with the file's secret (required, see CheckDeclared); declared
// webhooks no longer in the file are deleted.
func (s *Service) Declare(ctx context.Context, defs []Definition) error {
	keep := map[string]bool{}
	for i, d := range defs {
		if err := CheckDeclared(d); err != nil {
			return fmt.Errorf("webhook %d of the config file (%s): %w", i+1, d.URL, err)
		}
		w, err := normalize(d)
		if err != nil {
			return fmt.Errorf("webhook %d of the config file (%s): %w", i+1, d.URL, err)
		}
		w.ID, w.Declared = declaredID(w), true
		keep[w.ID] = true
		if err := s.declare(ctx, w); err != nil {
			return err
		}
	}
	stored, err := s.stored(ctx)
	if err != nil {
		return err
	}
	for _, w := range stored {
		if w.Declared && !keep[w.ID] {
			if err := s.Delete(ctx, w.ID); err != nil && !errors.Is(err, errNotFound) {
				return err
			}
		}
	}
	return nil
}

func (s *Service) declare(ctx context.Context, w Webhook) error {
	old, rev, err := s.load(ctx, w.ID)
	switch {
	case errors.Is(err, errNotFound):
		w.CreatedAt = time.Now().UTC()
		_, err = s.kv.Create(ctx, w.ID, encodeWebhook(w))
	case err != nil:
		return err
	default:
		w.CreatedAt, w.Disabled, w.DisabledReason = old.CreatedAt, old.Disabled, old.DisabledReason
		if string(encodeWebhook(w)) == string(encodeWebhook(old)) {
			return nil
		}
		_, err = s.kv.Update(ctx, w.ID, encodeWebhook(w), rev)
	}
	if err != nil {
		return fmt.Errorf("storing declared webhook %s: %w", w.ID, err)
	}
	return nil
}

// Delete removes a webhook, its consumer and its dead letters, and ends
// its delivery and a redrive running on this node (other nodes end theirs
// when the bucket's watch shows the deletion); an unknown id is NOT_FOUND.
func (s *Service) Delete(ctx context.Context, id string) error {
	if _, _, err := s.load(ctx, id); err != nil {
		return err
	}
	applied := s.awaitDeletion(id)
	defer s.forgetDeletion(id, applied)
	if err := s.kv.Delete(ctx, id); err != nil {
		return fmt.Errorf("deleting webhook %s: %w", id, err)
	}
	// This node's watch may not have applied the webhook's last change
	// yet, and would then start a runner that creates the consumer again
	// after it is deleted here; it applies the deletion after that change,
	// stopping such a runner. (Runners elsewhere see themselves that the
	// webhook is gone, see claimConsumer.)
	select {
	case <-applied:
	case <-ctx.Done():
		return fmt.Errorf("deleting webhook %s: %w", id, ctx.Err())
	case <-time.After(deletionWait):
		s.cfg.Log.Warn("the webhooks bucket's watch has not shown a deletion yet; deleting the consumer anyway", "webhook", id)
	}
	s.stopRunner(ctx, id)
	s.stopRedrive(ctx, id)
	if err := s.deleteConsumer(ctx, id); err != nil {
		return err
	}
	if err := s.dead.Purge(ctx, jetstream.WithPurgeSubject(s.cfg.deadSubject(id))); err != nil {
		return fmt.Errorf("deleting the dead letters of webhook %s: %w", id, err)
	}
	return s.leases.erase(ctx, id)
}

// disable marks w disabled with reason (a receiver's 410 Gone); its
// runner stops when the bucket's watch sees the change, its consumer stays.
func (s *Service) disable(ctx context.Context, id, reason string) error {
	w, rev, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	w.Disabled, w.DisabledReason = true, reason
	if _, err := s.kv.Update(ctx, id, encodeWebhook(w), rev); err != nil {
		return fmt.Errorf("disabling webhook %s: %w", id, err)
	}
	return nil
}

var errNotFound = werr.New(werr.KindNotFound, werr.CodeNotFound, "no such webhook")

func (s *Service) load(ctx context.Context, id string) (Webhook, uint64, error) {
	if err := s.checkStarted(); err != nil {
		return Webhook{}, 0, err
	}
	if !validID(id) {
		return Webhook{}, 0, errNotFound
	}
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Webhook{}, 0, errNotFound
	}
	if err != nil {
		return Webhook{}, 0, fmt.Errorf("reading webhook %s: %w", id, err)
	}
	w, err := decodeWebhook(e.Value())
	return w, e.Revision(), err
}

// stored lists every webhook of the bucket, by id.
func (s *Service) stored(ctx context.Context) ([]Webhook, error) {
	if err := s.checkStarted(); err != nil {
		return nil, err
	}
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing webhooks: %w", err)
	}
	var ids []string
	for k := range lister.Keys() {
		ids = append(ids, k)
	}
	slices.Sort(ids)
	out := make([]Webhook, 0, len(ids))
	for _, id := range ids {
		w, _, err := s.load(ctx, id)
		if errors.Is(err, errNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func (s *Service) ensureConsumer(ctx context.Context, w Webhook) error {
	_, err := s.cfg.JS.CreateOrUpdateConsumer(ctx, s.cfg.Subjects.EventsStream(), jetstream.ConsumerConfig{
		Durable:        consumerName(w.ID),
		Description:    "wabridge webhook " + w.ID,
		FilterSubjects: filterSubjects(s.cfg.Subjects, w),
		DeliverPolicy:  jetstream.DeliverNewPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        s.cfg.AckWait,
		MaxDeliver:     -1,
		MaxAckPending:  s.cfg.Window,
	})
	if err != nil {
		return fmt.Errorf("creating the consumer of webhook %s: %w", w.ID, err)
	}
	return nil
}

func encodeWebhook(w Webhook) []byte {
	b, err := json.Marshal(w)
	if err != nil {
		panic(fmt.Sprintf("encoding a webhook cannot fail: %v", err))
	}
	return b
}

func decodeWebhook(b []byte) (Webhook, error) {
	var w Webhook
	if err := json.Unmarshal(b, &w); err != nil {
		return Webhook{}, fmt.Errorf("decoding a stored webhook: %w", err)
	}
	return w, nil
}

// newID is a random webhook id, usable as KV key and consumer name.
func newID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return "wh_" + hex.EncodeToString(b)
}

// declaredID derives a config-file webhook's id from what makes it that
// webhook: its URL and filters.
func declaredID(w Webhook) string {
	key := strings.Join([]string{w.URL, strings.Join(w.Sessions, ","), strings.Join(w.Chats, ","), strings.Join(w.Events, ",")}, "\x00")
	sum := sha256.Sum256([]byte(key))
	return "whcfg_" + hex.EncodeToString(sum[:10])
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

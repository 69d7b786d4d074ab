package chatstore

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Rebuild drops what the store holds of cfg's sessions (all sessions when
// it names none) and applies the stream again from its start, returning
// once it caught up. Run it while no projector of the same durable runs
// (the bridge is stopped). It can rebuild only what the stream retains.
func (s *Store) Rebuild(ctx context.Context, js jetstream.JetStream, cfg ProjectConfig) error {
	p, err := s.NewProjector(js, cfg)
	if err != nil {
		return err
	}
	if err := p.deleteConsumer(ctx); err != nil {
		return err
	}
	if err := s.drop(ctx, p.cfg); err != nil {
		return err
	}
	return p.CatchUp(ctx)
}

// drop deletes the sessions' rows and the projector's position in one
// transaction.
func (s *Store) drop(ctx context.Context, cfg ProjectConfig) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("dropping the chat store: %w", err)
	}
	defer tx.Rollback()
	for _, table := range []string{"messages", "reactions", "chats", "contacts", "groups", "group_members", "polls", "poll_votes", "applied_events"} {
		if len(cfg.Sessions) == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM `+table)
		}
		for _, session := range cfg.Sessions {
			if _, err = tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE session = $1`, session); err != nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("dropping %s: %w", table, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM projector_position WHERE name = $1`, cfg.Durable); err != nil {
		return fmt.Errorf("dropping the projector position: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("dropping the chat store: %w", err)
	}
	return nil
}

// Position is the last stream sequence the projector of cfg applied.
func (s *Store) Position(ctx context.Context, cfg ProjectConfig) (uint64, error) {
	cfg.setDefaults()
	return position(ctx, s.r, cfg.Durable)
}

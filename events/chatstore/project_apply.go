package chatstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// applyBatch applies msgs (in stream order) and the sequence of the last
// in one transaction, retrying while the database fails, then acks the
// last: an event is acknowledged only once the store holds it.
func (p *Projector) applyBatch(ctx context.Context, msgs []jetstream.Msg) error {
	last := msgs[len(msgs)-1]
	md, err := last.Metadata()
	if err != nil {
		return fmt.Errorf("reading event metadata: %w", err)
	}
	read := p.readAll(msgs)
	backoff := newBackoff()
	for {
		err := p.commit(ctx, read, md.Sequence.Stream)
		if err == nil {
			break
		}
		p.cfg.Log.Error("chat store: applying events failed; retrying", "err", err, "stream_seq", md.Sequence.Stream)
		if !backoff.wait(ctx) {
			return ctx.Err()
		}
	}
	p.applied.Store(md.Sequence.Stream)
	p.pending.Store(md.NumPending)
	// A lost ack redelivers the batch, whose sequences the store then skips.
	if err := last.Ack(); err != nil {
		p.cfg.Log.Warn("chat store: acknowledging events failed", "err", err, "stream_seq", md.Sequence.Stream)
	}
	return nil
}

func (p *Projector) commit(ctx context.Context, read []fetched, lastSeq uint64) error {
	t, err := p.s.begin(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	pos, err := scanPosition(t.bind(ctx, t.st.position).QueryRowContext(ctx, p.cfg.Durable))
	if err != nil {
		return err
	}
	for _, f := range read {
		if err := p.applyOne(ctx, t, f, pos); err != nil {
			return err
		}
	}
	if lastSeq > pos {
		if err := t.setPosition(ctx, p.cfg.Durable, lastSeq); err != nil {
			return err
		}
	}
	if err := t.commit(ctx); err != nil {
		return fmt.Errorf("committing events up to %d: %w", lastSeq, err)
	}
	return nil
}

// applyOne applies one event unless the store is past it already; an
// event that cannot be read or applied is logged and skipped.
func (p *Projector) applyOne(ctx context.Context, t *txn, f fetched, pos uint64) error {
	if f.mdErr != nil {
		return f.mdErr
	}
	if f.seq <= pos {
		return nil
	}
	err := f.err
	if err == nil {
		err = apply(ctx, t, f.e)
	}
	if errors.Is(err, errBadEvent) {
		p.cfg.Log.Warn("chat store: event skipped", "err", err, "stream_seq", f.seq, "subject", f.subject)
		return nil
	}
	return err
}

func position(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (uint64, error) {
	return scanPosition(q.QueryRowContext(ctx, sqlPosition, name))
}

// scanPosition reads the row of sqlPosition: 0 when there is none.
func scanPosition(row *sql.Row) (uint64, error) {
	var seq int64
	err := row.Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading projector position: %w", err)
	}
	return uint64(seq), nil
}

// projectionVersion numbers what the projector applies; a store whose
// position was reached by an older version lacks what that version did not
// apply (version 1: no command results; 2: no reactions, edits, revokes;
// 3: no groups; 4: revoked messages kept their reactions; 5: no
// receipts; 6: no poll votes), so it is rebuilt (see consumer).
const projectionVersion = 7

// projectedVersion is the projection version of the store's position.
func projectedVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT version FROM projector_position WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return projectionVersion, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading projection version: %w", err)
	}
	return v, nil
}

func (t *txn) setPosition(ctx context.Context, name string, seq uint64) error {
	if _, err := t.bind(ctx, t.st.setPosition).ExecContext(ctx, name, int64(seq), projectionVersion); err != nil {
		return fmt.Errorf("recording projector position %d: %w", seq, err)
	}
	return nil
}

package chatstore

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// fetched is one fetched event, read before the transaction that applies
// it: decoding the CloudEvent and its data needs no database, so it is
// done once per batch (not again when a commit is retried) and, for a
// large batch, on every core while the store has one writer.
type fetched struct {
	seq     uint64
	subject string
	e       applied
	err     error // wraps errBadEvent: the event cannot be read
	mdErr   error // its stream metadata cannot be read
}

// readPerWorker is the fewest events worth a goroutine of their own.
const readPerWorker = 64

// readAll reads msgs, keeping their order.
func (p *Projector) readAll(msgs []jetstream.Msg) []fetched {
	out := make([]fetched, len(msgs))
	workers := min(runtime.GOMAXPROCS(0), len(msgs)/readPerWorker)
	if workers <= 1 {
		for i, m := range msgs {
			out[i] = p.readOne(m)
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(msgs) + workers - 1) / workers
	for start := 0; start < len(msgs); start += chunk {
		end := min(start+chunk, len(msgs))
		wg.Go(func() {
			for i := start; i < end; i++ {
				out[i] = p.readOne(msgs[i])
			}
		})
	}
	wg.Wait()
	return out
}

func (p *Projector) readOne(m jetstream.Msg) fetched {
	f := fetched{subject: m.Subject()}
	md, err := m.Metadata()
	if err != nil {
		f.mdErr = fmt.Errorf("reading event metadata: %w", err)
		return f
	}
	f.seq = md.Sequence.Stream
	f.e, f.err = p.readEvent(m)
	if f.err == nil && isMessageType(f.e.Type) {
		f.e.msg = new(messageData)
		f.e.msgErr = decode(f.e, f.e.msg)
	}
	return f
}

func (p *Projector) readEvent(m jetstream.Msg) (applied, error) {
	session, _, _, err := p.cfg.Subjects.Parse(m.Subject())
	if err != nil {
		return applied{}, fmt.Errorf("%w: %v", errBadEvent, err)
	}
	ce, err := cenats.Decode(m.Headers(), m.Data())
	if err != nil {
		return applied{}, fmt.Errorf("%w: decoding CloudEvent: %v", errBadEvent, err)
	}
	return applied{Session: session, ID: ce.ID(), Type: ce.Type(), Data: ce.Data()}, nil
}

func isMessageType(typ string) bool {
	switch typ {
	case events.TypeMessageReceived, events.TypeMessageSent, events.TypeMessageHistory:
		return true
	}
	return false
}

package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/werr"
)

// Headers a dead letter carries besides the event's own.
const (
	headerDeadError    = "Wabridge-Webhook-Error"
	headerDeadAttempts = "Wabridge-Webhook-Attempts"
	headerDeadSeq      = "Wabridge-Event-Seq"
	headerDeadSubject  = "Wabridge-Event-Subject"
)

// Paging of GET /webhooks/:id/deadletters.
const (
	DefaultDeadLetterPage = 50
	MaxDeadLetterPage     = 500
)

// DeadLetter is one event a webhook gave up on.
type DeadLetter struct {
	Seq      uint64          `json:"seq"`       // in the dead-letter stream: the paging cursor
	EventSeq uint64          `json:"event_seq"` // in WA_EVENTS
	Subject  string          `json:"subject"`
	Error    string          `json:"error"`
	Attempts int             `json:"attempts"`
	DeadAt   time.Time       `json:"dead_at"`
	Event    json.RawMessage `json:"event"` // structured CloudEvent JSON
}

// DeadLetterPage is a page of dead letters, oldest first; NextCursor is
// the after= of the next page, 0 when this is the last.
type DeadLetterPage struct {
	Items      []DeadLetter `json:"items"`
	NextCursor uint64       `json:"next_cursor,omitempty"`
	Total      uint64       `json:"total"`
}

// writeDeadLetter stores msg (the event as it was in WA_EVENTS) under the
// webhook's dead-letter subject, once even if written twice.
func (s *Service) writeDeadLetter(ctx context.Context, id string, msg jetstream.Msg, cause error, attempts int) error {
	meta, err := msg.Metadata()
	if err != nil {
		return fmt.Errorf("reading the event's metadata: %w", err)
	}
	h := nats.Header{}
	for k, vs := range msg.Headers() {
		h[k] = vs
	}
	h.Set(nats.MsgIdHdr, id+"."+strconv.FormatUint(meta.Sequence.Stream, 10))
	h.Set(headerDeadError, causeText(cause))
	h.Set(headerDeadAttempts, strconv.Itoa(attempts))
	h.Set(headerDeadSeq, strconv.FormatUint(meta.Sequence.Stream, 10))
	h.Set(headerDeadSubject, msg.Subject())
	_, err = s.cfg.JS.PublishMsg(ctx, &nats.Msg{Subject: s.cfg.deadSubject(id), Header: h, Data: msg.Data()})
	if err != nil {
		return fmt.Errorf("writing a dead letter of webhook %s: %w", id, err)
	}
	return nil
}

func causeText(err error) string {
	if err == nil {
		return "unknown"
	}
	return err.Error()
}

// DeadLetters pages through a webhook's dead letters after the cursor.
func (s *Service) DeadLetters(ctx context.Context, id string, after uint64, limit int) (DeadLetterPage, error) {
	if _, _, err := s.load(ctx, id); err != nil {
		return DeadLetterPage{}, err
	}
	if limit <= 0 {
		limit = DefaultDeadLetterPage
	}
	if limit > MaxDeadLetterPage {
		return DeadLetterPage{}, werr.Invalid(werr.CodeInvalidPayload, "limit must be at most %d", MaxDeadLetterPage)
	}
	total, err := s.deadCount(ctx, id)
	if err != nil {
		return DeadLetterPage{}, err
	}
	page := DeadLetterPage{Items: []DeadLetter{}, Total: total}
	seq := after + 1
	for len(page.Items) < limit {
		raw, err := s.nextDead(ctx, id, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return page, nil
		}
		if err != nil {
			return DeadLetterPage{}, err
		}
		page.Items = append(page.Items, deadLetterOf(raw))
		seq = raw.Sequence + 1
	}
	if _, err := s.nextDead(ctx, id, seq); err == nil {
		page.NextCursor = seq - 1
	}
	return page, nil
}

func (s *Service) nextDead(ctx context.Context, id string, seq uint64) (*jetstream.RawStreamMsg, error) {
	raw, err := s.dead.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(s.cfg.deadSubject(id)))
	if err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, fmt.Errorf("reading the dead letters of webhook %s: %w", id, err)
	}
	return raw, err
}

func deadLetterOf(raw *jetstream.RawStreamMsg) DeadLetter {
	d := DeadLetter{Seq: raw.Sequence, Subject: raw.Header.Get(headerDeadSubject), Error: raw.Header.Get(headerDeadError), DeadAt: raw.Time.UTC()}
	d.EventSeq, _ = strconv.ParseUint(raw.Header.Get(headerDeadSeq), 10, 64)
	d.Attempts, _ = strconv.Atoi(raw.Header.Get(headerDeadAttempts))
	ce, err := cenats.Decode(raw.Header, raw.Data)
	if err == nil {
		d.Event, err = json.Marshal(ce)
	}
	if err != nil {
		d.Event, _ = json.Marshal(map[string]string{"undecodable": err.Error()})
	}
	return d
}

func (s *Service) deadCount(ctx context.Context, id string) (uint64, error) {
	subj := s.cfg.deadSubject(id)
	info, err := s.dead.Info(ctx, jetstream.WithSubjectFilter(subj))
	if err != nil {
		return 0, fmt.Errorf("counting the dead letters of webhook %s: %w", id, err)
	}
	return info.State.Subjects[subj], nil
}

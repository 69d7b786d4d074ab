package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

const (
	benchSource = "/wabridge-bench"
	sendType    = "io.wabridge.command.send.message"
	payloadSize = 200
)

// rpc compares core request-reply with send.message over the rpc subject.
func (b *bench) rpc(ctx context.Context, name string, c int) ([]Row, error) {
	payload := []byte(filler("echo", payloadSize))
	base, err := drive(ctx, b.with(c), func(ctx context.Context, _, _ int) error {
		ctx, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		reply, err := b.base.nc.RequestWithContext(ctx, rawEcho, payload)
		if err != nil {
			return fmt.Errorf("raw request: %w", err)
		}
		if len(reply.Data) != len(payload) {
			return fmt.Errorf("raw request: echo of %d bytes, sent %d", len(reply.Data), len(payload))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	subject := fmt.Sprintf("wa.%s.rpc.send.message", session)
	wab, err := drive(ctx, b.with(c), func(ctx context.Context, w, i int) error {
		msg, err := sendCommand(subject, fmt.Sprintf("%s-rpc%d-%d", b.run, c, i), phoneFor(w))
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		reply, err := b.wab.nc.RequestMsgWithContext(ctx, msg)
		if err != nil {
			return fmt.Errorf("rpc send.message: %w", err)
		}
		_, err = resultOf(reply.Header, reply.Data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	return compare(name, base, wab), nil
}

// durable compares async JetStream publishing with the durable command
// path: publish, consume, execute, result on WA_EVENTS.
func (b *bench) durable(ctx context.Context) ([]Row, error) {
	payload := []byte(filler("durable", payloadSize))
	base, err := publishAll(ctx, b.base.js, b.load, func(i int) (*nats.Msg, error) {
		return &nats.Msg{Subject: rawSubject, Data: payload}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}

	tr := newTracker()
	stop, err := watch(ctx, b.wab.js, "WA_EVENTS", fmt.Sprintf("wa.%s.result.send.message", session), resultKey, tr)
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	defer stop()
	subject := fmt.Sprintf("wa.%s.cmd.send.message", session)
	var chans []<-chan arrival
	start := time.Now()
	sent, err := publishAll(ctx, b.wab.js, b.load, func(i int) (*nats.Msg, error) {
		id := fmt.Sprintf("%s-cmd-%d", b.run, i)
		chans = append(chans, tr.expect(id))
		return sendCommand(subject, id, phoneFor(i%max(b.load.C, 1)))
	})
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, b.load.Duration+arrivalGrace)
	defer cancel()
	last, err := awaitAll(wctx, chans[:sent.Count])
	if err != nil {
		return nil, fmt.Errorf("wabridge results: %w", err)
	}
	return compare("durable commands", base, Sample{Count: sent.Count, Elapsed: last.Sub(start)}), nil
}

// publishAll async-publishes up to l.N messages (stopping at l.Duration)
// and waits for every PubAck. Elapsed runs until the last ack.
func publishAll(ctx context.Context, js jetstream.JetStream, l Load, next func(i int) (*nats.Msg, error)) (Sample, error) {
	var acks []jetstream.PubAckFuture
	start := time.Now()
	deadline := start.Add(l.Duration)
	for i := 0; i < l.N && time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		msg, err := next(i)
		if err != nil {
			return Sample{}, err
		}
		f, err := js.PublishMsgAsync(msg)
		if err != nil {
			return Sample{}, fmt.Errorf("publishing %d: %w", i, err)
		}
		acks = append(acks, f)
	}
	timer := time.NewTimer(l.Duration + arrivalGrace)
	defer timer.Stop()
	for i, f := range acks {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return Sample{}, fmt.Errorf("publish %d not acked: %w", i, err)
		case <-timer.C:
			return Sample{}, fmt.Errorf("publish %d not acked in time", i)
		case <-ctx.Done():
			return Sample{}, ctx.Err()
		}
	}
	return Sample{Count: len(acks), Elapsed: time.Since(start)}, nil
}

// sendCommand builds a send.message command as a binary-mode NATS message.
func sendCommand(subject, id, phone string) (*nats.Msg, error) {
	e := event.New()
	e.SetID(id)
	e.SetSource(benchSource)
	e.SetType(sendType)
	data := map[string]string{"phone": phone, "message": filler("bench "+id, payloadSize-50)}
	if err := e.SetData(event.ApplicationJSON, data); err != nil {
		return nil, fmt.Errorf("building command %s: %w", id, err)
	}
	msg, err := cenats.NewMsg(subject, e, cenats.Binary)
	if err != nil {
		return nil, fmt.Errorf("encoding command %s: %w", id, err)
	}
	return msg, nil
}

// resultOf decodes a result CloudEvent and fails unless its status is 200.
// It returns the result's causationid, the id of the command it answers.
func resultOf(h nats.Header, data []byte) (string, error) {
	e, err := cenats.Decode(h, data)
	if err != nil {
		return "", fmt.Errorf("decoding result: %w", err)
	}
	cause, _ := e.Extensions()["causationid"].(string)
	var env envelope
	if err := json.Unmarshal(e.Data(), &env); err != nil {
		return cause, fmt.Errorf("result of %s is not an envelope: %w", cause, err)
	}
	if env.Status != http.StatusOK {
		return cause, fmt.Errorf("result of %s: %d %s: %s", cause, env.Status, env.Code, env.Message)
	}
	return cause, nil
}

// resultKey keys a result read from WA_EVENTS by the command it answers.
func resultKey(m jetstream.Msg) (string, error) { return resultOf(m.Headers(), m.Data()) }

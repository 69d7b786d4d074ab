package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

const (
	// opTimeout bounds one request, so a stuck operation ends the loop.
	opTimeout = 30 * time.Second
	// arrivalGrace is how long a flood may wait past -duration for the last
	// messages to become readable.
	arrivalGrace = 30 * time.Second
	session      = "default"
)

// bench is one run: the load shape, both systems under test, and a run id
// that keeps every id and key of this run unique.
type bench struct {
	load  Load
	store StoreLoad
	base  *baseline
	wab   *target
	run   string
	dir   string // the run's temp directory
}

// scenario pairs a baseline with the wabridge path it is the floor of.
type scenario struct {
	Name     string `json:"name"`
	Baseline string `json:"baseline"`
	Wabridge string `json:"wabridge"`
	// session is a session of its own the scenario needs wabridge to run.
	session string
	run     func(b *bench, ctx context.Context) ([]Row, error)
}

// scenarios lists what a run measures, in order; c is the concurrency of
// the concurrent variants, s the sizes of the chat store's scenarios, last.
func scenarios(c int, s StoreLoad) []scenario {
	return slices.Concat(commandScenarios(c), webhookScenarios(c), mediaScenarios(s), replayScenarios(s), storeScenarios(s))
}

func commandScenarios(c int) []scenario {
	return []scenario{
		{Name: "request-reply c=1", Baseline: "core NATS request-reply to an echo responder, ~200 B",
			Wabridge: "send.message over wa.default.rpc (binary CloudEvent)",
			run:      func(b *bench, ctx context.Context) ([]Row, error) { return b.rpc(ctx, "request-reply c=1", 1) }},
		{Name: fmt.Sprintf("request-reply c=%d", c), Baseline: "the same with concurrent requesters on one connection",
			Wabridge: "the same with concurrent requesters on one connection",
			run: func(b *bench, ctx context.Context) ([]Row, error) {
				return b.rpc(ctx, fmt.Sprintf("request-reply c=%d", c), c)
			}},
		{Name: "inbound e2e c=1", Baseline: "JetStream sync publish (file) until a consumer reads it",
			Wabridge: "POST /sandbox/inbound until message.received is read from WA_EVENTS",
			run:      (*bench).inboundLatency},
		{Name: fmt.Sprintf("inbound flood c=%d", c), Baseline: "N JetStream sync publishes until all N are read",
			Wabridge: "N POST /sandbox/inbound until all N message.received are read",
			run:      (*bench).inboundFlood},
		{Name: "REST c=1", Baseline: "bare Gin handler, same JSON in and out, keep-alive",
			Wabridge: "POST /send/message",
			run:      func(b *bench, ctx context.Context) ([]Row, error) { return b.rest(ctx, "REST c=1", 1) }},
		{Name: fmt.Sprintf("REST c=%d", c), Baseline: "the same with concurrent clients",
			Wabridge: "the same with concurrent clients",
			run:      func(b *bench, ctx context.Context) ([]Row, error) { return b.rest(ctx, fmt.Sprintf("REST c=%d", c), c) }},
		{Name: "durable commands", Baseline: "N JetStream async publishes until all N are acked",
			Wabridge: "N commands async-published to wa.default.cmd until all N results are read",
			run:      (*bench).durable},
	}
}

// with returns the load with concurrency c.
func (b *bench) with(c int) Load {
	l := b.load
	l.C = c
	return l
}

// phoneFor gives each worker its own virtual contact, so workers do not
// queue behind one chat's ordering.
func phoneFor(w int) string { return fmt.Sprintf("4917600%06d", w) }

// filler pads a text to about n bytes, so payloads are of a realistic size.
func filler(prefix string, n int) string {
	if len(prefix) >= n {
		return prefix
	}
	return prefix + " " + strings.Repeat("x", n-len(prefix)-1)
}

package commands

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/werr"
)

// CodeOK is the code an Observer is told for a command that succeeded:
// its result carries none (CONTRACT §5).
const CodeOK = "OK"

// Observer is told how every delivery the dispatcher answered ended: the
// metrics of GET /metrics. It runs on the command's goroutine, so it must
// be quick and must not block.
type Observer interface {
	// CommandDone: name as called (it may be unknown to the catalog),
	// code the result's code or CodeOK, d from dispatch to result.
	CommandDone(name, code string, d time.Duration)
	// CommandRejected: a delivery answered before it became a command
	// (not a CloudEvent, its session busy, past its expiry: Reject);
	// nothing ran, so it has no duration.
	CommandRejected(name, code string)
}

// ResultCodes are every code a command result can carry, CodeOK included:
// the closed catalog an Observer may bound its labels by.
func ResultCodes() []string {
	out := append([]string{CodeOK}, sortedKeys(errorCodes)...)
	return slices.Compact(out)
}

// observe tells the observer about res, once Dispatch has it.
func (d *Dispatcher) observe(name string, start time.Time, res *Result) {
	if d.cfg.Observer == nil {
		return
	}
	d.cfg.Observer.CommandDone(name, resultCode(res.Event), time.Since(start))
}

// observeRejected tells the observer about a delivery Reject answered.
func (d *Dispatcher) observeRejected(name string, err error) {
	if d.cfg.Observer != nil {
		d.cfg.Observer.CommandRejected(name, werr.From(err).Code)
	}
}

// resultCode reads the code of a result event without decoding its data:
// ResultData marshals status and code first, so for a success (status
// below 400) the scan stops at the first later field, before a large
// result's data. A result whose data is not such an object counts as
// INTERNAL_ERROR rather than passing as a success.
func resultCode(ev cloudevent.Event) string {
	dec := json.NewDecoder(bytes.NewReader(ev.Data()))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return werr.CodeInternal
	}
	status := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return werr.CodeInternal
		}
		switch key {
		case "status":
			if err := dec.Decode(&status); err != nil {
				return werr.CodeInternal
			}
			continue
		case "code":
			var code string
			if err := dec.Decode(&code); err != nil || code == "" {
				return werr.CodeInternal
			}
			return code
		}
		if status > 0 && status < 400 {
			return CodeOK
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return werr.CodeInternal
		}
	}
	if status > 0 && status < 400 {
		return CodeOK
	}
	return werr.CodeInternal
}

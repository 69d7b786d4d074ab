package commands

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/wabridge/wabridge/internal/werr"
)

// TypePrefix starts the CloudEvent type of every command.
const TypePrefix = "io.wabridge.command."

// Spec is one command: its CloudEvent type is TypeOf(Name), its data is
// validated against Schema, Run executes it, and the REST adapter serves it
// at Method Path.
type Spec struct {
	Name   string // e.g. "send.message"
	Method string // REST method of the reference API, e.g. "POST"
	Path   string // REST path in gin syntax, e.g. "/message/:message_id/revoke"
	Schema string // path in package schemas, e.g. "commands/send.message.json"
	// Run decodes payload (already valid against Schema) into the command's
	// typed payload and executes it.
	Run func(ctx context.Context, env Env, payload json.RawMessage) (any, error)
	// Volatile answers describe the moment (a QR code, the devices now):
	// they are not kept for idempotency, so a repeat asks again and a
	// polling client does not fill the store.
	Volatile bool
}

type runFunc = func(ctx context.Context, env Env, payload json.RawMessage) (any, error)

// TypeOf is the CloudEvent type of the command name.
func TypeOf(name string) string { return TypePrefix + name }

// ResultTypeOf is the CloudEvent type of the command name's result.
func ResultTypeOf(name string) string { return TypeOf(name) + ".result" }

// handle adapts a handler of a typed payload P to Spec.Run. Unknown fields
// are rejected here too, so a schema that forgot additionalProperties does
// not let typos through silently.
func handle[P any](fn func(ctx context.Context, env Env, p P) (any, error)) runFunc {
	return func(ctx context.Context, env Env, payload json.RawMessage) (any, error) {
		var p P
		if len(bytes.TrimSpace(payload)) > 0 {
			dec := json.NewDecoder(bytes.NewReader(payload))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil {
				return nil, werr.Invalid(werr.CodeInvalidPayload, "data does not decode: %v", err)
			}
		}
		return fn(ctx, env, p)
	}
}

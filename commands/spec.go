package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/wabridge/wabridge/internal/ident"
	"reflect"

	"github.com/wabridge/wabridge/internal/werr"
)

// TypePrefix starts the CloudEvent type of every command.
const TypePrefix = ident.CommandTypePrefix

// Kind says what a command does to the world (CONTRACT §6).
type Kind uint8

const (
	// Effect commands change something (send, log out, join): they are kept
	// for idempotency, so a repeat has its effect once, and their results
	// go to the audit stream.
	Effect Kind = iota + 1
	// Query commands only read (user.*, chat.list, app.login, …): a repeat
	// asks again, nothing is kept and nothing is audited, so a login page
	// polling app.login or a client polling app.devices fills no store.
	Query
)

func (k Kind) String() string {
	switch k {
	case Effect:
		return "effect"
	case Query:
		return "query"
	}
	return "unset"
}

// Spec is one command: its CloudEvent type is TypeOf(Name), its data is
// validated against Schema, Run executes it, and the REST adapter serves it
// at Method Path.
type Spec struct {
	Name   string // e.g. "send.message"
	Kind   Kind
	Method string // REST method of the reference API, e.g. "POST"
	Path   string // REST path in gin syntax, e.g. "/message/:message_id/revoke"
	Schema string // path in package schemas, e.g. "commands/send.message.json"
	// Run decodes payload (already valid against Schema) into the command's
	// typed payload and executes it.
	Run func(ctx context.Context, env Env, payload json.RawMessage) (any, error)
	// Port is the interface the command needs of a session (declared in the
	// command's file); Ports embeds every one of them.
	Port reflect.Type
}

// IsQuery reports whether the command only reads.
func (s Spec) IsQuery() bool { return s.Kind == Query }

type runFunc = func(ctx context.Context, env Env, payload json.RawMessage) (any, error)

// handler is a command's Run with the port it needs.
type handler struct {
	run  runFunc
	port reflect.Type
}

// TypeOf is the CloudEvent type of the command name.
func TypeOf(name string) string { return TypePrefix + name }

// ResultTypeOf is the CloudEvent type of the command name's result.
func ResultTypeOf(name string) string { return TypeOf(name) + ".result" }

// handle adapts a handler that needs port X of the session and takes a typed
// payload P to Spec.Run. Unknown fields are rejected here too, so a schema
// that forgot additionalProperties does not let typos through silently.
func handle[X, P any](fn func(ctx context.Context, x X, env Env, p P) (any, error)) handler {
	run := func(ctx context.Context, env Env, payload json.RawMessage) (any, error) {
		var p P
		if len(bytes.TrimSpace(payload)) > 0 {
			dec := json.NewDecoder(bytes.NewReader(payload))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil {
				return nil, werr.Invalid(werr.CodeInvalidPayload, "data does not decode: %v", err)
			}
		}
		x, err := port[X](env)
		if err != nil {
			return nil, err
		}
		return fn(ctx, x, env, p)
	}
	return handler{run: run, port: reflect.TypeFor[X]()}
}

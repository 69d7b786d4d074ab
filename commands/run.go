package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/wabridge/wabridge/internal/werr"
)

// run executes the handler; a panic becomes an INTERNAL_ERROR result rather
// than taking the process (and every other session) down.
func (d *Dispatcher) run(ctx context.Context, spec Spec, env Env, payload json.RawMessage) (data any, err error) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("command handler panicked", "session", env.SessionName, "command", spec.Name,
				"ce_id", env.Command.ID(), "panic", r, "stack", string(debug.Stack()))
			data, err = nil, werr.Wrap(fmt.Errorf("panic: %v", r), werr.KindInternal, werr.CodeInternal, "internal error")
		}
	}()
	data, err = spec.Run(ctx, env, payload)
	if err != nil {
		return nil, contextError(ctx, err)
	}
	return data, nil
}

// contextError gives a handler error without a kind the kind of the
// context's end, so that a deadline is reported as TIMEOUT and not as an
// internal error.
func contextError(ctx context.Context, err error) error {
	var we *werr.Error
	if errors.As(err, &we) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout, "the command did not finish in time")
	}
	if errors.Is(err, context.Canceled) {
		return werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout, "the command was cancelled before it finished")
	}
	return err
}

// Package lifecycle runs the components of a process (DESIGN.md
// §Lifecycle): it starts them in order, stops them in reverse order, each
// with its own time budget, and reports readiness as the conjunction of
// theirs. A new capability adds a component, not lines in main.
//
// It imports nothing of the project.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Component is one part of the process. Start returns once the component
// works (background goroutines it starts are its own, and Stop waits for
// them); Stop undoes Start and returns once everything it started ended.
type Component interface {
	Name() string
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// Readier is a component that can say whether it is ready, with details
// for /readyz. A component without it is ready once started.
type Readier interface {
	Ready(ctx context.Context) (details any, err error)
}

// Budgeted is a component that needs another stop budget than the
// runner's default (a drain of in-flight commands, a flush).
type Budgeted interface {
	StopBudget() time.Duration
}

// Func makes a component of two functions; either may be nil.
type Func struct {
	ID      string
	OnStart func(ctx context.Context) error
	OnStop  func(ctx context.Context) error
}

func (f Func) Name() string { return f.ID }

func (f Func) Start(ctx context.Context) error {
	if f.OnStart == nil {
		return nil
	}
	return f.OnStart(ctx)
}

func (f Func) Stop(ctx context.Context) error {
	if f.OnStop == nil {
		return nil
	}
	return f.OnStop(ctx)
}

// Runner starts and stops components.
type Runner struct {
	// StopBudget is each component's time to stop unless it says otherwise;
	// default 10s.
	StopBudget time.Duration
	Log        *slog.Logger

	mu      sync.Mutex
	started []Component
	stopped bool
}

// Start starts each component in order. If one fails, those already
// started are stopped (in reverse) and the error is returned.
func (r *Runner) Start(ctx context.Context, components ...Component) error {
	for _, c := range components {
		r.mu.Lock()
		if r.stopped {
			r.mu.Unlock()
			return errors.New("lifecycle: runner already stopped")
		}
		r.mu.Unlock()
		if err := c.Start(ctx); err != nil {
			err = fmt.Errorf("starting %s: %w", c.Name(), err)
			return errors.Join(err, r.Stop())
		}
		r.mu.Lock()
		r.started = append(r.started, c)
		r.mu.Unlock()
		r.log().Debug("component started", "component", c.Name())
	}
	return nil
}

// Stop stops every started component in reverse order, each within its
// budget, and joins their errors. It is safe to call more than once.
func (r *Runner) Stop() error {
	r.mu.Lock()
	started := r.started
	r.started, r.stopped = nil, true
	r.mu.Unlock()
	var errs []error
	for i := len(started) - 1; i >= 0; i-- {
		c := started[i]
		ctx, cancel := context.WithTimeout(context.Background(), r.budget(c))
		err := c.Stop(ctx)
		cancel()
		if err != nil {
			r.log().Warn("component did not stop cleanly", "component", c.Name(), "err", err)
			errs = append(errs, fmt.Errorf("stopping %s: %w", c.Name(), err))
			continue
		}
		r.log().Debug("component stopped", "component", c.Name())
	}
	return errors.Join(errs...)
}

// Ready asks every started component that can tell; the process is ready
// when all are. details has one entry per such component.
func (r *Runner) Ready(ctx context.Context) (map[string]any, error) {
	r.mu.Lock()
	started := append([]Component(nil), r.started...)
	stopped := r.stopped
	r.mu.Unlock()
	details := map[string]any{}
	var errs []error
	if stopped {
		errs = append(errs, errors.New("stopping"))
	}
	for _, c := range started {
		rd, ok := c.(Readier)
		if !ok {
			continue
		}
		d, err := rd.Ready(ctx)
		entry := map[string]any{"ready": err == nil}
		if d != nil {
			entry["details"] = d
		}
		if err != nil {
			entry["error"] = err.Error()
			errs = append(errs, fmt.Errorf("%s: %w", c.Name(), err))
		}
		details[c.Name()] = entry
	}
	return details, errors.Join(errs...)
}

func (r *Runner) budget(c Component) time.Duration {
	if b, ok := c.(Budgeted); ok && b.StopBudget() > 0 {
		return b.StopBudget()
	}
	if r.StopBudget > 0 {
		return r.StopBudget
	}
	return 10 * time.Second
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

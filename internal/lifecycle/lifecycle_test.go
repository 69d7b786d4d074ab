package lifecycle_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/lifecycle"
)

type rec struct{ log []string }

func (r *rec) comp(name string, startErr error) lifecycle.Func {
	return lifecycle.Func{
		ID:      name,
		OnStart: func(context.Context) error { r.log = append(r.log, "start "+name); return startErr },
		OnStop:  func(context.Context) error { r.log = append(r.log, "stop "+name); return nil },
	}
}

func TestRunnerStartsInOrderStopsInReverse(t *testing.T) {
	var r rec
	run := &lifecycle.Runner{}
	if err := run.Start(context.Background(), r.comp("a", nil), r.comp("b", nil), r.comp("c", nil)); err != nil {
		t.Fatal(err)
	}
	if err := run.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := run.Stop(); err != nil { // a second stop does nothing
		t.Fatal(err)
	}
	want := []string{"start a", "start b", "start c", "stop c", "stop b", "stop a"}
	if !slices.Equal(r.log, want) {
		t.Fatalf("got %v, want %v", r.log, want)
	}
}

// A failing start stops what was started before it, and nothing after it
// starts.
func TestRunnerUndoesAFailedStart(t *testing.T) {
	var r rec
	boom := errors.New("boom")
	run := &lifecycle.Runner{}
	err := run.Start(context.Background(), r.comp("a", nil), r.comp("b", boom), r.comp("c", nil))
	if !errors.Is(err, boom) {
		t.Fatalf("Start = %v, want boom", err)
	}
	want := []string{"start a", "start b", "stop a"}
	if !slices.Equal(r.log, want) {
		t.Fatalf("got %v, want %v", r.log, want)
	}
}

type slow struct {
	lifecycle.Func
	budget time.Duration
	got    time.Duration
}

func (s *slow) StopBudget() time.Duration { return s.budget }
func (s *slow) Stop(ctx context.Context) error {
	dl, _ := ctx.Deadline()
	s.got = time.Until(dl)
	return nil
}

// Each component stops within its own budget.
func TestRunnerGivesEachItsBudget(t *testing.T) {
	s := &slow{Func: lifecycle.Func{ID: "slow"}, budget: time.Hour}
	run := &lifecycle.Runner{StopBudget: time.Second}
	if err := run.Start(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	_ = run.Stop()
	if s.got < time.Minute {
		t.Fatalf("stop budget %s, want the component's hour", s.got)
	}
}

type readyComp struct {
	lifecycle.Func
	err error
}

func (c readyComp) Ready(context.Context) (any, error) { return map[string]int{"n": 1}, c.err }

func TestRunnerReadyIsTheConjunction(t *testing.T) {
	run := &lifecycle.Runner{}
	notYet := errors.New("not yet")
	if err := run.Start(context.Background(),
		readyComp{Func: lifecycle.Func{ID: "ok"}},
		readyComp{Func: lifecycle.Func{ID: "late"}, err: notYet},
		lifecycle.Func{ID: "plain"}); err != nil {
		t.Fatal(err)
	}
	details, err := run.Ready(context.Background())
	if !errors.Is(err, notYet) {
		t.Fatalf("Ready = %v, want not yet", err)
	}
	if len(details) != 2 || details["ok"].(map[string]any)["ready"] != true || details["late"].(map[string]any)["ready"] != false {
		t.Fatalf("details %v", details)
	}
	_ = run.Stop()
	if _, err := run.Ready(context.Background()); err == nil {
		t.Fatal("a stopped runner says it is ready")
	}
}

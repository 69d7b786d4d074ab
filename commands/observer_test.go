package commands_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/werr"
)

// observed is one call of an Observer.
type observed struct {
	name, code string
	timed      bool
}

type fakeObserver struct {
	mu    sync.Mutex
	calls []observed
}

func (o *fakeObserver) CommandDone(name, code string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, observed{name: name, code: code, timed: d > 0})
}

func (o *fakeObserver) CommandRejected(name, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, observed{name: name, code: code})
}

func (o *fakeObserver) take() []observed {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.calls
	o.calls = nil
	return out
}

func observedRig(t *testing.T) (*rig, *fakeObserver) {
	t.Helper()
	r := newRig(t)
	obs := &fakeObserver{}
	cfg := r.config(t)
	cfg.Observer = obs
	r.d = newDispatcher(t, cfg)
	return r, obs
}

// TestObserverSeesEveryOutcomeWithItsCode: each delivery is observed once,
// with the code its result carries (OK for a success), for rpc and durable
// deliveries, replays, rejections and transient failures alike.
func TestObserverSeesEveryOutcomeWithItsCode(t *testing.T) {
	r, obs := observedRig(t)
	ctx := context.Background()
	steps := []struct {
		name string
		run  func() commands.Result
		want observed
	}{
		{"success", func() commands.Result {
			return execute(r.d, ctx, "default", "send.message", command(t, "send.message", "1", okText))
		}, observed{"send.message", "OK", true}},
		{"replayed success", func() commands.Result {
			return execute(r.d, ctx, "default", "send.message", command(t, "send.message", "1", okText))
		}, observed{"send.message", "OK", true}},
		{"schema violation", func() commands.Result {
			return execute(r.d, ctx, "default", "send.message", command(t, "send.message", "2", `{"message":""}`))
		}, observed{"send.message", "INVALID_PAYLOAD", true}},
		{"unknown command", func() commands.Result {
			return execute(r.d, ctx, "default", "no.such", command(t, "no.such", "3", `{}`))
		}, observed{"no.such", "UNKNOWN_COMMAND", true}},
		{"unknown session", func() commands.Result {
			return execute(r.d, ctx, "other", "send.message", command(t, "send.message", "4", okText))
		}, observed{"send.message", "SESSION_NOT_FOUND", true}},
		{"durable transient failure", func() commands.Result {
			r.sess.err = werr.New(werr.KindNotConnected, werr.CodeNotConnected, "not connected")
			defer func() { r.sess.err = nil }()
			return durable(r.d, ctx, "send.message", command(t, "send.message", "5", okText), fixedNow)
		}, observed{"send.message", "NOT_CONNECTED", true}},
	}
	for _, s := range steps {
		res := s.run()
		got := obs.take()
		if len(got) != 1 || got[0] != s.want {
			t.Fatalf("%s: observed %+v, want [%+v]", s.name, got, s.want)
		}
		if code := decode(t, res.Event).Code; code != s.want.code && (code != "" || s.want.code != commands.CodeOK) {
			t.Fatalf("%s: the result carries %q, the observer was told %q", s.name, code, s.want.code)
		}
	}
	r.d.Reject("default", "send.message", werr.New(werr.KindBusy, werr.CodeBusy, "busy"))
	if got := obs.take(); !slices.Equal(got, []observed{{name: "send.message", code: "BUSY"}}) {
		t.Fatalf("reject observed %+v", got)
	}
}

// TestResultCodesAreTheCatalog: the codes an observer bounds its labels
// by hold OK and every code of the error catalog, once each.
func TestResultCodesAreTheCatalog(t *testing.T) {
	codes := commands.ResultCodes()
	for _, want := range append(werrCodes(t), commands.CodeOK, "BUS_UNAVAILABLE") {
		if !slices.Contains(codes, want) {
			t.Errorf("%s missing from %v", want, codes)
		}
	}
	sorted := slices.Clone(codes)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(codes) {
		t.Errorf("duplicates in %v", codes)
	}
}

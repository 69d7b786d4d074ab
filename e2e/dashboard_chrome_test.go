package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumEnv names the browser the dashboard test must use; CI sets it.
const chromiumEnv = "WABRIDGE_TEST_CHROMIUM"

// chromiumPath is the browser to drive: the one chromiumEnv names (the test
// then fails if it does not start), else the first on PATH; without any
// the test is skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skipf("no Chromium: %s is unset and none of chromium, chromium-browser, google-chrome is on PATH", chromiumEnv)
	return ""
}

// browser is one headless Chromium tab. Script exceptions and CSP refusals
// the page runs into are collected and fail the test at its end.
type browser struct {
	t   *testing.T
	ctx context.Context
	mu  sync.Mutex
	bad []string
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // tests run as root in CI, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	br := &browser{t: t, ctx: ctx}
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Func(func(context.Context, *chromedp.Target) error { return nil })); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, br.watch); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		br.mu.Lock()
		defer br.mu.Unlock()
		for _, b := range br.bad {
			t.Errorf("in the page: %s", b)
		}
	})
	return br
}

func (br *browser) watch(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if strings.Contains(ev.Entry.Text, "Content Security Policy") {
			msg = "CSP: " + ev.Entry.Text
		}
	}
	if msg != "" {
		br.mu.Lock()
		br.bad = append(br.bad, msg)
		br.mu.Unlock()
	}
}

// do runs actions, each step bounded so a page that never gets there fails
// the test instead of hanging it.
func (br *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		br.t.Fatalf("%s: %v", what, err)
	}
}

// until waits for a JavaScript expression to be truthy and returns its
// value; on timeout it fails with what describe (an expression) says about
// the page then.
func until[T any](br *browser, what, expr, describe string) T {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		state, _ := chromedp.Run(br.ctx, chromedp.Evaluate[string](describe))
		br.t.Fatalf("%s: %v; page: %s", what, err, state)
	}
	return v
}

// eval evaluates expr, awaiting it when it is a promise.
func eval[T any](br *browser, expr string) T {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		var exc *chromedp.ExceptionError
		if errors.As(err, &exc) {
			br.t.Fatalf("evaluating %.80s: %s", expr, exc.Error())
		}
		br.t.Fatalf("evaluating %.80s: %v", expr, err)
	}
	return v
}

// rest calls the bridge with the bearer token, failing on any non-200.
func rest(b *bridgeProc, token, method, path, session string, body any) envelope {
	b.t.Helper()
	h := map[string]string{"Authorization": "Bearer " + token}
	if session != "" {
		h["X-Session"] = session
	}
	status, env := b.do(method, path, body, h)
	if status != http.StatusOK {
		b.t.Fatalf("%s %s: %d %s %s", method, path, status, env.Code, env.Message)
	}
	return env
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return fmt.Sprintf("%q", s) }

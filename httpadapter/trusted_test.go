package httpadapter_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/safebuf"
)

func TestCommandCarriesTrustMarkAndDeadline(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	const timeout = 7 * time.Second
	var logs safebuf.Buffer
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.InternalToken = "internal-tok-9f3"
		c.Timeout = timeout
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	untrusted := newServer(t, nc, nil)

	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/send/message", `{"phone":"4917612345678","message":"hi"}`},
		{http.MethodGet, "/user/info?phone=4917612345678", ""},
	} {
		before := time.Now()
		resp, env := call(t, srv, tc.method, tc.path, tc.body, nil)
		after := time.Now()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %v", tc.method, tc.path, resp.StatusCode, env)
		}
		e := echoOf(t, env)
		if e.Internal != "internal-tok-9f3" {
			t.Errorf("%s: internal header %q", tc.path, e.Internal)
		}
		exp, err := time.Parse(time.RFC3339, e.ExpiryTime)
		if err != nil {
			t.Fatalf("%s: expirytime %q is not RFC 3339: %v", tc.path, e.ExpiryTime, err)
		}
		// The moment the adapter gives up waiting: its timeout after the
		// request arrived.
		if exp.Before(before.Add(timeout).Truncate(time.Second)) || exp.After(after.Add(timeout)) {
			t.Errorf("%s: expirytime %s, want %s + %s", tc.path, exp, before, timeout)
		}
	}

	resp, env := call(t, untrusted, http.MethodGet, "/user/info", "", nil)
	if e := echoOf(t, env); resp.StatusCode != http.StatusOK || e.Internal != "" {
		t.Errorf("adapter without a token sent internal header %q (%d)", e.Internal, resp.StatusCode)
	}
	srv.Close()
	if strings.Contains(logs.String(), "internal-tok-9f3") {
		t.Errorf("the internal token reached the log:\n%s", logs.String())
	}
}

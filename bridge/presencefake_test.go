package bridge_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow/types"
)

// presenceFake is the tests' fake client plus the presence and call
// calls, recorded as whatsmeow would receive them.
type presenceFake struct {
	*fakeClient

	mu    sync.Mutex
	calls []string
	err   error
	// rejected is signalled on every RejectCall: rejecting runs in the
	// background.
	rejected chan string
}

func (f *presenceFake) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.calls = append(f.calls, call)
	return nil
}

func (f *presenceFake) SendPresence(_ context.Context, state types.Presence) error {
	return f.record(fmt.Sprintf("presence %q", state))
}

func (f *presenceFake) SendChatPresence(_ context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error {
	return f.record(fmt.Sprintf("chat %s %q %q", jid, state, media))
}

func (f *presenceFake) SubscribePresence(_ context.Context, jid types.JID) error {
	return f.record("subscribe " + jid.String())
}

func (f *presenceFake) RejectCall(_ context.Context, from types.JID, callID string) error {
	err := f.record(fmt.Sprintf("reject %s %s", from, callID))
	f.rejected <- callID
	return err
}

func (f *presenceFake) presenceCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *presenceFake) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// presenceEnv is newEnv whose clients are presenceFakes, with the
// Manager's configuration adjusted by change; it returns the default
// session's, logged in and connected.
func presenceEnv(t *testing.T, change func(*bridgeConfig)) (*env, *presenceFake) {
	t.Helper()
	return wrappedEnv(t, func(c *fakeClient) *presenceFake {
		return &presenceFake{fakeClient: c, rejected: make(chan string, 8)}
	}, change)
}

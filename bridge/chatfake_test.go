package bridge_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/types"
)

// chatFake is the tests' fake client plus the app-state and read-receipt
// calls, recorded as whatsmeow would receive them.
type chatFake struct {
	*fakeClient

	mu      sync.Mutex
	patches []appstate.PatchInfo
	reads   []readCall
	err     error // returned by the next calls when set
}

type readCall struct {
	IDs          []types.MessageID
	At           time.Time
	Chat, Sender types.JID
	Extra        []types.ReceiptType
}

func (f *chatFake) SendAppState(_ context.Context, patch appstate.PatchInfo) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.patches = append(f.patches, patch)
	return nil
}

func (f *chatFake) MarkRead(_ context.Context, ids []types.MessageID, at time.Time, chat, sender types.JID, extra ...types.ReceiptType) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.reads = append(f.reads, readCall{IDs: ids, At: at, Chat: chat, Sender: sender, Extra: extra})
	return nil
}

func (f *chatFake) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *chatFake) sentPatches() []appstate.PatchInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]appstate.PatchInfo(nil), f.patches...)
}

func (f *chatFake) readCalls() []readCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]readCall(nil), f.reads...)
}

// chatEnv is newEnv whose clients are chatFakes; it returns the default
// session's, logged in and connected.
func chatEnv(t *testing.T) (*env, *chatFake) {
	t.Helper()
	return wrappedEnv(t, func(c *fakeClient) *chatFake { return &chatFake{fakeClient: c} }, nil)
}

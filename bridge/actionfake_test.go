package bridge_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/bridge"
)

// actionFake is chatFake plus group metadata and a network clock, for
// reactions, edits, revokes and deletes.
type actionFake struct {
	*chatFake

	amu    sync.Mutex
	admins []types.JID // admins of every group the fake is asked about
	now    time.Time   // the network's clock; zero means fixedTime
}

var _ bridge.Client = (*actionFake)(nil)

func (f *actionFake) GetGroupInfo(_ context.Context, jid types.JID) (*types.GroupInfo, error) {
	f.amu.Lock()
	defer f.amu.Unlock()
	info := &types.GroupInfo{JID: jid, Participants: []types.GroupParticipant{{JID: alicePN}}}
	for _, a := range f.admins {
		info.Participants = append(info.Participants, types.GroupParticipant{JID: a, IsAdmin: true})
	}
	return info, nil
}

func (f *actionFake) Now() time.Time {
	f.amu.Lock()
	defer f.amu.Unlock()
	if f.now.IsZero() {
		return fixedTime
	}
	return f.now
}

func (f *actionFake) setNow(t time.Time) {
	f.amu.Lock()
	defer f.amu.Unlock()
	f.now = t
}

func (f *actionFake) setAdmins(admins ...types.JID) {
	f.amu.Lock()
	defer f.amu.Unlock()
	f.admins = admins
}

func actionEnv(t *testing.T) (*env, *actionFake) {
	t.Helper()
	return wrappedEnv(t, func(c *fakeClient) *actionFake {
		return &actionFake{chatFake: &chatFake{fakeClient: c}}
	}, nil)
}

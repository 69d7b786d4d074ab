package bridge_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/safebuf"
	istore "github.com/wabridge/wabridge/internal/store"
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
	dir := t.TempDir()
	db, err := istore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	devices, err := bridge.OpenDeviceStore(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = devices.Close() })
	e := &env{t: t, db: db, devices: devices, sink: newRecordingSink(t, db), fakes: newFakes(), qrOut: &safebuf.Buffer{}}
	var mu sync.Mutex
	var last *actionFake
	e.startWith(func(c *bridgeConfig) {
		base := c.NewClient
		c.NewClient = func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
			f := &actionFake{chatFake: &chatFake{fakeClient: base(session, dev, log).(*fakeClient)}}
			mu.Lock()
			last = f
			mu.Unlock()
			return f
		}
	}, "default")
	e.loggedInConnected("default")
	mu.Lock()
	defer mu.Unlock()
	return e, last
}

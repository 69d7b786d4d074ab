package bridge_test

import (
	"context"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
)

// pollFake is the fake client with whatsmeow's own poll code: building
// uses nothing of the client, decrypting reads the device store, where the
// real client keeps every poll's secret. It wraps rather than extends
// fakeClient so that fakes embedding both it and UnsupportedClient stay
// unambiguous.
type pollFake struct{ *fakeClient }

var _ bridge.Client = pollFake{}

// newPollEnv is an env whose clients can build polls and decrypt votes.
func newPollEnv(t *testing.T) *env {
	e := newEnv(t)
	e.mgr.Close()
	inner := e.fakes.factory()
	e.startWith(func(c *bridgeConfig) {
		c.NewClient = func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
			return pollFake{inner(session, dev, log).(*fakeClient)}
		}
	})
	return e
}

func (f pollFake) BuildPollCreation(name string, options []string, selectable int) *waE2E.Message {
	return (*whatsmeow.Client)(nil).BuildPollCreation(name, options, selectable)
}

// DecryptPollVote is whatsmeow's own decryption over the fake's device
// store, where the real client keeps every poll's secret.
func (f pollFake) DecryptPollVote(ctx context.Context, vote *waEvents.Message) (*waE2E.PollVoteMessage, error) {
	return whatsmeow.NewClient(f.dev, nil).DecryptPollVote(ctx, vote)
}

// memSecrets is a message secret store in memory, for a voter's client.
type memSecrets struct {
	mu sync.Mutex
	m  map[string][]byte
}

var _ store.MsgSecretStore = (*memSecrets)(nil)

func secretKey(chat, sender types.JID, id types.MessageID) string {
	return chat.ToNonAD().String() + "|" + sender.ToNonAD().String() + "|" + id
}

func (s *memSecrets) PutMessageSecrets(ctx context.Context, in []store.MessageSecretInsert) error {
	for _, x := range in {
		_ = s.PutMessageSecret(ctx, x.Chat, x.Sender, x.ID, x.Secret)
	}
	return nil
}

func (s *memSecrets) PutMessageSecret(_ context.Context, chat, sender types.JID, id types.MessageID, secret []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[secretKey(chat, sender, id)] = secret
	return nil
}

func (s *memSecrets) GetMessageSecret(_ context.Context, chat, sender types.JID, id types.MessageID) ([]byte, types.JID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[secretKey(chat, sender, id)], sender.ToNonAD(), nil
}

// voteOf is a vote by voter for options of the poll pollInfo describes
// (from the voter's point of view), encrypted by whatsmeow's own
// BuildPollVote with the poll's secret, as the voter's phone does.
func voteOf(ctx context.Context, voter types.JID, pollInfo types.MessageInfo, secret []byte, options ...string) (*waE2E.Message, error) {
	secrets := &memSecrets{}
	_ = secrets.PutMessageSecret(ctx, pollInfo.Chat, pollInfo.Sender, pollInfo.ID, secret)
	cli := whatsmeow.NewClient(&store.Device{ID: &voter, MsgSecrets: secrets}, nil)
	return cli.BuildPollVote(ctx, &pollInfo, options)
}

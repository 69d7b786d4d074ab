package bridge_test

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

var bobPN = types.NewJID("4917611111111", types.DefaultUserServer)

// voteEvent is a vote as whatsmeow hands it over: a PollUpdateMessage from
// voter in chat. Its sender timestamp is fixed for the golden files (it is
// outside the encrypted part).
func voteEvent(t *testing.T, chat, voter types.JID, id string, vote *waE2E.Message) *waEvents.Message {
	t.Helper()
	vote.PollUpdateMessage.SenderTimestampMS = proto.Int64(fixedTime.UnixMilli())
	return &waEvents.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: voter, IsGroup: chat.Server == types.GroupServer},
			ID:            id, Timestamp: fixedTime,
		},
		Message: vote,
	}
}

// TestPollVoteOnOwnPollIsDecryptedAndNamed: a poll sent through the
// bridge, a vote by the recipient encrypted by whatsmeow's own
// BuildPollVote, decrypted by whatsmeow's DecryptPollVote with the secret
// whatsmeow keeps, named from the raw cache.
func TestPollVoteOnOwnPollIsDecryptedAndNamed(t *testing.T) {
	ctx := context.Background()
	e := newPollEnv(t)
	c := e.loggedInConnected("default")
	res, err := e.session("default").SendPoll(ctx, bridge.SendPollRequest{
		To: alicePN.User, Question: "Lunch?", Options: []string{"Pizza", "Sushi", "Salad"}, Key: "poll-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Commit(res.Cache); err != nil {
		t.Fatal(err)
	}
	secret := c.sentMessages()[0].Msg.GetMessageContextInfo().GetMessageSecret()
	// What whatsmeow's SendMessage does with a message carrying a secret.
	if err := c.dev.MsgSecrets.PutMessageSecret(ctx, alicePN, *c.dev.ID, types.MessageID(res.WAID), secret); err != nil {
		t.Fatal(err)
	}
	// From Alice's phone the poll is in her chat with us, sent by us.
	vote, err := voteOf(ctx, alicePN, types.MessageInfo{MessageSource: types.MessageSource{Chat: ownPN, Sender: ownPN}, ID: res.WAID}, secret, "Salad", "Pizza")
	if err != nil {
		t.Fatal(err)
	}
	e.sink.reset()
	if !c.push(voteEvent(t, alicePN, alicePN, "3EB0VOTE0001", vote)) {
		t.Fatal("vote not handled")
	}
	got := e.sink.ofType(events.TypePollVote)
	if len(got) != 1 {
		t.Fatalf("%d poll.vote events, want 1", len(got))
	}
	d := got[0].Data.(events.PollVote)
	if want := []string{"Pizza", "Salad"}; len(d.Options) != 2 || d.Options[0] != want[0] || d.Options[1] != want[1] {
		t.Fatalf("options %v, want %v (names in the poll's order)", d.Options, want)
	}
	if d.PollID != res.MessageID {
		t.Fatalf("poll_id %s, want the send's message id %s", d.PollID, res.MessageID)
	}
	golden(t, "poll_vote_own_poll", got[0])
}

// TestPollVoteInGroupOnSomeoneElsesPoll: Alice's poll in a group (its
// secret kept by whatsmeow when it arrived), Bob votes; the poll id is
// Alice's, from our point of view.
func TestPollVoteInGroupOnSomeoneElsesPoll(t *testing.T) {
	ctx := context.Background()
	e := newPollEnv(t)
	c := e.loggedInConnected("default")
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(i)
	}
	poll := incoming(group, "3EB0POLL0002", "")
	poll.Message = &waE2E.Message{
		PollCreationMessageV3: &waE2E.PollCreationMessage{Name: proto.String("Where?"), Options: []*waE2E.PollCreationMessage_Option{
			{OptionName: proto.String("Here")}, {OptionName: proto.String("There")},
		}},
		MessageContextInfo: &waE2E.MessageContextInfo{MessageSecret: secret},
	}
	if !c.push(poll) {
		t.Fatal("poll not handled")
	}
	if err := c.dev.MsgSecrets.PutMessageSecret(ctx, group, alicePN, "3EB0POLL0002", secret); err != nil {
		t.Fatal(err)
	}
	vote, err := voteOf(ctx, bobPN, types.MessageInfo{MessageSource: types.MessageSource{Chat: group, Sender: alicePN, IsGroup: true}, ID: "3EB0POLL0002"}, secret, "There")
	if err != nil {
		t.Fatal(err)
	}
	e.sink.reset()
	if !c.push(voteEvent(t, group, bobPN, "3EB0VOTE0002", vote)) {
		t.Fatal("vote not handled")
	}
	got := e.sink.ofType(events.TypePollVote)
	if len(got) != 1 {
		t.Fatalf("%d poll.vote events, want 1", len(got))
	}
	golden(t, "poll_vote_group", got[0])
}

// TestPollVoteWithoutSecretIsAckedWithoutEvent: a vote on a poll this
// device never saw cannot be decrypted, now or on redelivery.
func TestPollVoteWithoutSecretIsAckedWithoutEvent(t *testing.T) {
	ctx := context.Background()
	e := newPollEnv(t)
	c := e.loggedInConnected("default")
	vote, err := voteOf(ctx, alicePN, types.MessageInfo{MessageSource: types.MessageSource{Chat: ownPN, Sender: ownPN}, ID: "3EB0UNKNOWN"}, make([]byte, 32), "x")
	if err != nil {
		t.Fatal(err)
	}
	e.sink.reset()
	if !c.push(voteEvent(t, alicePN, alicePN, "3EB0VOTE0003", vote)) {
		t.Fatal("an undecryptable vote must be acked")
	}
	if n := len(e.sink.ofType(events.TypePollVote)); n != 0 {
		t.Fatalf("%d poll.vote events, want 0", n)
	}
}

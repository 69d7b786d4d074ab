package transport_test

import (
	"context"
	"github.com/wabridge/wabridge/internal/store"
	"net/http"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
)

// nopExecutor answers every command with a prebuilt result, so the
// benchmark measures the transport alone.
type nopExecutor struct{ res event.Event }

func (n nopExecutor) Dispatch(context.Context, commands.Call) commands.Result {
	return commands.Result{Event: n.res}
}

func (n nopExecutor) Reject(string, string, error) event.Event { return n.res }

type nopSink struct{}

func (nopSink) Put(context.Context, string, event.Event, ...store.Write) error { return nil }

// BenchmarkRPCRoundTrip: one requester, in-process connection, a command
// encoded, decoded, executed by a no-op executor, recorded by a no-op sink,
// and its result encoded and decoded.
func BenchmarkRPCRoundTrip(b *testing.B) {
	nc := connect(b, startServer(b))
	ex := nopExecutor{res: resultEvent("default", "send.message", "c1", http.StatusOK, "")}
	srv, err := transport.NewRPCServer(nc, ex, nopSink{}, transport.RPCConfig{Subjects: subjects, Sessions: []string{"default"}}, quietLog())
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	cmd := command("c1")
	subject := subjects.RPC("default", "send.message")
	b.ReportAllocs()
	for b.Loop() {
		msg, err := cenats.NewMsg(subject, cmd, cenats.Binary)
		if err != nil {
			b.Fatal(err)
		}
		reply, err := nc.RequestMsg(msg, 5*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cenats.Decode(reply.Header, reply.Data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawRequestReply is the floor: the same message shapes through
// plain NATS request-reply on the same kind of server, echoed back.
func BenchmarkRawRequestReply(b *testing.B) {
	nc := connect(b, startServer(b))
	sub, err := nc.QueueSubscribe(subjects.All("rpc"), transport.DefaultQueue, func(m *nats.Msg) {
		_ = m.RespondMsg(&nats.Msg{Header: m.Header, Data: m.Data})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sub.Unsubscribe() })
	msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command("c1"), cenats.Binary)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nc.RequestMsg(msg, 5*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// Names on the baseline server. The stream mirrors WA_EVENTS' shape: file
// storage, one replica, limits retention.
const (
	rawStream   = "BENCH"
	rawSubject  = "bench.js.data"
	rawEcho     = "bench.rpc.echo"
	rawKeyField = "Bench-Key"
)

// baseline is the floor wabridge is compared with: its own embedded
// nats-server, an echo responder, a JetStream stream, a bare Gin handler.
type baseline struct {
	ns     *server.Server
	nc     *nats.Conn // requester and publisher, over TCP like wabridge's clients
	echo   *nats.Conn // the responder's own connection
	js     jetstream.JetStream
	srv    *http.Server
	ginURL string
	http   *http.Client
}

// startBaseline starts everything the baselines need; Close stops it.
func startBaseline(ctx context.Context, storeDir string, conns int, log *slog.Logger) (*baseline, error) {
	b := &baseline{http: httpClient(conns)}
	if err := b.start(ctx, storeDir, log); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *baseline) start(ctx context.Context, storeDir string, log *slog.Logger) error {
	var err error
	b.ns, err = natsbus.StartServer(natsbus.ServerConfig{Listen: "127.0.0.1:-1", StoreDir: storeDir, ServerName: "bench"}, log)
	if err != nil {
		return err
	}
	if b.nc, err = nats.Connect(b.ns.ClientURL(), nats.Name("bench-client")); err != nil {
		return fmt.Errorf("connecting to the baseline server: %w", err)
	}
	if b.echo, err = nats.Connect(b.ns.ClientURL(), nats.Name("bench-echo")); err != nil {
		return fmt.Errorf("connecting the echo responder: %w", err)
	}
	// A queue group like wabridge's rpc server, answering with what it got.
	if _, err = b.echo.QueueSubscribe(rawEcho, "echo", func(m *nats.Msg) {
		_ = m.RespondMsg(&nats.Msg{Header: m.Header, Data: m.Data})
	}); err != nil {
		return fmt.Errorf("subscribing the echo responder: %w", err)
	}
	if err = b.echo.Flush(); err != nil {
		return fmt.Errorf("flushing the echo subscription: %w", err)
	}
	if b.js, err = jetstream.New(b.nc); err != nil {
		return fmt.Errorf("opening JetStream: %w", err)
	}
	if _, err = b.js.CreateStream(ctx, jetstream.StreamConfig{Name: rawStream, Subjects: []string{"bench.js.>"},
		Storage: jetstream.FileStorage, Retention: jetstream.LimitsPolicy, Replicas: 1}); err != nil {
		return fmt.Errorf("creating stream %s: %w", rawStream, err)
	}
	return b.startGin()
}

// startGin serves the bare handler: it binds the same JSON body as POST
// /send/message and answers with the same envelope, and does nothing else.
func (b *baseline) startGin() error {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	var seq atomic.Uint64
	r.POST("/send/message", func(c *gin.Context) {
		var body struct {
			Phone   string `json:"phone" binding:"required"`
			Message string `json:"message" binding:"required"`
		}
		if err := c.ShouldBindJSON(&body); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"status": http.StatusBadRequest, "code": "INVALID_PAYLOAD", "message": err.Error()})
			return
		}
		id := "true_" + body.Phone + "@s.whatsapp.net_BENCH" + strconv.FormatUint(seq.Add(1), 16)
		c.JSON(http.StatusOK, gin.H{"status": http.StatusOK, "message": "Success",
			"data": gin.H{"message_id": id, "timestamp": time.Now().UTC().Format(time.RFC3339)}})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the bare Gin handler: %w", err)
	}
	b.ginURL = "http://" + ln.Addr().String()
	b.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = b.srv.Serve(ln) }()
	return nil
}

// Close stops the Gin server, the connections and the nats-server.
func (b *baseline) Close() {
	if b.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := b.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = b.srv.Close()
		}
		cancel()
	}
	b.http.CloseIdleConnections()
	for _, nc := range []*nats.Conn{b.nc, b.echo} {
		if nc != nil {
			nc.Close()
		}
	}
	if b.ns != nil {
		b.ns.Shutdown()
		b.ns.WaitForShutdown()
	}
}

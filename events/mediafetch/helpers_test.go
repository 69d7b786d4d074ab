package mediafetch_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/mediafetch"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/natsbus/natstest"
	"github.com/wabridge/wabridge/internal/werr"
)

const session = "default"

type env struct {
	js    jetstream.JetStream
	store *mediastore.Store
	dl    *fakeDownloader
}

func newEnv(t *testing.T) *env {
	t.Helper()
	js := natstest.JetStream(t)
	st, err := mediastore.Open(context.Background(), js, mediastore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return &env{js: js, store: st, dl: &fakeDownloader{content: map[string]fakeMedia{}, dir: t.TempDir()}}
}

// start runs a fetcher until the test ends or stop is called.
func (e *env) start(t *testing.T, cfg mediafetch.Config) (f *mediafetch.Fetcher, stop func()) {
	t.Helper()
	if cfg.Backoff == 0 {
		cfg.Backoff, cfg.MaxBackoff = 20*time.Millisecond, 100*time.Millisecond
	}
	f, err := mediafetch.New(e.js, e.store, e.dl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	waitFor(t, "the consumer", func() bool {
		_, err := e.js.Consumer(context.Background(), natsbus.StreamEvents, mediafetch.DefaultDurable)
		return err == nil || !cfg.Policy.Enabled()
	})
	return f, stop
}

// mediaEvent is a message event of kind with a media of content, whose
// media id is id.
func mediaEvent(typ, kind, waID string, content []byte) events.Event {
	sum := sha256.Sum256(content)
	id := "media-" + waID
	d := events.MessageReceived{
		ID: "false_4917612345678@s.whatsapp.net_" + waID, WAID: waID,
		Chat: events.JID{JID: "4917612345678@s.whatsapp.net"}, Sender: events.JID{JID: "4917612345678@s.whatsapp.net"},
		Timestamp: time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC), Type: kind,
		Media: &events.Media{ID: id, URL: events.MediaURLPrefix + id, Object: events.MediaObject(id),
			Mimetype: "image/jpeg", Size: uint64(len(content)), SHA256: hex.EncodeToString(sum[:])},
	}
	return events.Event{Type: typ, Session: session, Subject: d.Chat.JID, Time: d.Timestamp, Key: waID, Data: d}
}

func (e *env) publish(t *testing.T, ev events.Event) {
	t.Helper()
	ce, err := events.NewCloudEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	subject := natsbus.Subjects{}.Event(ev.Session, ev.Subject, strings.TrimPrefix(ev.Type, events.TypePrefix))
	msg, err := cenats.NewMsg(subject, ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.PublishMsg(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) waitStored(t *testing.T, id string) mediastore.Info {
	t.Helper()
	var info mediastore.Info
	waitFor(t, "media "+id+" stored", func() bool {
		var err error
		info, err = e.store.Stat(context.Background(), id)
		return err == nil
	})
	return info
}

// waitSettled waits until the consumer has nothing pending or unacked.
func (e *env) waitSettled(t *testing.T) {
	t.Helper()
	waitFor(t, "the consumer to settle", func() bool {
		c, err := e.js.Consumer(context.Background(), natsbus.StreamEvents, mediafetch.DefaultDurable)
		if err != nil {
			return false
		}
		info, err := c.Info(context.Background())
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.NumRedelivered == 0
	})
}

type fakeMedia struct {
	data     []byte
	viewOnce bool
}

// fakeDownloader serves content by media id; fails lists errors the next
// downloads of an id answer; block, when set, holds each download until
// it is closed or the download's context ends.
type fakeDownloader struct {
	dir string

	mu      sync.Mutex
	content map[string]fakeMedia
	fails   map[string][]error
	calls   map[string]int
	block   chan struct{}
	started chan string
}

func (d *fakeDownloader) add(id string, data []byte, viewOnce bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.content[id] = fakeMedia{data: data, viewOnce: viewOnce}
}

func (d *fakeDownloader) failNext(id string, errs ...error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fails == nil {
		d.fails = map[string][]error{}
	}
	d.fails[id] = append(d.fails[id], errs...)
}

func (d *fakeDownloader) count(id string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[id]
}

func (d *fakeDownloader) Download(ctx context.Context, sess, id string, maxBytes int64) (*mediafetch.Downloaded, error) {
	d.mu.Lock()
	if d.calls == nil {
		d.calls = map[string]int{}
	}
	d.calls[id]++
	m, ok := d.content[id]
	var fail error
	if errs := d.fails[id]; len(errs) > 0 {
		fail, d.fails[id] = errs[0], errs[1:]
	}
	block, started := d.block, d.started
	d.mu.Unlock()
	if started != nil {
		started <- id
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	switch {
	case fail != nil:
		return nil, fail
	case !ok || sess != session:
		return nil, werr.New(werr.KindNotFound, werr.CodeNotFound, "no media %s", id)
	case maxBytes > 0 && int64(len(m.data)) > maxBytes:
		return nil, werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge, "too large")
	}
	blob, err := media.Spool(bytes.NewReader(m.data), d.dir, 1<<30)
	if err != nil {
		return nil, err
	}
	return &mediafetch.Downloaded{Blob: blob, Mimetype: "image/jpeg", Filename: "photo.jpg", ViewOnce: m.viewOnce}, nil
}

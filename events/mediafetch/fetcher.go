package mediafetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// Downloader downloads a received media's content from WhatsApp: the
// bridge's session by name (an adapter in cmd/wabridge). maxBytes bounds
// it (0: no bound); the caller removes the Blob.
type Downloader interface {
	Download(ctx context.Context, session, mediaID string, maxBytes int64) (*Downloaded, error)
}

// Downloaded is a downloaded media and what its message said of it.
type Downloaded struct {
	Blob     *media.Blob // spooled content, its sha256 and sniffed type
	Mimetype string      // as the sender declared it
	Filename string
	ViewOnce bool
}

// Store is the part of the media object store the fetcher uses.
type Store interface {
	Stat(ctx context.Context, name string) (mediastore.Info, error)
	Put(ctx context.Context, name string, r io.Reader, info mediastore.Info) (mediastore.Info, error)
	Delete(ctx context.Context, name string) error
}

var _ Store = (*mediastore.Store)(nil)

// Fetcher downloads received media into the object store, in the
// background (Run) and on demand (Fetch).
type Fetcher struct {
	js    jetstream.JetStream
	store Store
	dl    Downloader
	cfg   Config

	// flights lets one download of a media run at a time in this process:
	// the background and a GET asking at once download it once.
	mu      sync.Mutex
	flights map[string]*flight
}

type flight struct {
	done chan struct{}
	err  error
}

// New makes a fetcher; Run starts its background download.
func New(js jetstream.JetStream, store Store, dl Downloader, cfg Config) (*Fetcher, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if store == nil || dl == nil {
		return nil, errors.New("media fetcher: a store and a downloader are required")
	}
	return &Fetcher{js: js, store: store, dl: dl, cfg: cfg, flights: map[string]*flight{}}, nil
}

// Policy is the background download's policy.
func (f *Fetcher) Policy() Policy { return f.cfg.Policy }

// Run consumes the events stream until ctx ends, downloading with
// Config.Workers in parallel; it returns early when the consumer cannot
// be had (the stream not created yet, NATS unreachable) or its delivery
// ends. With a policy that downloads nothing it only waits for ctx.
func (f *Fetcher) Run(ctx context.Context) error {
	if !f.cfg.Policy.Enabled() {
		<-ctx.Done()
		return nil
	}
	cons, err := f.js.CreateOrUpdateConsumer(ctx, f.cfg.Stream, f.cfg.consumerConfig())
	if err != nil {
		return fmt.Errorf("creating consumer %s on %s: %w", f.cfg.Durable, f.cfg.Stream, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(f.cfg.Workers))
	if err != nil {
		return fmt.Errorf("consuming %s: %w", f.cfg.Stream, err)
	}
	work := make(chan jetstream.Msg)
	var wg sync.WaitGroup
	for range f.cfg.Workers {
		wg.Go(func() {
			for m := range work {
				f.handle(ctx, m)
			}
		})
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	err = f.feed(ctx, it, work)
	close(work)
	wg.Wait()
	return err
}

// feed hands delivered events to the workers until the iterator stops.
func (f *Fetcher) feed(ctx context.Context, it jetstream.MessagesContext, work chan<- jetstream.Msg) error {
	for {
		m, err := it.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
			if m != nil {
				_ = m.Nak()
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.cfg.Stream, err)
		}
		select {
		case work <- m:
		case <-ctx.Done():
			_ = m.Nak() // not started: delivered again at once after a restart
			return nil
		}
	}
}

package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events/mediafetch"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// mediaObjects is what the fetcher needs of the media part (media.go): the
// object store and the resolver of media fields, once it has started.
type mediaObjects interface {
	Store() *mediastore.Store
	Resolver() *mediastore.Resolver
}

// mediaFetchPart is the media fetcher (events/mediafetch): received media
// downloaded into WA_MEDIA in the background as --media-download says,
// and on demand for GET /media/<id>. In the sandbox it also gives the
// virtual contacts the media part's resolver, so they send media from
// object references as the send.* commands take them.
type mediaFetchPart struct {
	cfg      Config
	log      *slog.Logger
	nats     *natsPart
	sessions *sessionsPart
	media    mediaObjects

	fetcher *mediafetch.Fetcher
	cancel  context.CancelFunc
	done    chan struct{}

	mu      sync.Mutex
	running bool
	lastErr error
}

var _ httpadapter.MediaFetcher = (*mediaFetchPart)(nil)

func (p *mediaFetchPart) Name() string { return "mediafetch" }

func (p *mediaFetchPart) Start(context.Context) error {
	store := p.media.Store()
	if store == nil {
		return errors.New("media fetcher: the media store is not open")
	}
	if n := p.sessions.network; n != nil {
		if r := p.media.Resolver(); r != nil {
			n.SetMediaSource(mediaInputs{r: r})
		}
		if err := n.SetPhoneDir(filepath.Join(p.cfg.DataDir, "sandbox-phones")); err != nil {
			return err
		}
	}
	downloads := sessionDownloads{p: p.sessions, tempDir: p.tempDir(), refuseViewOnce: !p.cfg.MediaDownload.ViewOnce}
	f, err := mediafetch.New(p.nats.js, store, downloads, mediafetch.Config{
		Subjects: natsbus.Subjects{Prefix: p.cfg.Prefix},
		Sessions: p.cfg.Sessions,
		Policy:   p.cfg.MediaDownload,
		Log:      p.log,
	})
	if err != nil {
		return err
	}
	p.fetcher = f
	p.log.Info("media fetcher", "download", f.Policy().String())
	runCtx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.run(runCtx)
	return nil
}

// run runs the fetcher, starting it again after a failure (the events
// stream not created yet on a fresh start, NATS away) until the part stops.
func (p *mediaFetchPart) run(ctx context.Context) {
	defer close(p.done)
	for delay := time.Second; ctx.Err() == nil; delay = min(2*delay, 30*time.Second) {
		p.setState(true, nil)
		err := p.fetcher.Run(ctx)
		if ctx.Err() != nil {
			return
		}
		p.setState(false, err)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			p.log.Info("media fetcher waits for the events stream", "in", delay)
		} else {
			p.log.Error("media fetcher stopped; starting it again", "err", err, "in", delay)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func (p *mediaFetchPart) setState(running bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running, p.lastErr = running, err
}

// Ready: the background download lags behind the events at worst; only a
// fetcher that cannot consume at all is worth reporting.
func (p *mediaFetchPart) Ready(context.Context) (any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	details := map[string]any{"download": p.cfg.MediaDownload.String(), "running": p.running}
	if p.lastErr != nil {
		details["last_error"] = p.lastErr.Error()
	}
	return details, nil
}

func (p *mediaFetchPart) Stop(context.Context) error {
	if p.cancel != nil {
		p.cancel()
		<-p.done
	}
	return nil
}

// Fetch is the REST adapter's on-demand download (httpadapter.MediaFetcher).
func (p *mediaFetchPart) Fetch(ctx context.Context, session, id string) error {
	if p.fetcher == nil {
		return errors.New("media fetcher: not started")
	}
	return p.fetcher.Fetch(ctx, session, id)
}

// tempDir is where downloads are spooled: beside the resolver's, in the
// data directory rather than a /tmp that may be memory.
func (p *mediaFetchPart) tempDir() string {
	if r := p.media.Resolver(); r != nil {
		return r.TempDir
	}
	return ""
}

// sessionMediaIDs tells GET /media/<id> which ids are a session's: the
// media ids the bridge gives that session's events.
type sessionMediaIDs struct{}

var _ httpadapter.MediaIDs = sessionMediaIDs{}

func (sessionMediaIDs) Owns(session, id string) bool { return bridge.OwnsMediaID(session, id) }

// sessionDownloads is the fetcher's Downloader: the bridge's sessions.
type sessionDownloads struct {
	p       *sessionsPart
	tempDir string
	// refuseViewOnce: without --media-download view_once the fetcher
	// refuses view-once media; the bridge then refuses them before the
	// download instead of after it.
	refuseViewOnce bool
}

var _ mediafetch.Downloader = sessionDownloads{}

func (d sessionDownloads) Download(ctx context.Context, session, id string, maxBytes int64) (*mediafetch.Downloaded, error) {
	got, err := d.p.manager.DownloadMedia(ctx, session, bridge.DownloadRequest{
		Ref: id, MaxBytes: maxBytes, TempDir: d.tempDir, RefuseViewOnce: d.refuseViewOnce,
	})
	if err != nil {
		return nil, err
	}
	return &mediafetch.Downloaded{Blob: got.Blob, Mimetype: got.Mimetype, Filename: got.Filename, ViewOnce: got.ViewOnce}, nil
}

// policyValue is the --media-download option: mediafetch.ParsePolicy's form.
type policyValue mediafetch.Policy

func (v *policyValue) Set(s string) error {
	p, err := mediafetch.ParsePolicy(s)
	if err != nil {
		return err
	}
	*v = policyValue(p)
	return nil
}

func (v *policyValue) String() string { return mediafetch.Policy(*v).String() }

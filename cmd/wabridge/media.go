package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/schemas"
)

// mediaPart is the media object store (WA_MEDIA, with --media-max-age and
// --media-max-bytes) and the resolver of commands' media fields. It asks
// nothing of NATS to start: the bucket is made sure of in the background
// (and by the first use), so sessions start while an external NATS is
// still away.
type mediaPart struct {
	cfg  Config
	log  *slog.Logger
	nats *natsPart
	// fetcher downloads a received media GET /media/<id> does not find
	// (the media fetcher part); nil answers 404.
	fetcher httpadapter.MediaFetcher

	store    *mediastore.Store
	resolver *mediastore.Resolver
	cancel   context.CancelFunc
	done     chan struct{}
}

var _ httpadapter.MediaStore = (*mediastore.Store)(nil)

func (p *mediaPart) Name() string { return "media" }

func (p *mediaPart) Start(context.Context) error {
	dir, err := mediaTempDir(p.cfg.DataDir)
	if err != nil {
		return err
	}
	st, err := mediastore.New(p.nats.js, mediastore.Config{MaxAge: p.cfg.MediaMaxAge, MaxBytes: p.cfg.MediaMaxBytes})
	if err != nil {
		return err
	}
	// Media URLs get their own fetcher: its body bound is the largest
	// media limit, not a page's.
	f, err := fetch.New(fetch.Config{Allow: p.cfg.FetchAllow, MaxBytes: largestLimit(p.limits())})
	if err != nil {
		return err
	}
	p.store = st
	p.resolver = &mediastore.Resolver{Store: st, Fetcher: f, TempDir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.ensure(ctx)
	return nil
}

// ensure creates the bucket or applies the retention to it, retrying while
// NATS cannot be reached.
func (p *mediaPart) ensure(ctx context.Context) {
	defer close(p.done)
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := p.store.Ensure(actx)
		cancel()
		if err == nil {
			p.log.Debug("media bucket ready", "bucket", p.store.Bucket(), "max_age", p.cfg.MediaMaxAge, "max_bytes", p.cfg.MediaMaxBytes)
			return
		}
		if ctx.Err() != nil {
			return
		}
		p.log.Warn("opening the media bucket failed; retrying", "bucket", p.store.Bucket(), "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (p *mediaPart) Stop(context.Context) error {
	p.cancel()
	<-p.done
	return nil
}

// Store is the media object store, once the part has started.
func (p *mediaPart) Store() *mediastore.Store { return p.store }

// Resolver resolves commands' media fields, once the part has started.
func (p *mediaPart) Resolver() *mediastore.Resolver { return p.resolver }

// rest is the REST adapter's media configuration: uploads bounded like
// every other media input.
func (p *mediaPart) rest() *httpadapter.MediaConfig {
	if p.store == nil {
		return nil
	}
	return &httpadapter.MediaConfig{Store: p.store, Fetcher: p.fetcher, IDs: sessionMediaIDs{}, Limits: p.limits()}
}

func (p *mediaPart) limits() media.Limits {
	l := p.cfg.MediaMaxSize
	def := media.DefaultLimits()
	for _, k := range media.Kinds() {
		if l.Of(k) <= 0 {
			l = withLimit(l, k, def.Of(k))
		}
	}
	return l
}

func withLimit(l media.Limits, k media.Kind, v int64) media.Limits {
	switch k {
	case media.Image:
		l.Image = v
	case media.Audio:
		l.Audio = v
	case media.Video:
		l.Video = v
	case media.Document:
		l.Document = v
	case media.Sticker:
		l.Sticker = v
	}
	return l
}

func largestLimit(l media.Limits) int64 {
	var m int64
	for _, k := range media.Kinds() {
		m = max(m, l.Of(k))
	}
	return m
}

// mediaTempDir is where media is spooled: inside the data directory (a
// /tmp may be memory), emptied at start of what a crash left behind.
func mediaTempDir(dataDir string) (string, error) {
	dir := filepath.Join(dataDir, "media-tmp")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("emptying the media spool directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the media spool directory: %w", err)
	}
	return dir, nil
}

// schemaFields are the JSON types of a command schema's properties, which
// the REST adapter converts multipart form fields by. A property typed by
// a list takes "string" when that is one of them (the field is then sent as
// text), else the first.
func schemaFields(schemaPath string) (map[string]string, error) {
	raw, err := fs.ReadFile(schemas.FS(), schemaPath)
	if err != nil {
		return nil, fmt.Errorf("reading schema %s: %w", schemaPath, err)
	}
	var doc struct {
		Properties map[string]struct {
			Type json.RawMessage `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parsing schema %s: %w", schemaPath, err)
	}
	out := make(map[string]string, len(doc.Properties))
	for name, p := range doc.Properties {
		out[name] = fieldType(p.Type)
	}
	return out, nil
}

func fieldType(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil || len(many) == 0 {
		return "string"
	}
	for _, t := range many {
		if t == "string" {
			return t
		}
	}
	return many[0]
}

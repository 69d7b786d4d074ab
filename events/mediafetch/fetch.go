package mediafetch

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// Object metadata the fetcher writes besides mimetype, filename, sha256.
const (
	// MetaViewOnce marks a view-once media: the REST adapter deletes it
	// after one complete serve.
	MetaViewOnce = "view_once"
	metaSession  = "session"
	// onceSuffix names the marker of a view-once media that was stored
	// once: it outlives the media's deletion after its one serve, so no
	// later fetch (a redelivered event, a second GET) stores it again.
	// Media ids hold one dot; the marker's name, with two, is none.
	onceSuffix = ".once"
)

// Fetch downloads a media into the store unless it is there already: the
// REST adapter's GET /media/<id> calls it for an object not stored yet.
// Unlike the background download it takes any kind and size; view-once
// media only when the policy stores view-once, and only once.
func (f *Fetcher) Fetch(ctx context.Context, session, id string) error {
	return f.fetch(ctx, session, id, 0)
}

// fetch runs one download of id at a time in this process; a second
// caller waits for the first and then finds the object stored.
func (f *Fetcher) fetch(ctx context.Context, session, id string, maxBytes int64) error {
	key := session + "\x00" + id
	for {
		f.mu.Lock()
		fl, busy := f.flights[key]
		if !busy {
			fl = &flight{done: make(chan struct{})}
			f.flights[key] = fl
		}
		f.mu.Unlock()
		if !busy {
			fl.err = f.fetchOnce(ctx, session, id, maxBytes)
			f.mu.Lock()
			delete(f.flights, key)
			f.mu.Unlock()
			close(fl.done)
			return fl.err
		}
		select {
		case <-fl.done:
			if fl.err == nil {
				return nil
			}
			// The other caller failed (its own limit, its context): try
			// under ours.
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (f *Fetcher) fetchOnce(ctx context.Context, session, id string, maxBytes int64) error {
	if stored, err := f.stored(ctx, id); err != nil || stored {
		return err
	}
	// A view-once media stored once and served is refused before it is
	// downloaded again; only view-once media have the mark.
	if seen, err := f.stored(ctx, id+onceSuffix); err != nil || seen {
		if err == nil {
			err = errServedOnce(id)
		}
		return err
	}
	d, err := f.dl.Download(ctx, session, id, maxBytes)
	if err != nil {
		return err
	}
	defer func() { _ = d.Blob.Remove() }()
	if d.ViewOnce {
		if err := f.claimViewOnce(ctx, id); err != nil {
			return err
		}
	}
	file, err := d.Blob.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	info := mediastore.Info{
		Mimetype: d.Mimetype, Filename: d.Filename, SHA256: hex.EncodeToString(d.Blob.SHA256),
		Meta: map[string]string{metaSession: session},
	}
	if info.Mimetype == "" {
		info.Mimetype = d.Blob.Mimetype
	}
	if d.ViewOnce {
		info.Meta[MetaViewOnce] = "true"
	}
	if _, err := f.store.Put(ctx, id, file, info); err != nil {
		if d.ViewOnce {
			f.unclaimViewOnce(ctx, id)
		}
		return fmt.Errorf("storing media %s: %w", id, err)
	}
	f.cfg.Log.Info("media stored", "session", session, "media_id", id, "size", d.Blob.Size, "mimetype", info.Mimetype)
	return nil
}

// stored reports whether the store has the object already.
func (f *Fetcher) stored(ctx context.Context, name string) (bool, error) {
	_, err := f.store.Stat(ctx, name)
	switch {
	case err == nil:
		return true, nil
	case werr.KindOf(err) == werr.KindNotFound:
		return false, nil
	}
	return false, fmt.Errorf("looking up media %s: %w", name, err)
}

// claimViewOnce refuses a view-once media unless the policy stores them
// and it was never stored before, and marks it stored.
func (f *Fetcher) claimViewOnce(ctx context.Context, id string) error {
	if !f.cfg.Policy.ViewOnce {
		return werr.New(werr.KindNotFound, werr.CodeNotFound,
			"media %s is view-once, and this bridge does not keep view-once media (--media-download view_once)", id)
	}
	marker := id + onceSuffix
	seen, err := f.stored(ctx, marker)
	if err != nil {
		return err
	}
	if seen {
		return errServedOnce(id)
	}
	meta := mediastore.Info{Mimetype: "text/plain", Meta: map[string]string{"marks": id}}
	if _, err := f.store.Put(ctx, marker, strings.NewReader("view-once media stored"), meta); err != nil {
		return fmt.Errorf("marking view-once media %s: %w", id, err)
	}
	return nil
}

func errServedOnce(id string) error {
	return werr.New(werr.KindNotFound, werr.CodeNotFound, "view-once media %s was stored once already", id)
}

// unclaimViewOnce takes back the mark of a view-once media whose store
// failed, so that the retry stores it. Should that fail too the media
// stays unstored for good: never served is better than served twice.
func (f *Fetcher) unclaimViewOnce(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := f.store.Delete(ctx, id+onceSuffix); err != nil && werr.KindOf(err) != werr.KindNotFound {
		f.cfg.Log.Warn("media fetcher: a view-once media not stored keeps its mark; it will not be stored", "media_id", id, "error", err)
	}
}

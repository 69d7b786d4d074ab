package mediafetch_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/mediafetch"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

var photo = []byte("\xff\xd8\xff\xe0 a photo of the sea")

// A received media is stored under the event's media id with the sha256,
// mimetype and filename of what was downloaded; a redelivered event (the
// same message again) finds it stored and downloads nothing; an event
// without media is acked untouched.
func TestFetcherStoresEventMedia(t *testing.T) {
	e := newEnv(t)
	e.start(t, mediafetch.Config{Policy: mediafetch.DefaultPolicy()})
	e.dl.add("media-A1", photo, false)
	ev := mediaEvent(events.TypeMessageReceived, events.KindImage, "A1", photo)
	e.publish(t, ev)
	info := e.waitStored(t, "media-A1")
	sum := sha256.Sum256(photo)
	if info.SHA256 != hex.EncodeToString(sum[:]) || info.Mimetype != "image/jpeg" || info.Filename != "photo.jpg" || info.Size != int64(len(photo)) {
		t.Fatalf("stored %+v", info)
	}
	r, _, err := e.store.Get(context.Background(), "media-A1")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if string(got) != string(photo) {
		t.Fatal("stored other bytes")
	}
	e.publish(t, ev)
	text := ev
	d := text.Data.(events.MessageReceived)
	d.Type, d.Media, d.Text = events.KindText, nil, "hi"
	text.Data, text.Key = d, "T1"
	e.publish(t, text)
	e.waitSettled(t)
	if n := e.dl.count("media-A1"); n != 1 {
		t.Fatalf("%d downloads of one media, want 1", n)
	}
}

// The policy: kinds not named, media over the cap, view-once without
// view_once, history without history are left alone; sent messages and,
// with history, past ones are fetched; view-once with view_once is stored
// marked for one serve.
func TestFetcherPolicy(t *testing.T) {
	e := newEnv(t)
	pol, err := mediafetch.ParsePolicy("image,max=1KiB,view_once,history")
	if err != nil {
		t.Fatal(err)
	}
	e.start(t, mediafetch.Config{Policy: pol})
	big := make([]byte, 2048)
	for id, data := range map[string][]byte{"media-AUD": photo, "media-BIG": big, "media-SENT": photo, "media-HIST": photo, "media-ONCE": photo} {
		e.dl.add(id, data, id == "media-ONCE")
	}
	audio := mediaEvent(events.TypeMessageReceived, events.KindAudio, "AUD", photo)
	once := mediaEvent(events.TypeMessageReceived, events.KindImage, "ONCE", photo)
	d := once.Data.(events.MessageReceived)
	d.ViewOnce = true
	once.Data = d
	for _, ev := range []events.Event{
		audio, mediaEvent(events.TypeMessageReceived, events.KindImage, "BIG", big),
		mediaEvent(events.TypeMessageSent, events.KindImage, "SENT", photo),
		mediaEvent(events.TypeMessageHistory, events.KindImage, "HIST", photo), once,
	} {
		e.publish(t, ev)
	}
	e.waitStored(t, "media-SENT")
	e.waitStored(t, "media-HIST")
	if info := e.waitStored(t, "media-ONCE"); info.Meta[mediafetch.MetaViewOnce] != "true" {
		t.Fatalf("view-once stored without its mark: %+v", info)
	}
	e.waitSettled(t)
	for _, id := range []string{"media-AUD", "media-BIG"} {
		if n := e.dl.count(id); n != 0 {
			t.Errorf("%s downloaded %d times against the policy", id, n)
		}
	}
}

// Without view_once a view-once media is neither fetched in the
// background nor on demand; with it, one that was served (and deleted)
// is not fetched again.
func TestFetcherViewOnce(t *testing.T) {
	e := newEnv(t)
	f, _ := e.start(t, mediafetch.Config{Policy: mediafetch.DefaultPolicy()})
	e.dl.add("media-V1", photo, true)
	if err := f.Fetch(context.Background(), session, "media-V1"); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("view-once on demand without view_once: %v", err)
	}

	pol := mediafetch.DefaultPolicy()
	pol.ViewOnce = true
	g, err := mediafetch.New(e.js, e.store, e.dl, mediafetch.Config{Policy: pol, Durable: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Fetch(context.Background(), session, "media-V1"); err != nil {
		t.Fatalf("view-once on demand with view_once: %v", err)
	}
	if err := e.store.Delete(context.Background(), "media-V1"); err != nil { // its one serve
		t.Fatal(err)
	}
	if err := g.Fetch(context.Background(), session, "media-V1"); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("view-once fetched again after its serve: %v", err)
	}
}

// A transient failure (the session offline) is retried with backoff until
// it succeeds; a permanent one (gone from WhatsApp and the phone) is acked
// after one try; one failing transiently every time is given up after
// Attempts.
func TestFetcherRetries(t *testing.T) {
	e := newEnv(t)
	offline := werr.New(werr.KindNotConnected, werr.CodeNotConnected, "offline")
	e.dl.add("media-R1", photo, false)
	e.dl.failNext("media-R1", offline, offline)
	e.dl.add("media-R2", photo, false)
	e.dl.failNext("media-R2", offline, offline, offline, offline, offline)
	e.start(t, mediafetch.Config{Policy: mediafetch.DefaultPolicy(), Attempts: 3})
	for _, id := range []string{"R1", "R2", "GONE"} {
		e.publish(t, mediaEvent(events.TypeMessageReceived, events.KindImage, id, photo))
	}
	e.waitStored(t, "media-R1")
	e.waitSettled(t)
	if n := e.dl.count("media-R1"); n != 3 {
		t.Errorf("media-R1: %d downloads, want 3 (two failures, then success)", n)
	}
	if n := e.dl.count("media-GONE"); n != 1 {
		t.Errorf("media-GONE: %d downloads, want 1", n)
	}
	if n := e.dl.count("media-R2"); n != 3 {
		t.Errorf("media-R2: %d downloads, want 3 (Attempts)", n)
	}
	if _, err := e.store.Stat(context.Background(), "media-R2"); werr.From(err).Code != werr.CodeNotFound {
		t.Errorf("media-R2 stored: %v", err)
	}
}

// A fetcher stopped mid-download leaves the event unacknowledged, and the
// next one (after a restart) stores the media.
func TestFetcherResumesAfterStop(t *testing.T) {
	e := newEnv(t)
	e.dl.add("media-S1", photo, false)
	e.dl.block, e.dl.started = make(chan struct{}), make(chan string, 4)
	_, stop := e.start(t, mediafetch.Config{Policy: mediafetch.DefaultPolicy()})
	e.publish(t, mediaEvent(events.TypeMessageReceived, events.KindImage, "S1", photo))
	<-e.dl.started
	stop()
	if _, err := e.store.Stat(context.Background(), "media-S1"); err == nil {
		t.Fatal("stored although the download was cut")
	}
	e.dl.mu.Lock()
	e.dl.block, e.dl.started = nil, nil
	e.dl.mu.Unlock()
	e.start(t, mediafetch.Config{Policy: mediafetch.DefaultPolicy()})
	e.waitStored(t, "media-S1")
}

// On demand, concurrent callers download a media once and each finds it
// stored; a media the session's bridge does not know is NOT_FOUND.
func TestFetchOnDemand(t *testing.T) {
	e := newEnv(t)
	f, _ := e.start(t, mediafetch.Config{Policy: mediafetch.Policy{}})
	e.dl.add("media-D1", photo, false)
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- f.Fetch(context.Background(), session, "media-D1") }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("Fetch: %v", err)
		}
	}
	if n := e.dl.count("media-D1"); n != 1 {
		t.Fatalf("%d downloads for four concurrent fetches", n)
	}
	e.dl.add("media-D2", photo, false)
	if err := f.Fetch(context.Background(), "shop", "media-D2"); werr.KindOf(err) != werr.KindNotFound {
		t.Fatalf("another session's media: %v", err)
	}
}

// flakyStore fails the next Put of one name, as a NATS hiccup would.
type flakyStore struct {
	mediafetch.Store
	mu   sync.Mutex
	fail map[string]int
}

func (s *flakyStore) Put(ctx context.Context, name string, r io.Reader, info mediastore.Info) (mediastore.Info, error) {
	s.mu.Lock()
	n := s.fail[name]
	if n > 0 {
		s.fail[name] = n - 1
	}
	s.mu.Unlock()
	if n > 0 {
		return mediastore.Info{}, errors.New("nats: timeout")
	}
	return s.Store.Put(ctx, name, r, info)
}

// A view-once media whose store failed is stored by the next try: the
// mark that it was stored once is only kept once it was.
func TestFetcherViewOnceStoreFailure(t *testing.T) {
	e := newEnv(t)
	pol := mediafetch.DefaultPolicy()
	pol.ViewOnce = true
	st := &flakyStore{Store: e.store, fail: map[string]int{"media-V2": 1}}
	f, err := mediafetch.New(e.js, st, e.dl, mediafetch.Config{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	e.dl.add("media-V2", photo, true)
	if err := f.Fetch(context.Background(), session, "media-V2"); err == nil || werr.KindOf(err) == werr.KindNotFound {
		t.Fatalf("failed store: %v, want a transient error", err)
	}
	if err := f.Fetch(context.Background(), session, "media-V2"); err != nil {
		t.Fatalf("view-once fetched again after a failed store: %v", err)
	}
	if info, err := e.store.Stat(context.Background(), "media-V2"); err != nil || info.Meta[mediafetch.MetaViewOnce] != "true" {
		t.Fatalf("view-once stored as %+v, %v", info, err)
	}
}

// A view-once media served once is refused without downloading it again:
// its content has no business on this machine's disk any more.
func TestFetcherViewOnceServedIsNotDownloaded(t *testing.T) {
	e := newEnv(t)
	pol := mediafetch.DefaultPolicy()
	pol.ViewOnce = true
	f, err := mediafetch.New(e.js, e.store, e.dl, mediafetch.Config{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	e.dl.add("media-V3", photo, true)
	if err := f.Fetch(context.Background(), session, "media-V3"); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Delete(context.Background(), "media-V3"); err != nil { // its one serve
		t.Fatal(err)
	}
	if err := f.Fetch(context.Background(), session, "media-V3"); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("served view-once: %v, want NOT_FOUND", err)
	}
	if n := e.dl.count("media-V3"); n != 1 {
		t.Fatalf("%d downloads of a view-once media, want 1", n)
	}
}

// Events waiting out a retry's backoff (a session offline for a while) do
// not hold up the media of every other event: the next one is stored
// while they wait.
func TestFetcherBackoffDoesNotBlockOthers(t *testing.T) {
	e := newEnv(t)
	offline := werr.New(werr.KindNotConnected, werr.CodeNotConnected, "offline")
	const waiting = 12
	for i := range waiting {
		id := "media-W" + string(rune('A'+i))
		e.dl.add(id, photo, false)
		e.dl.failNext(id, offline, offline)
	}
	e.dl.add("media-NEXT", photo, false)
	e.start(t, mediafetch.Config{Policy: mediafetch.DefaultPolicy(), Backoff: time.Hour, MaxBackoff: time.Hour})
	for i := range waiting {
		e.publish(t, mediaEvent(events.TypeMessageReceived, events.KindImage, "W"+string(rune('A'+i)), photo))
	}
	e.publish(t, mediaEvent(events.TypeMessageReceived, events.KindImage, "NEXT", photo))
	e.waitStored(t, "media-NEXT")
}

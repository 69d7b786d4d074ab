package mediastore

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/werr"
)

// Metadata keys an object carries besides the caller's own (Info.Meta).
const (
	metaMimetype = "mimetype"
	metaFilename = "filename"
	metaSHA256   = "sha256"
)

// Config configures the bucket.
type Config struct {
	// Bucket is the object store's name. Default DefaultBucket.
	Bucket string
	// MaxAge is how long an object is kept after it was stored; 0 keeps
	// objects until deleted.
	MaxAge time.Duration
	// MaxBytes bounds the bucket; 0 is unlimited. A full bucket refuses new
	// objects (an object store never drops old chunks, which would corrupt
	// the objects they belong to) until MaxAge frees space.
	MaxBytes int64
	// Replicas of the bucket's stream in a cluster. Default 1.
	Replicas int
}

func (c *Config) setDefaults() {
	if c.Bucket == "" {
		c.Bucket = DefaultBucket
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
}

// Validate reports every setting JetStream would refuse.
func (c Config) Validate() error {
	var errs []error
	if c.Bucket != "" && !bucketName.MatchString(c.Bucket) {
		errs = append(errs, fmt.Errorf("media bucket %q may hold only letters, digits, '-' and '_'", c.Bucket))
	}
	if c.MaxAge < 0 {
		errs = append(errs, fmt.Errorf("media max age %s is negative", c.MaxAge))
	}
	if c.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("media max bytes %d is negative", c.MaxBytes))
	}
	if c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("media replicas %d: JetStream allows at most 5", c.Replicas))
	}
	return errors.Join(errs...)
}

// Info describes an object.
type Info struct {
	Name     string
	Mimetype string
	Filename string
	// SHA256 is the content's SHA-256 in hex, from the digest the object
	// store computed while storing (and checks again on every read).
	SHA256   string
	Size     int64
	Modified time.Time
	// Meta is the object's further metadata (e.g. "view_once": "true").
	Meta map[string]string
}

// Store keeps media in one object store bucket. It is safe for concurrent
// use.
type Store struct {
	bucket string
	js     jetstream.JetStream
	cfg    jetstream.ObjectStoreConfig

	mu  sync.Mutex
	obs jetstream.ObjectStore // nil until the bucket was made sure of
}

// Open creates the bucket, or updates its retention to cfg.
func Open(ctx context.Context, js jetstream.JetStream, cfg Config) (*Store, error) {
	s, err := New(js, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Ensure(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// New is Open without contacting JetStream: the bucket is created or
// updated by Ensure or by the first use that reaches the server, so a
// bridge starts while an external NATS is still away.
func New(js jetstream.JetStream, cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Store{bucket: cfg.Bucket, js: js, cfg: jetstream.ObjectStoreConfig{
		Bucket:      cfg.Bucket,
		Description: "wabridge media: uploads, objects put by NATS callers, media received from WhatsApp",
		TTL:         cfg.MaxAge,
		MaxBytes:    cfg.MaxBytes,
		Replicas:    cfg.Replicas,
		Storage:     jetstream.FileStorage,
	}}, nil
}

// Ensure creates the bucket or updates its retention, once.
func (s *Store) Ensure(ctx context.Context) error {
	_, err := s.store(ctx)
	return err
}

func (s *Store) store(ctx context.Context) (jetstream.ObjectStore, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.obs != nil {
		return s.obs, nil
	}
	obs, err := s.js.CreateOrUpdateObjectStore(ctx, s.cfg)
	if err != nil {
		return nil, werr.Wrap(err, werr.KindNotConnected, werr.CodeNotConnected, "opening media bucket %s failed", s.bucket)
	}
	s.obs = obs
	return obs, nil
}

// Bucket is the bucket's name, as references name it.
func (s *Store) Bucket() string { return s.bucket }

// Put stores r under name, streaming it in chunks, and replaces what was
// there. info's Mimetype, Filename and Meta are kept with it; an
// info.SHA256 the caller knows is checked against the content (a mismatch
// removes the object again and is INVALID_PAYLOAD). The returned Info is the
// stored object's.
func (s *Store) Put(ctx context.Context, name string, r io.Reader, info Info) (Info, error) {
	if !validName(name) {
		return Info{}, werr.Invalid(werr.CodeInvalidPayload, "media object name %q is empty, too long or has control characters", clip(name))
	}
	obs, err := s.store(ctx)
	if err != nil {
		return Info{}, err
	}
	meta := jetstream.ObjectMeta{Name: name, Metadata: metadataOf(info)}
	oi, err := obs.Put(ctx, meta, fullReads{r})
	if err != nil {
		return Info{}, s.failure(err, "storing", name)
	}
	got := infoOf(oi)
	if want := strings.ToLower(info.SHA256); want != "" && want != got.SHA256 {
		_ = obs.Delete(context.WithoutCancel(ctx), name)
		return Info{}, werr.Invalid(werr.CodeInvalidPayload, "media object %s has sha256 %s, not the declared %s", clip(name), got.SHA256, clip(want))
	}
	if info.SHA256 == "" {
		// Kept in the metadata too, so `nats object info` shows it in the
		// form events and GET /media use.
		meta.Metadata[metaSHA256] = got.SHA256
		if err := obs.UpdateMeta(ctx, name, meta); err != nil {
			return Info{}, s.failure(err, "recording the sha256 of", name)
		}
	}
	return got, nil
}

// fullReads fills each Read's buffer unless the reader ends: the object
// store publishes one chunk per Read, and readers such as a multipart part
// or a TLS stream return a few KiB at a time, which would make a 5 MiB
// upload over a thousand publishes instead of forty.
type fullReads struct{ r io.Reader }

func (f fullReads) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := f.r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Get opens the object's content; the caller closes it. A read that ends
// with content other than what was stored fails. A missing object is
// NOT_FOUND.
func (s *Store) Get(ctx context.Context, name string) (io.ReadCloser, Info, error) {
	if !validName(name) {
		return nil, Info{}, s.notFound(name)
	}
	obs, err := s.store(ctx)
	if err != nil {
		return nil, Info{}, err
	}
	res, err := obs.Get(ctx, name)
	if err != nil {
		return nil, Info{}, s.failure(err, "reading", name)
	}
	oi, err := res.Info()
	if err != nil {
		_ = res.Close()
		return nil, Info{}, s.failure(err, "reading", name)
	}
	return res, infoOf(oi), nil
}

// Stat describes the object without reading it. A missing object is
// NOT_FOUND.
func (s *Store) Stat(ctx context.Context, name string) (Info, error) {
	if !validName(name) {
		return Info{}, s.notFound(name)
	}
	obs, err := s.store(ctx)
	if err != nil {
		return Info{}, err
	}
	oi, err := obs.GetInfo(ctx, name)
	if err != nil {
		return Info{}, s.failure(err, "describing", name)
	}
	return infoOf(oi), nil
}

// Delete removes the object. A missing one is NOT_FOUND.
func (s *Store) Delete(ctx context.Context, name string) error {
	if !validName(name) {
		return s.notFound(name)
	}
	obs, err := s.store(ctx)
	if err != nil {
		return err
	}
	if err := obs.Delete(ctx, name); err != nil {
		return s.failure(err, "deleting", name)
	}
	return nil
}

// failure classifies an object store error: a missing object is
// NOT_FOUND, a full bucket MEDIA_TOO_LARGE (nothing more fits until
// retention frees space), the rest transient.
func (s *Store) failure(err error, doing, name string) error {
	var we *werr.Error
	switch {
	case errors.As(err, &we):
		return we
	case errors.Is(err, jetstream.ErrObjectNotFound):
		return s.notFound(name)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout, "%s media object %s did not finish in time", doing, clip(name))
	case isBucketFull(err):
		return werr.Wrap(err, werr.KindTooLarge, werr.CodeMediaTooLarge,
			"media bucket %s is full (--media-max-bytes); older media must expire first", s.bucket)
	}
	return werr.Wrap(err, werr.KindUpstream, werr.CodeUpstream, "%s media object %s in %s failed", doing, clip(name), s.bucket)
}

func (s *Store) notFound(name string) error {
	return werr.New(werr.KindNotFound, werr.CodeNotFound, "no media object %q in %s (never stored, deleted, or expired)", clip(name), s.bucket)
}

// isBucketFull reports the server's refusal of a publish past the stream's
// MaxBytes: nats-server's "maximum bytes exceeded", for which nats.go has no
// sentinel.
func isBucketFull(err error) bool {
	return strings.Contains(err.Error(), "maximum bytes exceeded")
}

func metadataOf(info Info) map[string]string {
	m := maps.Clone(info.Meta)
	if m == nil {
		m = map[string]string{}
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(metaMimetype, info.Mimetype)
	set(metaFilename, info.Filename)
	set(metaSHA256, strings.ToLower(info.SHA256))
	return m
}

func infoOf(oi *jetstream.ObjectInfo) Info {
	info := Info{Name: oi.Name, Size: int64(oi.Size), Modified: oi.ModTime, SHA256: digestHex(oi.Digest), Meta: map[string]string{}}
	for k, v := range oi.Metadata {
		switch k {
		case metaMimetype:
			info.Mimetype = v
		case metaFilename:
			info.Filename = v
		case metaSHA256:
			if info.SHA256 == "" {
				info.SHA256 = v
			}
		default:
			info.Meta[k] = v
		}
	}
	return info
}

// digestHex turns the object store's "SHA-256=<base64url>" into hex.
func digestHex(d string) string {
	alg, b64, ok := strings.Cut(d, "=")
	if !ok || !strings.EqualFold(alg, "SHA-256") {
		return ""
	}
	sum, err := base64.URLEncoding.DecodeString(b64)
	if err != nil {
		return ""
	}
	return hex.EncodeToString(sum)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

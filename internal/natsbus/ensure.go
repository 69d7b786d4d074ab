package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// EnsureOption tunes EnsureStreams.
type EnsureOption func(*ensureOptions)

type ensureOptions struct {
	log *slog.Logger
	// for EnsureStreamsRetry
	firstWait, maxWait time.Duration
	attemptTimeout     time.Duration
}

func newEnsureOptions(opts []EnsureOption) ensureOptions {
	o := ensureOptions{
		log:       slog.New(slog.DiscardHandler),
		firstWait: 250 * time.Millisecond, maxWait: 5 * time.Second,
		attemptTimeout: 10 * time.Second,
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithStreamLog logs the settings EnsureStreams changes on existing streams,
// the ones it leaves as an operator set them, and EnsureStreamsRetry's
// retries; default: discarded.
func WithStreamLog(log *slog.Logger) EnsureOption {
	return func(o *ensureOptions) {
		if log != nil {
			o.log = log
		}
	}
}

// EnsureStreams creates WA_COMMANDS and WA_EVENTS (under cfg's prefix) when
// they are missing. A stream that exists is never silently overwritten:
//
//   - its subjects must be ours; otherwise EnsureStreams refuses with an
//     error naming the stream and both subject lists, and changes nothing
//     (moving subjects between streams is an operator's decision);
//   - the settings wabridge's configuration owns (MaxAge, MaxBytes,
//     Discard, the dedup window) are updated to cfg, each change logged at
//     warn level with the old and new value: configure wabridge to keep an
//     operator's retention;
//   - everything else (replicas, placement, storage, retention policy,
//     message limits, description, ...) stays as found; where it differs
//     from what wabridge would create, that is logged at info level.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, cfg StreamsConfig, opts ...EnsureOption) error {
	o := newEnsureOptions(opts)
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	return ensureAll(ctx, js, cfg, o.log)
}

func ensureAll(ctx context.Context, js jetstream.JetStream, cfg StreamsConfig, log *slog.Logger) error {
	for _, want := range cfg.StreamConfigs() {
		if err := ensureStream(ctx, js, want, log); err != nil {
			return err
		}
	}
	return nil
}

// ErrForeignStream is wrapped by EnsureStreams' error for a stream of our
// name whose subjects are not ours: retrying cannot help, an operator must.
var ErrForeignStream = errors.New("stream subjects conflict")

func ensureStream(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig, log *slog.Logger) error {
	st, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if _, err := js.CreateStream(ctx, want); err != nil {
			return fmt.Errorf("creating stream %s: %w", want.Name, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("looking up stream %s: %w", want.Name, err)
	}
	have := st.CachedInfo().Config
	if !sameSubjects(have.Subjects, want.Subjects) {
		return fmt.Errorf("%w: stream %s exists with subjects %q, but wabridge needs exactly %q: change the stream's subjects or wabridge's subject prefix", ErrForeignStream, want.Name, have.Subjects, want.Subjects)
	}
	logForeign(log, have, want)
	next, changes := applyOwned(have, want)
	if len(changes) == 0 {
		return nil
	}
	for _, c := range changes {
		log.Warn("changing stream setting to wabridge's configuration", "stream", want.Name, "setting", c.setting, "from", c.from, "to", c.to)
	}
	if _, err := js.UpdateStream(ctx, next); err != nil {
		return fmt.Errorf("updating stream %s: %w", want.Name, err)
	}
	return nil
}

func sameSubjects(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

type change struct {
	setting  string
	from, to any
}

// applyOwned returns have with the settings wabridge owns taken from want,
// and what changed.
func applyOwned(have, want jetstream.StreamConfig) (jetstream.StreamConfig, []change) {
	next := have
	var changes []change
	if have.MaxAge != want.MaxAge {
		changes = append(changes, change{"max_age", durationText(have.MaxAge), durationText(want.MaxAge)})
		next.MaxAge = want.MaxAge
	}
	if have.MaxBytes != want.MaxBytes {
		changes = append(changes, change{"max_bytes", have.MaxBytes, want.MaxBytes})
		next.MaxBytes = want.MaxBytes
	}
	if have.Discard != want.Discard {
		changes = append(changes, change{"discard", have.Discard.String(), want.Discard.String()})
		next.Discard = want.Discard
	}
	if have.Duplicates != want.Duplicates {
		changes = append(changes, change{"duplicate_window", have.Duplicates.String(), want.Duplicates.String()})
		next.Duplicates = want.Duplicates
	}
	return next, changes
}

// logForeign notes the settings an operator (or an earlier version) chose
// differently from what wabridge would create; they are kept.
func logForeign(log *slog.Logger, have, want jetstream.StreamConfig) {
	note := func(setting string, h, w any) {
		log.Info("stream setting differs from wabridge's default; kept as found", "stream", want.Name, "setting", setting, "found", h, "default", w)
	}
	if have.Replicas != want.Replicas {
		note("replicas", have.Replicas, want.Replicas)
	}
	if have.Storage != want.Storage {
		note("storage", have.Storage.String(), want.Storage.String())
	}
	if have.Retention != want.Retention {
		note("retention", have.Retention.String(), want.Retention.String())
	}
}

func durationText(d time.Duration) string {
	if d == 0 {
		return "unlimited"
	}
	return d.String()
}

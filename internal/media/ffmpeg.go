package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/wabridge/wabridge/internal/werr"
)

// demuxers are the only container formats ffmpeg may open: playlist and
// concat formats (HLS, concat, ...) name other files and URLs, and media
// from strangers must not make ffmpeg read them.
const demuxers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,ogg,mp3,wav,flac,aac,amr,avi,mpegts,asf"

// inputArgs open a spooled file with only the file protocol and the allowed
// demuxers; "file:" keeps a path from being read as a protocol.
func inputArgs(path string) []string {
	return []string{"-protocol_whitelist", "file", "-format_whitelist", demuxers, "-i", "file:" + path}
}

// toolFailed: a tool that could not read the input says the input is not
// the media it claims to be; a time-out or a cancel keeps its own kind.
func toolFailed(err error, format string, args ...any) error {
	var we *werr.Error
	if errors.As(err, &we) || errors.Is(err, context.Canceled) {
		return fmt.Errorf(format+": %w", append(args, err)...)
	}
	return unsupportedCause(err, format, args...)
}

func needFFmpeg(cfg Config, what string) error {
	if FFmpegAvailable(cfg) {
		return nil
	}
	return werr.New(werr.KindNotImplemented, werr.CodeNotSupported,
		"%s needs ffmpeg and ffprobe, which are not installed on the bridge's host", what)
}

// stderrMax bounds how much of a tool's stderr is kept for the error cause.
const stderrMax = 4 << 10

// run runs a tool without a shell under cfg.Timeout, writing its stdout to
// out (nil discards it). A failure carries the end of its stderr.
func run(ctx context.Context, cfg Config, bin string, out io.Writer, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	stderr := &tailBuffer{max: stderrMax}
	cmd.Stdout, cmd.Stderr = out, stderr
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout, "%s took longer than %s", bin, cfg.Timeout)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("running %s: %w", bin, ctxErr)
	}
	return fmt.Errorf("running %s: %w: %s", bin, err, strings.TrimSpace(stderr.String()))
}

// runOutput runs a tool whose stdout is small (ffprobe's JSON, one JPEG).
func runOutput(ctx context.Context, cfg Config, bin string, max int, args ...string) ([]byte, error) {
	out := &capBuffer{max: max}
	if err := run(ctx, cfg, bin, out, args...); err != nil {
		return nil, err
	}
	if out.over {
		return nil, fmt.Errorf("running %s: output larger than %d bytes", bin, max)
	}
	return out.Bytes(), nil
}

// tailBuffer keeps the last max bytes written: ffmpeg says why it failed last.
type tailBuffer struct {
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// capBuffer keeps at most max bytes and remembers whether more came.
type capBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *capBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room < len(p) {
		c.over = true
		p = p[:max(room, 0)]
	}
	c.Buffer.Write(p)
	return len(p), nil
}

package media

import (
	"context"
	"encoding/binary"
	"io"
	"math"
	"strconv"
)

const (
	waveformBars = 64
	// waveformRate keeps speech (up to 4 kHz) in the decoded PCM while a
	// long recording stays small to read.
	waveformRate = 8000
	// windowSamples: RMS is taken per 10 ms window as the PCM streams by, so
	// memory grows with the duration at 100 floats a second, not with samples.
	windowSamples = waveformRate / 100
)

// waveform decodes the audio to 16-bit mono PCM through ffmpeg and gives 64
// loudness values 0..100 (RMS per bar, the loudest bar being 100), as
// WhatsApp shows a voice note.
func waveform(ctx context.Context, cfg Config, path string) ([]byte, error) {
	args := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, inputArgs(path)...)
	args = append(args, "-vn", "-ac", "1", "-ar", strconv.Itoa(waveformRate), "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1")
	w := &rmsWriter{}
	if err := run(ctx, cfg, cfg.FFmpeg, w, args...); err != nil {
		return nil, toolFailed(err, "decoding the voice note for its waveform")
	}
	return bars(w.finish()), nil
}

// rmsWriter takes s16le PCM and keeps the mean square of every window.
type rmsWriter struct {
	carry   []byte // an odd byte left between writes
	sum     float64
	n       int
	windows []float32
}

func (w *rmsWriter) Write(p []byte) (int, error) {
	total := len(p)
	if len(w.carry) > 0 {
		p = append(w.carry, p...)
		w.carry = nil
	}
	for ; len(p) >= 2; p = p[2:] {
		s := float64(int16(binary.LittleEndian.Uint16(p))) / 32768
		w.sum += s * s
		if w.n++; w.n == windowSamples {
			w.flush()
		}
	}
	if len(p) == 1 {
		w.carry = []byte{p[0]}
	}
	return total, nil
}

func (w *rmsWriter) flush() {
	w.windows = append(w.windows, float32(w.sum/float64(w.n)))
	w.sum, w.n = 0, 0
}

func (w *rmsWriter) finish() []float32 {
	if w.n > 0 {
		w.flush()
	}
	return w.windows
}

var _ io.Writer = (*rmsWriter)(nil)

// bars groups the windows' mean squares into 64 RMS values scaled to 0..100.
func bars(windows []float32) []byte {
	out := make([]byte, waveformBars)
	if len(windows) == 0 {
		return out
	}
	rms := make([]float64, waveformBars)
	peak := 0.0
	for i := range rms {
		lo := i * len(windows) / waveformBars
		hi := max((i+1)*len(windows)/waveformBars, lo+1)
		sum := 0.0
		for _, ms := range windows[lo:min(hi, len(windows))] {
			sum += float64(ms)
		}
		rms[i] = math.Sqrt(sum / float64(hi-lo))
		peak = max(peak, rms[i])
	}
	if peak == 0 {
		return out
	}
	for i, r := range rms {
		out[i] = byte(math.Round(r / peak * 100))
	}
	return out
}

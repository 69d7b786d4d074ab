package media_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// spool makes a Blob of data in a test's temp dir.
func spool(t testing.TB, data []byte) *media.Blob {
	t.Helper()
	b, err := media.Spool(bytes.NewReader(data), t.TempDir(), int64(len(data))+1)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gradient is a w×h image that compresses like a photo rather than a flat
// colour (so sizes and qualities mean something).
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			copy(row[4*x:], []uint8{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	return img
}

func jpegOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := werr.From(err); err == nil || got.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func readBlob(t testing.TB, b *media.Blob) []byte {
	t.Helper()
	data, err := os.ReadFile(b.Path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// needFFmpeg skips where ffmpeg is absent (CI installs it, see .ci/run).
func needFFmpeg(t testing.TB) {
	t.Helper()
	if !media.FFmpegAvailable(media.Config{}) {
		t.Skip("ffmpeg and ffprobe are not installed")
	}
}

// generate runs ffmpeg to make a test input named name from lavfi sources.
func generate(t testing.TB, name string, args ...string) *media.Blob {
	t.Helper()
	needFFmpeg(t)
	path := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...), "-y", path)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generating %s: %v: %s", name, err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return spool(t, data)
}

// noFFmpeg is a Config whose ffmpeg cannot be found.
func noFFmpeg(t testing.TB) media.Config {
	missing := filepath.Join(t.TempDir(), "no-ffmpeg")
	return media.Config{FFmpeg: missing, FFprobe: missing}
}

// ffprobeStreams names a file's streams as "codec pixfmt,codec".
func ffprobeStreams(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,pix_fmt",
		"-of", "compact=p=0:nk=1:s=_", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts = append(parts, strings.TrimSuffix(strings.ReplaceAll(line, "_", " "), " "))
	}
	return strings.Join(parts, ",")
}

// ffprobeAudio names a file's first audio stream as "codec rate channels".
func ffprobeAudio(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=codec_name,sample_rate,channels", "-of", "compact=p=0:nk=1:s=_", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.TrimSpace(string(out)), "_", " ")
}

// ffprobeOpusHead reads the channel count and input sample rate of an Ogg
// Opus file's OpusHead, the extradata ffprobe dumps (RFC 7845 §5.1:
// "OpusHead", version, channels, pre-skip, input rate little-endian at 12).
func ffprobeOpusHead(t testing.TB, path string) (channels int, rate uint32) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=extradata", "-show_data", "-of", "json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pj struct {
		Streams []struct {
			Extradata string `json:"extradata"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &pj); err != nil || len(pj.Streams) != 1 {
		t.Fatalf("ffprobe's extradata %s: %v", out, err)
	}
	// Hexdump lines "00000000: 4f70 7573 ...  OpusHead..": the hex between
	// the offset and the two spaces before the text.
	var head []byte
	for _, line := range strings.Split(pj.Streams[0].Extradata, "\n") {
		_, rest, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		hexPart, _, _ := strings.Cut(rest, "  ")
		b, err := hex.DecodeString(strings.ReplaceAll(hexPart, " ", ""))
		if err != nil {
			t.Fatalf("ffprobe's extradata line %q: %v", line, err)
		}
		head = append(head, b...)
	}
	if len(head) < 19 || string(head[:8]) != "OpusHead" {
		t.Fatalf("no OpusHead in the extradata %x", head)
	}
	return int(head[9]), binary.LittleEndian.Uint32(head[12:16])
}

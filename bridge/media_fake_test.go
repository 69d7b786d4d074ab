package bridge_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// mediaFake is the recording fake with whatsmeow's uploads: each is
// recorded (media type, streaming or not, the plaintext) and answered as
// whatsmeow answers, the hashes computed from what it was given.
type mediaFake struct {
	*fakeClient
	up *uploads
}

var _ bridge.Client = mediaFake{}

type uploads struct {
	mu    sync.Mutex
	calls []uploadCall
	fail  error // returned by the next upload, once
}

type uploadCall struct {
	MediaType whatsmeow.MediaType
	Reader    bool // UploadReader rather than Upload
	Plaintext []byte
}

func (u *uploads) list() []uploadCall {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]uploadCall(nil), u.calls...)
}

func (f mediaFake) Upload(_ context.Context, plaintext []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	return f.up.record(uploadCall{MediaType: mt, Plaintext: bytes.Clone(plaintext)})
}

func (f mediaFake) UploadReader(_ context.Context, r io.Reader, tmp io.ReadWriteSeeker, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	if tmp == nil {
		return whatsmeow.UploadResponse{}, fmt.Errorf("fake: the bridge must bring its temporary file")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return whatsmeow.UploadResponse{}, err
	}
	return f.up.record(uploadCall{MediaType: mt, Reader: true, Plaintext: data})
}

func (u *uploads) record(c uploadCall) (whatsmeow.UploadResponse, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if err := u.fail; err != nil {
		u.fail = nil
		return whatsmeow.UploadResponse{}, err
	}
	u.calls = append(u.calls, c)
	sum := sha256.Sum256(c.Plaintext)
	enc := sha256.Sum256(append([]byte("enc"), c.Plaintext...))
	path := fmt.Sprintf("/v/t62.7118-24/%s_%d_n.enc", hex.EncodeToString(sum[:4]), len(u.calls))
	return whatsmeow.UploadResponse{
		URL: "https://mmg.whatsapp.net" + path, DirectPath: path, MediaKey: bytes.Repeat([]byte{byte(len(u.calls))}, 32),
		FileEncSHA256: enc[:], FileSHA256: sum[:], FileLength: uint64(len(c.Plaintext)),
	}, nil
}

// memSource resolves "mem:<name>" to the bytes kept under name, declaring
// their mimetype and filename as a stored object does.
type memSource struct {
	dir   string
	files map[string]memFile
}

type memFile struct {
	data               []byte
	mimetype, filename string
}

var _ bridge.InputSource = memSource{}

func (m memSource) Resolve(ctx context.Context, src string, limit int64) (*media.Blob, error) {
	in, err := m.ResolveInput(ctx, src, limit)
	return in.Blob, err
}

func (m memSource) ResolveInput(_ context.Context, src string, limit int64) (bridge.MediaInput, error) {
	f, ok := m.files[strings.TrimPrefix(src, "mem:")]
	if !ok {
		return bridge.MediaInput{}, werr.New(werr.KindNotFound, werr.CodeNotFound, "no object %s", src)
	}
	b, err := media.Spool(bytes.NewReader(f.data), m.dir, limit)
	if err != nil {
		return bridge.MediaInput{}, err
	}
	return bridge.MediaInput{Blob: b, Mimetype: f.mimetype, Filename: f.filename}, nil
}

// newMediaEnv is an env whose default session uploads through a mediaFake
// and resolves media from files.
func newMediaEnv(t *testing.T, files map[string]memFile) (*env, mediaFake) {
	t.Helper()
	up := &uploads{}
	dir := t.TempDir()
	return wrappedEnv(t, func(c *fakeClient) mediaFake { return mediaFake{c, up} }, func(c *bridgeConfig) {
		c.Media = memSource{dir: dir, files: files}
		c.MediaPrep = media.Config{TempDir: dir}
	})
}

func jpegOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, gradient(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, gradient(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gradient(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}

// ffmpegMade is what ffmpeg writes for args (a lavfi source, the output
// format); the test is skipped where ffmpeg is not installed (CI has it).
func ffmpegMade(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg is not installed")
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(bin, append(append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...), "-y", out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

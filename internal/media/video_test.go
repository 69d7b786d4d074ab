package media_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

func testVideo(t *testing.T, name, size string, extra ...string) *media.Blob {
	args := []string{"-f", "lavfi", "-i", "testsrc=duration=3:size=" + size + ":rate=10",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=3"}
	return generate(t, name, append(args, extra...)...)
}

func TestVideoMP4KeptWithMetadataAndThumbnail(t *testing.T) {
	in := testVideo(t, "clip.mp4", "320x240", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	p, err := media.Prepare(context.Background(), media.Video, in, media.Options{Mimetype: "video/mp4"}, media.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob != in || p.Mimetype != "video/mp4" || p.Width != 320 || p.Height != 240 || p.Seconds != 3 {
		t.Fatalf("prepared %+v", p)
	}
	th, err := jpeg.Decode(bytes.NewReader(p.Thumbnail))
	if err != nil {
		t.Fatalf("thumbnail: %v", err)
	}
	if b := th.Bounds(); b.Dx() != 72 || b.Dy() != 54 || p.ThumbWidth != 72 || p.ThumbHeight != 54 {
		t.Fatalf("thumbnail %v (%d×%d)", b, p.ThumbWidth, p.ThumbHeight)
	}
}

func TestVideoCompressAndOtherContainersBecomeH264MP4(t *testing.T) {
	cases := map[string]struct {
		in  func(t *testing.T) *media.Blob
		opt media.Options
		w   uint32
		h   uint32
	}{
		"webm": {func(t *testing.T) *media.Blob {
			return testVideo(t, "clip.webm", "320x180", "-c:v", "libvpx", "-c:a", "libopus", "-shortest")
		}, media.Options{}, 320, 180},
		"compress portrait": {func(t *testing.T) *media.Blob {
			return testVideo(t, "tall.mp4", "720x1440", "-c:v", "libx264", "-pix_fmt", "yuv444p", "-c:a", "aac", "-shortest")
		}, media.Options{Compress: true}, 640, 1280},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := c.in(t)
			p, err := media.Prepare(context.Background(), media.Video, in, c.opt, media.Config{TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if !p.Converted(in) || p.Mimetype != "video/mp4" || p.Blob.Mimetype != "video/mp4" || p.Width != c.w || p.Height != c.h || p.Seconds != 3 {
				t.Fatalf("prepared %+v (blob %+v)", p, p.Blob)
			}
			pr := ffprobeStreams(t, p.Blob.Path)
			if pr != "h264 yuv420p,aac" {
				t.Fatalf("streams %q, want H.264 yuv420p and AAC", pr)
			}
			if len(p.Thumbnail) == 0 {
				t.Fatal("no thumbnail")
			}
		})
	}
}

func TestVideoRefusals(t *testing.T) {
	ctx := context.Background()
	_, err := media.Prepare(ctx, media.Video, spool(t, []byte("%PDF-1.4\n")), media.Options{}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)

	mp4 := testVideo(t, "clip.mp4", "160x120", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	_, err = media.Prepare(ctx, media.Video, mp4, media.Options{Mimetype: "image/png"}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)

	data := readBlob(t, mp4)
	_, err = media.Prepare(ctx, media.Video, spool(t, data[:len(data)/4]), media.Options{}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)

	audioOnly := generate(t, "sound.mp4", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac")
	_, err = media.Prepare(ctx, media.Video, audioOnly, media.Options{}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)
}

func TestVideoWithoutFFmpeg(t *testing.T) {
	mp4 := testVideo(t, "clip.mp4", "160x120", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	cfg := noFFmpeg(t)
	_, err := media.Prepare(context.Background(), media.Video, mp4, media.Options{Compress: true}, cfg)
	wantCode(t, err, werr.CodeNotSupported)
	if we := werr.From(err); !bytes.Contains([]byte(we.Message), []byte("ffmpeg")) {
		t.Fatalf("the message must name ffmpeg: %q", we.Message)
	}
	p, err := media.Prepare(context.Background(), media.Video, mp4, media.Options{}, cfg)
	if err != nil || p.Blob != mp4 || p.Width != 0 || p.Seconds != 0 || p.Thumbnail != nil {
		t.Fatalf("an MP4 is sent as it is without metadata when ffmpeg is absent: %+v %v", p, err)
	}
}

// A conversion's output is bounded by the kind's limit (Options.MaxBytes):
// ffmpeg stops writing there and the result is MEDIA_TOO_LARGE, leaving no
// file behind; within the limit it is kept.
func TestVideoConversionBoundedByLimit(t *testing.T) {
	in := testVideo(t, "noise.webm", "320x240", "-c:v", "libvpx", "-b:v", "1M", "-c:a", "libopus", "-shortest")
	ctx := context.Background()
	dir := t.TempDir()
	_, err := media.Prepare(ctx, media.Video, in, media.Options{MaxBytes: 4 << 10}, media.Config{TempDir: dir})
	wantCode(t, err, werr.CodeMediaTooLarge)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("the refused conversion left %d files", len(left))
	}
	p, err := media.Prepare(ctx, media.Video, in, media.Options{MaxBytes: 8 << 20}, media.Config{TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Converted(in) || p.Blob.Size > 8<<20 || p.Seconds != 3 {
		t.Fatalf("prepared %+v (blob %+v)", p, p.Blob)
	}
}

package media_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestAudioKeptWithDuration(t *testing.T) {
	in := generate(t, "song.mp3", "-f", "lavfi", "-i", "sine=frequency=300:duration=4", "-c:a", "libmp3lame")
	p, err := media.Prepare(context.Background(), media.Audio, in, media.Options{Mimetype: "audio/mpeg"}, media.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob != in || p.Mimetype != "audio/mpeg" || p.Seconds != 4 || p.Waveform != nil {
		t.Fatalf("prepared %+v", p)
	}
}

func TestPTTBecomesOpusMonoWithWaveform(t *testing.T) {
	// 2 s of silence then 2 s of tone (stereo, 44.1 kHz): the waveform is
	// flat in its first half and full in its second.
	in := generate(t, "memo.m4a", "-f", "lavfi", "-i",
		"aevalsrc='if(gte(t,2),0.8*sin(2*PI*440*t),0)':s=44100:d=4:c=stereo", "-c:a", "aac")
	p, err := media.Prepare(context.Background(), media.Audio, in, media.Options{PTT: true}, media.Config{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Converted(in) || p.Mimetype != "audio/ogg; codecs=opus" || p.Seconds != 4 {
		t.Fatalf("prepared %+v", p)
	}
	// ffprobe gives Opus' decoding rate (always 48 kHz); the encoded rate
	// is the OpusHead's input rate, which WhatsApp's voice notes have at 16 kHz.
	if got := ffprobeAudio(t, p.Blob.Path); got != "opus 48000 1" {
		t.Fatalf("stream %q, want opus mono", got)
	}
	if channels, rate := ffprobeOpusHead(t, p.Blob.Path); channels != 1 || rate != 16000 {
		t.Fatalf("OpusHead: %d channels at %d Hz, want mono at 16000 Hz", channels, rate)
	}
	if len(p.Waveform) != 64 {
		t.Fatalf("waveform of %d values", len(p.Waveform))
	}
	for i, v := range p.Waveform {
		switch {
		case v > 100:
			t.Fatalf("value %d at %d is over 100", v, i)
		case i < 28 && v > 5:
			t.Fatalf("silence at bar %d is %d: %v", i, v, p.Waveform)
		case i > 36 && v < 80:
			t.Fatalf("tone at bar %d is only %d: %v", i, v, p.Waveform)
		}
	}
}

func TestAudioRefusals(t *testing.T) {
	ctx := context.Background()
	_, err := media.Prepare(ctx, media.Audio, spool(t, []byte("%PDF-1.4\n")), media.Options{PTT: true}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)
	mp3 := generate(t, "a.mp3", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libmp3lame")
	_, err = media.Prepare(ctx, media.Audio, mp3, media.Options{Mimetype: "image/jpeg"}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)
	data := readBlob(t, generate(t, "b.ogg", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libopus"))
	_, err = media.Prepare(ctx, media.Audio, spool(t, data[:60]), media.Options{PTT: true}, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)

	cfg := noFFmpeg(t)
	_, err = media.Prepare(ctx, media.Audio, mp3, media.Options{PTT: true}, cfg)
	wantCode(t, err, werr.CodeNotSupported)
	if !strings.Contains(werr.From(err).Message, "ffmpeg") {
		t.Fatalf("the message must name ffmpeg: %v", err)
	}
	p, err := media.Prepare(ctx, media.Audio, mp3, media.Options{}, cfg)
	if err != nil || p.Blob != mp3 || p.Seconds != 0 {
		t.Fatalf("plain audio is sent as it is, without a duration, when ffmpeg is absent: %+v %v", p, err)
	}
}

func TestFFmpegRunsAreBoundedInTime(t *testing.T) {
	in := generate(t, "long.m4a", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac")
	_, err := media.Prepare(context.Background(), media.Audio, in, media.Options{PTT: true}, media.Config{Timeout: 1})
	wantCode(t, err, werr.CodeTimeout)
}

func TestGenericDeclaredTypesClaimNothing(t *testing.T) {
	ctx := context.Background()
	mp3 := generate(t, "a.mp3", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libmp3lame")
	for _, generic := range []string{"application/octet-stream", "binary/octet-stream"} {
		if _, err := media.Prepare(ctx, media.Audio, mp3, media.Options{Mimetype: generic}, media.Config{}); err != nil {
			t.Fatalf("audio declared %s: %v", generic, err)
		}
		p, err := media.Prepare(ctx, media.Document, mp3, media.Options{Mimetype: generic}, media.Config{})
		if err != nil || p.Mimetype != "audio/mpeg" || p.Filename != "document.mp3" {
			t.Fatalf("a document declared %s takes the sniffed type: %+v %v", generic, p, err)
		}
	}
}

// A playlist names other files; ffmpeg must not follow it even when the
// sniffer calls it audio.
func TestPlaylistsAreNotOpened(t *testing.T) {
	needFFmpeg(t)
	pl := spool(t, []byte("#EXTM3U\n#EXTINF:1,\nfile:/etc/hostname\n"))
	for _, k := range []media.Kind{media.Audio, media.Video} {
		_, err := media.Prepare(context.Background(), k, pl, media.Options{PTT: true, Compress: true}, media.Config{})
		wantCode(t, err, werr.CodeUnsupportedMedia)
	}
}

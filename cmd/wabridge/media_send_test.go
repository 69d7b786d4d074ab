package main

import (
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

// --media-max-size sets the kinds it names and keeps the others' defaults;
// a malformed one refuses to start.
func TestConfigMediaMaxSize(t *testing.T) {
	cfg, err := loadConfig(nil, env(nil))
	if err != nil || cfg.MediaMaxSize != (media.Limits{}) {
		t.Fatalf("default %+v, %v: want zero (the bridge's defaults)", cfg.MediaMaxSize, err)
	}
	cfg, err = loadConfig([]string{"--media-max-size", "image=1KiB,document=2MB", "--ffmpeg", "/opt/ffmpeg/bin/ffmpeg"}, env(nil))
	want := media.DefaultLimits()
	want.Image, want.Document = 1024, 2_000_000
	if err != nil || cfg.MediaMaxSize != want || cfg.FFmpeg != "/opt/ffmpeg/bin/ffmpeg" {
		t.Fatalf("flags: %+v %q, %v", cfg.MediaMaxSize, cfg.FFmpeg, err)
	}
	cfg, err = loadConfig(nil, env(map[string]string{"WABRIDGE_MEDIA_MAX_SIZE": "sticker=512KiB"}))
	if err != nil || cfg.MediaMaxSize.Sticker != 512<<10 || cfg.MediaMaxSize.Video != media.DefaultLimits().Video {
		t.Fatalf("environment: %+v, %v", cfg.MediaMaxSize, err)
	}
	if _, err := loadConfig([]string{"--media-max-size", "gif=1MiB"}, env(nil)); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

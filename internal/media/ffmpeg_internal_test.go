package media

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ffprobe opens only the allowed demuxers: a playlist naming another local
// file (which plain ffprobe follows) is refused.
func TestProbeRefusesPlaylists(t *testing.T) {
	cfg := Config{}
	if !FFmpegAvailable(cfg) {
		t.Skip("ffmpeg and ffprobe are not installed")
	}
	cfg.setDefaults()
	dir := t.TempDir()
	target := filepath.Join(dir, "secret.ts")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", "-f", "mpegts", "-y", target).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pl := filepath.Join(dir, "list.m3u8")
	if err := os.WriteFile(pl, []byte("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nsecret.ts\n#EXT-X-ENDLIST\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=format_name", pl).Output(); err != nil || len(out) == 0 {
		t.Skipf("this ffprobe does not follow playlists itself (%v): nothing to prove", err)
	}
	if pr, err := probeFile(context.Background(), cfg, pl); err == nil {
		t.Fatalf("the playlist was opened: %+v", pr)
	}
}

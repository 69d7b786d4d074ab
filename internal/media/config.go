package media

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// Config says where preparation writes temporary files and which ffmpeg it
// runs. The zero value works: the system's temp dir and ffmpeg/ffprobe on PATH.
type Config struct {
	TempDir string
	FFmpeg  string // "" = "ffmpeg" looked up on PATH
	FFprobe string // "" = "ffprobe" looked up on PATH
	// Timeout bounds one ffmpeg or ffprobe run (default 2 minutes): a stuck
	// conversion must not hold a session's send queue forever.
	Timeout time.Duration
}

func (c *Config) setDefaults() {
	if c.FFmpeg == "" {
		c.FFmpeg = "ffmpeg"
	}
	if c.FFprobe == "" {
		c.FFprobe = "ffprobe"
	}
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Minute
	}
}

// Validate reports settings that cannot work (ffmpeg being absent is not one:
// it only refuses the conversions that need it).
func (c Config) Validate() error {
	var errs []error
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("media: timeout %s is negative", c.Timeout))
	}
	if c.TempDir != "" {
		if st, err := os.Stat(c.TempDir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("media: temp dir %q is not a directory", c.TempDir))
		}
	}
	return errors.Join(errs...)
}

// FFmpegAvailable reports whether both ffmpeg and ffprobe can be run.
func FFmpegAvailable(cfg Config) bool {
	cfg.setDefaults()
	_, err1 := exec.LookPath(cfg.FFmpeg)
	_, err2 := exec.LookPath(cfg.FFprobe)
	return err1 == nil && err2 == nil
}

package media

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// probe is what ffprobe says about a file.
type probe struct {
	Seconds       float64
	Width, Height int // displayed: rotation by ±90° swaps them
	HasVideo      bool
	HasAudio      bool
}

type probeJSON struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		SideData  []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
		Tags struct {
			Rotate string `json:"rotate"`
		} `json:"tags"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// probeFile runs ffprobe; a file it cannot read is UNSUPPORTED_MEDIA.
func probeFile(ctx context.Context, cfg Config, path string) (probe, error) {
	args := append([]string{"-v", "error", "-of", "json",
		"-show_entries", "format=duration:stream=codec_type,width,height:stream_tags=rotate:stream_side_data=rotation"},
		inputArgs(path)...)
	out, err := runOutput(ctx, cfg, cfg.FFprobe, 1<<20, args...)
	if err != nil {
		return probe{}, toolFailed(err, "ffprobe cannot read the media")
	}
	var pj probeJSON
	if err := json.Unmarshal(out, &pj); err != nil {
		return probe{}, fmt.Errorf("reading ffprobe's answer: %w", err)
	}
	return pj.probe(), nil
}

func (pj probeJSON) probe() probe {
	var p probe
	p.Seconds, _ = strconv.ParseFloat(pj.Format.Duration, 64)
	for _, s := range pj.Streams {
		switch s.CodecType {
		case "audio":
			p.HasAudio = true
		case "video":
			if p.HasVideo {
				continue
			}
			p.HasVideo = true
			p.Width, p.Height = s.Width, s.Height
			if quarterTurn(s.Tags.Rotate, s.SideData) {
				p.Width, p.Height = p.Height, p.Width
			}
		}
	}
	return p
}

func quarterTurn(tag string, side []struct {
	Rotation float64 `json:"rotation"`
}) bool {
	deg, _ := strconv.ParseFloat(tag, 64)
	for _, sd := range side {
		if sd.Rotation != 0 {
			deg = sd.Rotation
		}
	}
	return int(math.Abs(deg))%180 == 90
}

// seconds rounds a duration to whole seconds as players show it, a clip
// shorter than half a second being 1 s rather than none.
func seconds(s float64) uint32 {
	if s <= 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return 0
	}
	return uint32(max(1, math.Round(s)))
}

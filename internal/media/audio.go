package media

import (
	"context"
	"strconv"
)

// pttMimetype is what WhatsApp's clients require of a voice note.
const pttMimetype = "audio/ogg; codecs=opus"

// prepareAudio sends audio as it is, with its duration when ffprobe is
// installed (0 without it); a voice note (PTT) is converted to OGG/Opus
// mono 16 kHz with duration and waveform, which needs ffmpeg.
func prepareAudio(ctx context.Context, in *Blob, opt Options, cfg Config) (*Prepared, error) {
	if err := checkFamily(Audio, in, opt.Mimetype); err != nil {
		return nil, err
	}
	if !FFmpegAvailable(cfg) {
		if opt.PTT {
			return nil, needFFmpeg(cfg, "converting a voice note to OGG/Opus")
		}
		return &Prepared{Blob: in, Mimetype: audioMimetype(in.Mimetype)}, nil
	}
	pr, err := probeFile(ctx, cfg, in.Path)
	if err != nil {
		return nil, err
	}
	if !pr.HasAudio {
		return nil, unsupported("the %s file has no audio stream", in.Mimetype)
	}
	if !opt.PTT {
		return &Prepared{Blob: in, Mimetype: audioMimetype(in.Mimetype), Seconds: seconds(pr.Seconds)}, nil
	}
	return preparePTT(ctx, cfg, in, opt.MaxBytes)
}

func preparePTT(ctx context.Context, cfg Config, in *Blob, limit int64) (*Prepared, error) {
	out, err := transcodePTT(ctx, cfg, in, limit)
	if err != nil {
		return nil, err
	}
	p, err := pttPrepared(ctx, cfg, out)
	if err != nil {
		_ = out.Remove()
		return nil, err
	}
	return p, nil
}

func pttPrepared(ctx context.Context, cfg Config, out *Blob) (*Prepared, error) {
	pr, err := probeFile(ctx, cfg, out.Path)
	if err != nil {
		return nil, err
	}
	wave, err := waveform(ctx, cfg, out.Path)
	if err != nil {
		return nil, err
	}
	return &Prepared{Blob: out, Mimetype: pttMimetype, Seconds: seconds(pr.Seconds), Waveform: wave}, nil
}

// pttRate is the sample rate of WhatsApp's own voice notes: a voice note
// of another rate may not play on iOS or Desktop ("audio no longer
// available"). Ogg Opus records it as the input rate of its OpusHead.
const pttRate = 16000

// transcodePTT writes Opus in OGG, mono at 16 kHz, tuned for speech.
func transcodePTT(ctx context.Context, cfg Config, in *Blob, limit int64) (*Blob, error) {
	args := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, inputArgs(in.Path)...)
	args = append(args, "-map", "0:a:0", "-vn", "-c:a", "libopus", "-ac", "1", "-ar", strconv.Itoa(pttRate),
		"-b:a", "32k", "-application", "voip", "-map_metadata", "-1", "-f", "ogg")
	return convertTo(ctx, cfg, in, "converting a voice note to OGG/Opus", "ogg", args, limit)
}

// audioMimetype names Ogg audio as audio/ogg: sniffers say application/ogg,
// which WhatsApp's players do not take for audio.
func audioMimetype(sniffed string) string {
	if baseType(sniffed) == "application/ogg" {
		return "audio/ogg"
	}
	return sniffed
}

package media

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"os"
	"strconv"

	"github.com/wabridge/wabridge/internal/werr"
)

// compressVideoMax is the longest side of a compressed video.
const compressVideoMax = 1280

// prepareVideo sends MP4 as it is (with dimensions, duration and a
// thumbnail when ffmpeg is installed, zero and none without it), and
// converts to H.264/AAC MP4 what WhatsApp's players need converted: other
// containers always, any video when Compress is set. Conversions need ffmpeg.
func prepareVideo(ctx context.Context, in *Blob, opt Options, cfg Config) (*Prepared, error) {
	if err := checkFamily(Video, in, opt.Mimetype); err != nil {
		return nil, err
	}
	convert := opt.Compress || baseType(in.Mimetype) != "video/mp4"
	if !FFmpegAvailable(cfg) {
		if convert {
			return nil, needFFmpeg(cfg, "converting video to H.264 MP4")
		}
		return &Prepared{Blob: in, Mimetype: "video/mp4"}, nil
	}
	pr, err := probeFile(ctx, cfg, in.Path)
	if err != nil {
		return nil, err
	}
	if !pr.HasVideo {
		return nil, unsupported("the %s file has no video stream", in.Mimetype)
	}
	src := in
	if convert {
		if src, err = transcodeVideo(ctx, cfg, in, pr.HasAudio, opt.MaxBytes); err != nil {
			return nil, err
		}
		if pr, err = probeFile(ctx, cfg, src.Path); err != nil {
			_ = src.Remove()
			return nil, err
		}
	}
	p, err := videoPrepared(ctx, cfg, src, pr)
	if err != nil && src != in {
		_ = src.Remove()
	}
	return p, err
}

func videoPrepared(ctx context.Context, cfg Config, src *Blob, pr probe) (*Prepared, error) {
	p := &Prepared{Blob: src, Mimetype: "video/mp4",
		Width: uint32(pr.Width), Height: uint32(pr.Height), Seconds: seconds(pr.Seconds)}
	thumb, err := videoThumbnail(ctx, cfg, src.Path, pr.Seconds)
	if err != nil {
		return nil, err
	}
	c, err := jpeg.DecodeConfig(bytes.NewReader(thumb))
	if err != nil {
		return nil, fmt.Errorf("reading the video thumbnail: %w", err)
	}
	p.Thumbnail, p.ThumbWidth, p.ThumbHeight = thumb, uint32(c.Width), uint32(c.Height)
	return p, nil
}

// videoThumbnail grabs the frame at about one second (the first one of a
// shorter clip), scaled to 72 px on its longest side.
func videoThumbnail(ctx context.Context, cfg Config, path string, secs float64) ([]byte, error) {
	at := min(1.0, secs/2)
	side := strconv.Itoa(thumbMax)
	args := append([]string{"-hide_banner", "-loglevel", "error", "-ss", strconv.FormatFloat(at, 'f', 3, 64)},
		inputArgs(path)...)
	args = append(args, "-frames:v", "1",
		"-vf", "scale='if(gte(iw,ih),"+side+",-2)':'if(gte(iw,ih),-2,"+side+")'",
		"-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "5", "pipe:1")
	out, err := runOutput(ctx, cfg, cfg.FFmpeg, 1<<20, args...)
	if err != nil {
		return nil, toolFailed(err, "no frame could be taken from the video")
	}
	if len(out) == 0 {
		return nil, unsupported("the video has no frame to make a thumbnail of")
	}
	return out, nil
}

// transcodeVideo writes H.264 (yuv420p, even dimensions, longest side
// ≤ 1280) and AAC into an MP4 whose index comes first, so receivers can play
// it while downloading.
func transcodeVideo(ctx context.Context, cfg Config, in *Blob, hasAudio bool, limit int64) (*Blob, error) {
	side := strconv.Itoa(compressVideoMax)
	args := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, inputArgs(in.Path)...)
	args = append(args, "-map", "0:v:0",
		"-vf", "scale='if(gte(iw,ih),min("+side+",iw),-2)':'if(gte(iw,ih),-2,min("+side+",ih))',setsar=1",
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-profile:v", "main")
	if hasAudio {
		args = append(args, "-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2")
	}
	args = append(args, "-movflags", "+faststart", "-map_metadata", "-1", "-f", "mp4")
	return convertTo(ctx, cfg, in, "converting video to H.264 MP4", "mp4", args, limit)
}

// convertTo runs ffmpeg with args plus a new temporary output file, which
// becomes the Blob (hashed and sniffed in place, not copied). The output is
// bounded by limit: ffmpeg stops writing past it (-fs, a truncated file a
// little larger than the bound), and a result over limit is refused.
func convertTo(ctx context.Context, cfg Config, in *Blob, what, ext string, args []string, limit int64) (*Blob, error) {
	out, err := os.CreateTemp(cfg.TempDir, "wabridge-conv-*."+ext)
	if err != nil {
		return nil, fmt.Errorf("%s: creating output file: %w", what, err)
	}
	out.Close()
	args = append(args, "-fs", strconv.FormatInt(limit+1, 10), "-y", "file:"+out.Name())
	if err := run(ctx, cfg, cfg.FFmpeg, nil, args...); err != nil {
		_ = os.Remove(out.Name())
		return nil, toolFailed(err, "%s failed", what)
	}
	if st, err := os.Stat(out.Name()); err != nil || st.Size() > limit {
		_ = os.Remove(out.Name())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return nil, werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge,
			"%s: the result would be larger than the limit of %d bytes", what, limit).
			WithDetails(map[string]any{"limit": limit})
	}
	b, err := blobOfFile(out.Name())
	if err != nil {
		_ = os.Remove(out.Name())
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return b, nil
}

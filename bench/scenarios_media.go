package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

const (
	mediaImageConc  = 20
	mediaImageSends = 40 // two per sender
	mediaRawBucket  = "BENCH_MEDIA"
)

func mediaScenarios(s StoreLoad) []scenario {
	return []scenario{
		{Name: docScenario(s.DocumentBytes), Baseline: "the file's size (MiB)",
			Wabridge: "POST /send/document multipart, streamed, until the contact has it: the bridge's peak resident memory growth (VmRSS sampled, VmHWM) during the send; ratio = growth / file size (issue 8: ≤ 2)",
			run:      (*bench).mediaDocument},
		{Name: fmt.Sprintf("media image sends c=%d", mediaImageConc), Baseline: "raw object-store puts of the same 5 MiB JPEG, 20 concurrent, to the baseline server",
			Wabridge: "20 concurrent POST /send/image multipart of it (upload to WA_MEDIA, resolve, prepare, upload, send); ratio = raw / wabridge throughput (issue 8: ≤ 2)",
			run:      (*bench).mediaImages},
		{Name: fmt.Sprintf("media upload c=%d", mediaImageConc), Baseline: "raw object-store puts of the same 5 MiB JPEG, 20 concurrent, to the baseline server",
			Wabridge: "the REST upload alone: 20 concurrent POST /send/image multipart of it streamed into WA_MEDIA, the command then refused at once (a reply to an unknown message: 404 MESSAGE_NOT_FOUND, before the media is read)",
			run:      (*bench).mediaUploads},
	}
}

// mediaDocument sends one 50 MiB document and reports how much the
// bridge's memory grew meanwhile.
func (b *bench) mediaDocument(ctx context.Context) ([]Row, error) {
	mediaDocBytes := b.store.DocumentBytes
	name := docScenario(mediaDocBytes)
	pid := b.wab.cmd.Process.Pid
	hwmBefore := procStatusMiB(pid, "VmHWM:")
	rss := startRSSSampler(pid)
	start := time.Now()
	body := func() io.Reader { return io.LimitReader(rand.NewChaCha8([32]byte{1}), mediaDocBytes) }
	err := b.postMedia(ctx, "/send/document", "document", "report.pdf", "application/pdf", body,
		map[string]string{"phone": phoneFor(0), "filename": "Report_2024.pdf"})
	elapsed := time.Since(start)
	before, peak := rss.stop()
	if err != nil {
		return nil, err
	}
	hwmAfter := procStatusMiB(pid, "VmHWM:")
	size := float64(mediaDocBytes) / (1 << 20)
	growth := peak - before
	rows := []Row{{Scenario: name, Metric: "rss growth", Kind: KindLatency, Unit: "MiB",
		Baseline: size, Wabridge: growth, Ratio: ratio(growth, size), N: 1}}
	if hwmBefore > 0 && hwmAfter > hwmBefore {
		// The kernel's own peak: catches a spike between two samples.
		rows = append(rows, Row{Scenario: name, Metric: "hwm growth", Kind: KindLatency, Unit: "MiB",
			Baseline: size, Wabridge: hwmAfter - hwmBefore, Ratio: ratio(hwmAfter-hwmBefore, size), N: 1})
	}
	raw, err := b.rawPut(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	rows = append(rows, Row{Scenario: name, Metric: "send time", Kind: KindLatency, Unit: "ms",
		Baseline: ms(raw), Wabridge: ms(elapsed), Ratio: ratio(ms(elapsed), ms(raw)), N: 1})
	return rows, nil
}

// rawPut times one raw object-store put of body to the baseline server:
// the floor of a document send (the bridge streams the upload into its
// object store, then prepares, uploads and sends it).
func (b *bench) rawPut(ctx context.Context, body func() io.Reader) (time.Duration, error) {
	obs, err := b.rawBucket(ctx)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := obs.Put(ctx, jetstream.ObjectMeta{Name: b.run + "-document"}, body()); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// rawBucket is the baseline server's object store the raw puts go to.
func (b *bench) rawBucket(ctx context.Context) (jetstream.ObjectStore, error) {
	obs, err := b.base.js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: mediaRawBucket, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, fmt.Errorf("creating the raw object store: %w", err)
	}
	return obs, nil
}

// rawPuts times the image scenarios' baseline: mediaImageSends raw puts
// of img, mediaImageConc at a time, under names of this run and prefix.
func (b *bench) rawPuts(ctx context.Context, img []byte, prefix string) (Sample, error) {
	obs, err := b.rawBucket(ctx)
	if err != nil {
		return Sample{}, err
	}
	return loop(ctx, mediaImageConc, 0, mediaImageSends, b.load.Duration, func(ctx context.Context, _, i int) error {
		_, err := obs.Put(ctx, jetstream.ObjectMeta{Name: b.run + prefix + strconv.Itoa(i)}, bytes.NewReader(img))
		return err
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// mediaImages compares concurrent image sends with raw object-store puts
// of the same bytes.
func (b *bench) mediaImages(ctx context.Context) ([]Row, error) {
	name := fmt.Sprintf("media image sends c=%d", mediaImageConc)
	img, err := noiseJPEG(int(b.store.ImageBytes))
	if err != nil {
		return nil, err
	}
	base, err := b.rawPuts(ctx, img, "-")
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	rss := startRSSSampler(b.wab.cmd.Process.Pid)
	wab, err := loop(ctx, mediaImageConc, 0, mediaImageSends, b.load.Duration, func(ctx context.Context, w, _ int) error {
		return b.postMedia(ctx, "/send/image", "image", "photo.jpg", "image/jpeg",
			func() io.Reader { return bytes.NewReader(img) }, map[string]string{"phone": phoneFor(w), "caption": "bench"})
	})
	before, peak := rss.stop()
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	mib := float64(len(img)) / (1 << 20)
	rows := []Row{{Scenario: name, Metric: "MiB/s", Kind: KindThroughput, Unit: "MiB/s",
		Baseline: base.Throughput() * mib, Wabridge: wab.Throughput() * mib, Ratio: ratio(base.Throughput(), wab.Throughput()), N: wab.Count}}
	rows = append(rows, compare(name, base, wab)...)
	if before > 0 {
		rows = append(rows, Row{Scenario: name, Metric: "rss", Kind: KindLatency, Unit: "MiB",
			Baseline: before, Wabridge: peak, Ratio: ratio(peak, before), N: wab.Count})
	}
	return rows, nil
}

// mediaUploads measures what the REST adapter adds to a raw put: the
// multipart body streamed into WA_MEDIA and one command round trip.
func (b *bench) mediaUploads(ctx context.Context) ([]Row, error) {
	name := fmt.Sprintf("media upload c=%d", mediaImageConc)
	img, err := noiseJPEG(int(b.store.ImageBytes))
	if err != nil {
		return nil, err
	}
	base, err := b.rawPuts(ctx, img, "-up-")
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	wab, err := loop(ctx, mediaImageConc, 0, mediaImageSends, b.load.Duration, func(ctx context.Context, w, i int) error {
		err := b.postMedia(ctx, "/send/image", "image", "photo.jpg", "image/jpeg", func() io.Reader { return bytes.NewReader(img) },
			map[string]string{"phone": phoneFor(w), "reply_message_id": "true_" + phoneFor(w) + "@s.whatsapp.net_NONE" + strconv.Itoa(i)})
		if err != nil && strings.Contains(err.Error(), "MESSAGE_NOT_FOUND") {
			return nil // uploaded, then refused as planned
		}
		if err == nil {
			return fmt.Errorf("a reply to an unknown message was sent")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("wabridge: %w", err)
	}
	mib := float64(len(img)) / (1 << 20)
	rows := []Row{{Scenario: name, Metric: "MiB/s", Kind: KindThroughput, Unit: "MiB/s",
		Baseline: base.Throughput() * mib, Wabridge: wab.Throughput() * mib, Ratio: ratio(base.Throughput(), wab.Throughput()), N: wab.Count}}
	return append(rows, compare(name, base, wab)...), nil
}

// postMedia POSTs a multipart form whose file part streams from body(), as
// `curl -F field=@filename` does, and expects a 200.
func (b *bench) postMedia(ctx context.Context, path, field, filename, ctype string, body func() io.Reader, fields map[string]string) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() { pw.CloseWithError(writeForm(mw, field, filename, ctype, body(), fields)) }()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.wab.httpURL+path, pr)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	client := &http.Client{Transport: b.wab.http.Transport} // no 30 s bound: a 50 MiB send takes longer on a busy machine
	status, env, err := do(client, req)
	return expectOK(status, env, err)
}

func writeForm(mw *multipart.Writer, field, filename, ctype string, body io.Reader, fields map[string]string) error {
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			return err
		}
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename)}
	h["Content-Type"] = []string{ctype}
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(pw, body); err != nil {
		return err
	}
	return mw.Close()
}

// noiseJPEG is a JPEG of random pixels of about n bytes: noise defeats
// compression, so the size follows the pixel count.
func noiseJPEG(n int) ([]byte, error) {
	rng := rand.New(rand.NewPCG(8, 8))
	side := 1200
	for {
		img := image.NewRGBA(image.Rect(0, 0, side*4/3, side))
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.UintN(256))
		}
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 0xff // opaque
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
			return nil, fmt.Errorf("encoding the bench image: %w", err)
		}
		if buf.Len() >= n*9/10 || side > 4000 {
			return buf.Bytes(), nil
		}
		side = side * 11 / 10
	}
}

// procStatusMiB reads one kB line of /proc/<pid>/status in MiB (0 where
// there is none).
func procStatusMiB(pid int, key string) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// docScenario names the document scenario by its size.
func docScenario(size int64) string {
	return fmt.Sprintf("media document %s", humanMiB(size))
}

func humanMiB(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

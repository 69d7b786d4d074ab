package e2e_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sendPhone is the contact of the reference's media examples.
const sendPhone = "4917612345678"

// Every media example of the reference, multipart and base64 alike,
// answers 200, and the virtual contact decrypts exactly the bytes the
// result names (for content sent as it came, the file's own); bad input
// gets its own code and sends nothing. The bridge is its own: a small
// image limit, and no --fetch-allow, so loopback URLs are refused.
func TestMediaExamplesOfTheReference(t *testing.T) {
	t.Parallel()
	files := sendFiles(t)
	b := startBridge(t, bridgeOpts{extra: []string{"--media-max-size", "image=200KiB"}})
	b.login("default")
	quoted := sendInboundText(t, b, "send me the chart")

	for _, ex := range []struct {
		name, path string
		fields     map[string]string
		file       sendFile // sent as the part named file.part; zero = none
		json       map[string]any
		typ        string
		asItCame   []byte // the content the contact must get, when not converted
	}{
		{name: "image multipart", path: "/send/image", typ: "image", asItCame: files.jpeg,
			fields: map[string]string{"phone": sendPhone, "caption": "Check this image!", "view_once": "true", "compress": "false", "reply_message_id": quoted},
			file:   sendFile{part: "image", name: "image.jpg", data: files.jpeg}},
		{name: "image base64", path: "/send/image", typ: "image", asItCame: files.jpeg,
			json: map[string]any{"phone": sendPhone, "caption": "Amazing picture!", "image": sendDataURL("image/jpeg", files.jpeg), "view_once": true, "compress": false}},
		{name: "voice note multipart", path: "/send/audio", typ: "audio",
			fields: map[string]string{"phone": sendPhone, "ptt": "true"},
			file:   sendFile{part: "audio", name: "audio.mp3", data: files.mp3}},
		{name: "video multipart", path: "/send/video", typ: "video",
			fields: map[string]string{"phone": sendPhone, "caption": "Watch this video!", "view_once": "true", "compress": "true"},
			file:   sendFile{part: "video", name: "video.mp4", data: files.mp4}},
		{name: "document multipart", path: "/send/document", typ: "document", asItCame: files.pdf,
			fields: map[string]string{"phone": sendPhone, "filename": "Report_2024.pdf"},
			file:   sendFile{part: "document", name: "document.pdf", data: files.pdf}},
		{name: "sticker multipart", path: "/send/sticker", typ: "sticker", asItCame: files.webp,
			fields: map[string]string{"phone": sendPhone},
			file:   sendFile{part: "sticker", name: "sticker.webp", data: files.webp}},
		{name: "sticker base64", path: "/send/sticker", typ: "sticker", asItCame: files.webp,
			json: map[string]any{"phone": sendPhone, "sticker": sendDataURL("image/webp", files.webp)}},
	} {
		var status int
		var env envelope
		if ex.json != nil {
			status, env = b.do("POST", ex.path, ex.json, nil)
		} else {
			status, env = postSendMultipart(t, b, ex.path, ex.fields, ex.file)
		}
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s %s", ex.name, status, env.Code, env.Message)
		}
		var res struct {
			MessageID string `json:"message_id"`
			Timestamp string `json:"timestamp"`
			SHA256    string `json:"sha256"`
			Size      int64  `json:"size"`
			Mimetype  string `json:"mimetype"`
		}
		mustJSON(t, env.Data, &res)
		if res.MessageID == "" || res.Timestamp == "" || res.Mimetype == "" || res.Size == 0 {
			t.Fatalf("%s: result %s", ex.name, env.Data)
		}
		if ex.asItCame != nil && res.SHA256 != sendSHA256(ex.asItCame) {
			t.Errorf("%s: result sha256 %s, want the file's %s", ex.name, res.SHA256, sendSHA256(ex.asItCame))
		}
		got := sendDelivery(t, b, res.MessageID)
		if got.Type != ex.typ || got.SHA256 != res.SHA256 || got.Size != res.Size || got.MediaError != "" {
			t.Errorf("%s: the contact got %+v, want a %s of sha256 %s, %d bytes", ex.name, got, ex.typ, res.SHA256, res.Size)
		}
		switch ex.name {
		case "image multipart":
			if !got.ViewOnce || got.Caption != "Check this image!" || got.QuotedID == "" {
				t.Errorf("%s: %+v, want view once, the caption and the quote", ex.name, got)
			}
		case "voice note multipart":
			if !got.PTT || got.Mimetype != "audio/ogg; codecs=opus" || got.Seconds == 0 {
				t.Errorf("%s: %+v, want an OGG/Opus voice note with its seconds", ex.name, got)
			}
		case "document multipart":
			if got.Filename != "Report_2024.pdf" || got.Mimetype != "application/pdf" {
				t.Errorf("%s: %+v, want Report_2024.pdf as application/pdf", ex.name, got)
			}
		}
	}

	before := len(b.outbox())
	big := make([]byte, 300<<10)
	_, _ = rand.Read(big)
	for _, bad := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"oversize image", map[string]any{"image": sendDataURL("image/jpeg", append(bytes.Clone(files.jpeg), big...))}, "MEDIA_TOO_LARGE"},
		{"a PDF as image", map[string]any{"image": sendDataURL("application/pdf", files.pdf)}, "UNSUPPORTED_MEDIA"},
		{"truncated base64", map[string]any{"image": "data:image/jpeg;base64,/9j/4AAQSkZJR"}, "INVALID_PAYLOAD"},
		{"a data: URL whose type lies", map[string]any{"image": sendDataURL("image/jpeg", files.pdf)}, "UNSUPPORTED_MEDIA"},
		{"a URL to a private address", map[string]any{"image": "http://127.0.0.1:9/photo.jpg"}, "URL_NOT_ALLOWED"},
		{"a missing object", map[string]any{"image": "nats-object://WA_MEDIA/missing.jpg"}, "NOT_FOUND"},
		// The magic numbers answer media sends as they answer texts.
		{"a number without WhatsApp", map[string]any{"phone": "9994917600001", "image": sendDataURL("image/jpeg", files.jpeg)}, "NOT_ON_WHATSAPP"},
		{"a rate-limited number", map[string]any{"phone": "9984917600001", "image": sendDataURL("image/jpeg", files.jpeg)}, "RATE_LIMITED"},
	} {
		if bad.body["phone"] == nil {
			bad.body["phone"] = sendPhone
		}
		status, env := b.do("POST", "/send/image", bad.body, nil)
		if status == http.StatusOK || env.Code != bad.code {
			t.Errorf("%s: %d %s %s, want %s", bad.name, status, env.Code, env.Message, bad.code)
		}
	}
	if after := len(b.outbox()); after != before {
		t.Fatalf("refused sends reached the contact: outbox %d → %d", before, after)
	}
}

// sendFile is a file part of a multipart request.
type sendFile struct {
	part, name string
	data       []byte
}

// postSendMultipart posts fields and file as curl -F does.
func postSendMultipart(t *testing.T, b *bridgeProc, path string, fields map[string]string, file sendFile) (int, envelope) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file.part != "" {
		fw, err := w.CreateFormFile(file.part, file.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(file.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.httpURL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if b.session != "" {
		req.Header.Set("X-Session", b.session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("POST %s: %d, not an envelope: %s", path, resp.StatusCode, raw)
	}
	return resp.StatusCode, env
}

// sendDelivered is a media delivery of the sandbox outbox.
type sendDelivered struct {
	MessageID  string `json:"message_id"`
	Type       string `json:"type"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	Mimetype   string `json:"mimetype"`
	Filename   string `json:"filename"`
	Caption    string `json:"caption"`
	PTT        bool   `json:"ptt"`
	ViewOnce   bool   `json:"view_once"`
	Seconds    uint32 `json:"seconds"`
	QuotedID   string `json:"quoted_message_id"`
	MediaError string `json:"media_error"`
}

func sendDelivery(t *testing.T, b *bridgeProc, id string) sendDelivered {
	t.Helper()
	_, env := b.do("GET", "/sandbox/outbox", nil, nil)
	var all []sendDelivered
	mustJSON(t, env.Data, &all)
	for _, d := range all {
		if d.MessageID == id {
			return d
		}
	}
	t.Fatalf("%s is not in the outbox", id)
	return sendDelivered{}
}

// sendInboundText has the examples' contact write to the session and answers
// the message's id, for a reply to quote.
func sendInboundText(t *testing.T, b *bridgeProc, text string) string {
	t.Helper()
	status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": sendPhone, "message": text}, nil)
	if status != http.StatusOK {
		t.Fatalf("POST /sandbox/inbound: %d %s %s", status, env.Code, env.Message)
	}
	var d struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &d)
	return d.MessageID
}

// sendInputs are the examples' files: a JPEG and a PDF made here, and an
// MP3, an MP4 and a 512×512 WebP made by ffmpeg (which CI installs).
type sendInputs struct{ jpeg, pdf, mp3, mp4, webp []byte }

func sendFiles(t *testing.T) sendInputs {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	return sendInputs{
		jpeg: j.Bytes(),
		pdf:  []byte("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"),
		mp3:  sendFFmpeg(t, "a.mp3", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "libmp3lame"),
		mp4:  sendFFmpeg(t, "v.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
		webp: sendFFmpeg(t, "s.webp", "-f", "lavfi", "-i", "color=c=red@0.5:s=512x512,format=rgba", "-frames:v", "1", "-c:v", "libwebp", "-lossless", "1"),
	}
}

func sendFFmpeg(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg is not installed (CI installs it)")
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(bin, append(append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...), "-y", out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %s: %v: %s", name, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sendDataURL(mimetype string, data []byte) string {
	return "data:" + mimetype + ";base64," + base64.StdEncoding.EncodeToString(data)
}

func sendSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

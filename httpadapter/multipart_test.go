package httpadapter_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// The reference's send.image curl example, as written: the file lands in
// WA_MEDIA and the command carries its reference, the text fields typed by
// the schema.
func TestMultipartReferenceExample(t *testing.T) {
	e := newMediaEnv(t, nil)
	img := randomBytes(t, 300<<10)
	resp, env := e.post(t, "/send/image", nil,
		text("phone", "4917612345678"),
		text("caption", "Check this image!"),
		text("view_once", "true"),
		text("compress", "false"),
		text("reply_message_id", "false_120363xxx@g.us_xxx"),
		file("image", "image.jpg", "image/jpeg", img))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %v", resp.StatusCode, env)
	}
	data := echoOf(t, env).Data
	if data["phone"] != "4917612345678" || data["caption"] != "Check this image!" || data["view_once"] != true ||
		data["compress"] != false || data["reply_message_id"] != "false_120363xxx@g.us_xxx" {
		t.Fatalf("fields = %v", data)
	}
	ref, _ := data["image"].(string)
	bucket, name, ok := mediastore.ParseRef(ref)
	if !ok || bucket != "WA_MEDIA" || !strings.HasPrefix(name, "upload/") {
		t.Fatalf("image = %q", ref)
	}
	rc, info, err := e.store.Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || hexSHA(got) != hexSHA(img) || info.SHA256 != hexSHA(img) || info.Filename != "image.jpg" || info.Mimetype != "image/jpeg" {
		t.Fatalf("stored %d bytes, info %+v, %v", len(got), info, err)
	}
}

func TestMultipartOtherRoutesAndFields(t *testing.T) {
	e := newMediaEnv(t, nil)
	doc := randomBytes(t, 1000)
	resp, env := e.post(t, "/send/document", nil, text("phone", "4917612345678"),
		file("document", "report.pdf", "application/octet-stream", doc), text("filename", "Report_2024.pdf"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("document: %d %v", resp.StatusCode, env)
	}
	data := echoOf(t, env).Data
	_, name, _ := mediastore.ParseRef(data["document"].(string))
	info, err := e.store.Stat(context.Background(), name)
	if err != nil || info.Mimetype != "" || info.Filename != "report.pdf" || data["filename"] != "Report_2024.pdf" {
		t.Fatalf("document info %+v, data %v, %v", info, data, err)
	}

	resp, env = e.post(t, "/group/photo", nil, text("group_id", "120363xxx@g.us"), file("image", "g.jpg", "image/jpeg", randomBytes(t, 100)))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(echoOf(t, env).Data["image"].(string), "nats-object://WA_MEDIA/upload/") {
		t.Fatalf("group photo: %d %v", resp.StatusCode, env)
	}

	// Integers convert, arrays collect repeated fields, what does not
	// convert stays text for the schema to judge, and a media field given
	// as text is a source like in JSON.
	resp, env = e.post(t, "/send/image", nil, text("phone", "1"), text("duration", "42"), text("mentions", "a"),
		text("mentions", "b"), text("view_once", "yes"), text("image", "https://example.com/a.jpg"))
	data = echoOf(t, env).Data
	if resp.StatusCode != http.StatusOK || data["duration"] != float64(42) || !equalJSON(data["mentions"], []string{"a", "b"}) ||
		data["view_once"] != "yes" || data["image"] != "https://example.com/a.jpg" {
		t.Fatalf("coercion: %d %v", resp.StatusCode, data)
	}
	if left := e.objects(t); len(left) != 2 {
		t.Fatalf("objects = %v, want the document and the group photo", left)
	}
}

func TestMultipartRefusals(t *testing.T) {
	e := newMediaEnv(t, func(c *httpadapter.Config) {
		c.Media.Limits = media.Limits{Image: 1000}
		c.Media.MaxUploadBytes = 64 << 10
	})
	for _, tc := range []struct {
		name     string
		path     string
		parts    []formPart
		header   map[string]string
		wantCode int
		wantErr  string
	}{
		{name: "image over its limit", path: "/send/image", parts: []formPart{text("phone", "1"), file("image", "a.jpg", "image/jpeg", randomBytes(t, 1001))},
			wantCode: 413, wantErr: "MEDIA_TOO_LARGE"},
		{name: "body over the upload bound", path: "/send/document", parts: []formPart{file("document", "a.pdf", "", randomBytes(t, 100<<10))},
			wantCode: 413, wantErr: "PAYLOAD_TOO_LARGE"},
		{name: "a file for a text field", path: "/send/image", parts: []formPart{file("phone", "p.txt", "text/plain", []byte("1"))},
			wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "a field twice", path: "/send/image", parts: []formPart{text("phone", "1"), text("phone", "2")},
			wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "a stored file, then a field twice", path: "/send/image",
			parts:    []formPart{file("image", "a.jpg", "image/jpeg", randomBytes(t, 10)), text("phone", "1"), text("phone", "2")},
			wantCode: 400, wantErr: "INVALID_PAYLOAD"},
		{name: "route without media", path: "/send/message", parts: []formPart{text("phone", "1")},
			wantCode: 415, wantErr: "UNSUPPORTED_MEDIA_TYPE"},
		// A browser form can post multipart across sites.
		{name: "cross-site form", path: "/send/image", parts: []formPart{file("image", "a.jpg", "image/jpeg", randomBytes(t, 10))},
			header: map[string]string{"Origin": "http://evil.example"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "cross-site fetch mark", path: "/send/image", parts: []formPart{file("image", "a.jpg", "image/jpeg", randomBytes(t, 10))},
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, wantCode: 403, wantErr: "FORBIDDEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, env := e.post(t, tc.path, tc.header, tc.parts...)
			if resp.StatusCode != tc.wantCode || env["code"] != tc.wantErr {
				t.Fatalf("status %d %v, want %d %s", resp.StatusCode, env, tc.wantCode, tc.wantErr)
			}
			if left := e.objects(t); len(left) != 0 {
				t.Fatalf("a refused request left objects: %v", left)
			}
		})
	}
	// Malformed bodies.
	for _, body := range []string{"--x\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n1", "garbage", "--x\r\n\r\nno name\r\n--x--"} {
		resp, env := callBody(t, e.srv, http.MethodPost, "/send/image", strings.NewReader(body),
			map[string]string{"Content-Type": "multipart/form-data; boundary=x"})
		if resp.StatusCode != http.StatusBadRequest || env["code"] != "INVALID_PAYLOAD" {
			t.Fatalf("%q: %d %v", body, resp.StatusCode, env)
		}
	}
	resp, env := callBody(t, e.srv, http.MethodPost, "/send/image", strings.NewReader("x"), map[string]string{"Content-Type": "multipart/form-data"})
	if resp.StatusCode != http.StatusBadRequest || env["code"] != "INVALID_PAYLOAD" {
		t.Fatalf("no boundary: %d %v", resp.StatusCode, env)
	}
}

// JSON keeps working on media routes.
func TestMediaRouteTakesJSON(t *testing.T) {
	e := newMediaEnv(t, nil)
	resp, env := call(t, e.srv, http.MethodPost, "/send/image", `{"phone":"1","image":"data:image/jpeg;base64,/9j/","view_once":true}`, nil)
	if resp.StatusCode != http.StatusOK || echoOf(t, env).Data["view_once"] != true {
		t.Fatalf("%d %v", resp.StatusCode, env)
	}
}

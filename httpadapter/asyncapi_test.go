package httpadapter_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wabridge/wabridge/httpadapter"
)

// asyncDoc has keys out of alphabetical order and scalars YAML would
// misread unquoted.
const asyncDoc = `{"asyncapi":"3.0.0","info":{"title":"wabridge","version":"1.0","description":"line one\nline two: é 😀"},` +
	`"channels":{"wa.{session}.evt.{chat}.message.received":{"address":"wa.{session}.evt.{chat}.message.received","messages":{}}},` +
	`"x-samples":["true","null","007",true,null,3,2.5,-1e3,[],{"#":"@"}]}`

func get(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestAsyncAPIServed(t *testing.T) {
	nc := startNATS(t)
	srv := newServer(t, nc, func(c *httpadapter.Config) { c.AsyncAPI = []byte(asyncDoc) })

	resp, body := get(t, srv.URL+"/asyncapi.json", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || string(body) != asyncDoc {
		t.Fatalf("json: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	resp, body = get(t, srv.URL+"/asyncapi.yaml", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("yaml: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal(body, &fromYAML); err != nil {
		t.Fatalf("yaml does not parse: %v\n%s", err, body)
	}
	if err := json.Unmarshal([]byte(asyncDoc), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if !equalJSON(fromYAML, fromJSON) {
		t.Errorf("yaml says\n%v\nwant\n%v\n%s", fromYAML, fromJSON, body)
	}
	y := string(body)
	if i, j := strings.Index(y, "info:"), strings.Index(y, "channels:"); i < 0 || j < i {
		t.Errorf("yaml lost the document's key order:\n%s", y)
	}
	if strings.HasPrefix(strings.TrimSpace(y), "{") {
		t.Errorf("yaml is the JSON in flow style:\n%s", y)
	}
}

func TestAsyncAPIAuthAndAbsence(t *testing.T) {
	nc := startNATS(t)
	locked := newServer(t, nc, func(c *httpadapter.Config) {
		c.AsyncAPI = []byte(asyncDoc)
		c.Auth = httpadapter.Auth{BearerTokens: []string{"s3cret"}}
	})
	none := newServer(t, nc, nil)
	for _, path := range []string{"/asyncapi.json", "/asyncapi.yaml"} {
		if resp, _ := get(t, locked.URL+path, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without credentials: %d", path, resp.StatusCode)
		}
		if resp, _ := get(t, locked.URL+path, map[string]string{"Authorization": "Bearer s3cret"}); resp.StatusCode != http.StatusOK {
			t.Errorf("%s with credentials: %d", path, resp.StatusCode)
		}
		if resp, _ := get(t, none.URL+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s without a document: %d", path, resp.StatusCode)
		}
	}
	if _, err := httpadapter.New(httpadapter.Config{Bus: nc, Log: discard(), AsyncAPI: []byte("{not json")}); err == nil {
		t.Error("New accepted an AsyncAPI document that is not JSON")
	}
}

// FuzzAsyncAPIYAML checks that any JSON document reads back from its YAML
// form as the same value.
func FuzzAsyncAPIYAML(f *testing.F) {
	f.Add(asyncDoc)
	f.Add(`[]`)
	f.Add(`"~"`)
	f.Add(`{"a":{"b":[1,{"c":"- x"}]},"":": "}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var want any
		if json.Unmarshal([]byte(doc), &want) != nil {
			return
		}
		h, err := httpadapter.New(httpadapter.Config{Bus: memBus{t}, Log: discard(), AsyncAPI: []byte(doc)})
		if err != nil {
			t.Fatalf("New refused valid JSON %q: %v", doc, err)
		}
		rec := serve(h, "/asyncapi.yaml")
		var got any
		if err := yaml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("yaml of %q does not parse: %v\n%s", doc, err, rec.Body)
		}
		if !equalJSON(numbersAsJSON(t, got), want) {
			t.Errorf("yaml of %q reads back as %v, want %v\n%s", doc, got, want, rec.Body)
		}
	})
}

// serve answers one GET in-process, from a loopback host.
func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3000"+path, nil))
	return rec
}

// numbersAsJSON reads YAML's ints (exact, up to uint64) as JSON's float64s,
// so the two decodings compare.
func numbersAsJSON(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding %v: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("re-decoding %s: %v", b, err)
	}
	return out
}

package commands_test

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/schemas"
)

// commandSchema reads a command's schema file as the catalog names it,
// apart from the document, so the test does not check the builder with
// itself.
func commandSchema(t *testing.T, s commands.Spec) (props map[string]map[string]any, required []string) {
	t.Helper()
	raw, err := fs.ReadFile(schemas.FS(), s.Schema)
	if err != nil {
		t.Fatalf("%s: %v", s.Name, err)
	}
	var doc struct {
		Properties map[string]map[string]any `json:"properties"`
		Required   []string                  `json:"required"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", s.Name, err)
	}
	return doc.Properties, doc.Required
}

// TestOpenAPIMediaRoutesTakeUploads: every REST command with a field named
// like a media kind (the fields the REST adapter streams into the object
// store) documents a multipart/form-data body with that field a binary
// file and every other field typed as in its schema; commands without one
// document JSON only.
func TestOpenAPIMediaRoutesTakeUploads(t *testing.T) {
	doc, _ := openAPIDoc(t)
	paths := doc["paths"].(map[string]any)
	ginParam := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	var withMedia []string
	for _, s := range commands.Catalog() {
		if s.Method == "" || s.Path == "" {
			continue
		}
		props, required := commandSchema(t, s)
		var files []string
		for name := range props {
			if media.Kind(name).Valid() {
				files = append(files, name)
			}
		}
		op, _ := paths[ginParam.ReplaceAllString(s.Path, "{$1}")].(map[string]any)[strings.ToLower(s.Method)].(map[string]any)
		body, _ := op["requestBody"].(map[string]any)
		content, _ := body["content"].(map[string]any)
		form, hasForm := content["multipart/form-data"].(map[string]any)
		if len(files) == 0 {
			if hasForm {
				t.Errorf("%s takes no media but documents a multipart body", s.Name)
			}
			continue
		}
		withMedia = append(withMedia, s.Name)
		if !hasForm || content["application/json"] == nil {
			t.Errorf("%s has media fields %v: want both a JSON and a multipart/form-data body, got %v", s.Name, files, sortedMapKeys(content))
			continue
		}
		checkForm(t, s.Name, form, props, required, files, ginParam.FindAllStringSubmatch(s.Path, -1))
		// The JSON alternative says what a media field is there.
		desc, _ := body["description"].(string)
		for _, want := range []string{"data:", "http", "nats-object://WA_MEDIA/"} {
			if !strings.Contains(desc, want) {
				t.Errorf("%s: the request body's description does not name %q sources: %q", s.Name, want, desc)
			}
			for _, f := range files {
				if d, _ := props[f]["description"].(string); !strings.Contains(d, want) {
					t.Errorf("%s: the schema's %s field does not name %q sources", s.Name, f, want)
				}
			}
		}
	}
	// The reference's media commands; the catalog may add more.
	for _, want := range []string{"send.image", "send.audio", "send.video", "send.document", "send.sticker", "group.photo"} {
		if !slices.Contains(withMedia, want) {
			t.Errorf("%s not seen as a media command (seen %v)", want, withMedia)
		}
	}
}

func checkForm(t *testing.T, name string, form map[string]any, props map[string]map[string]any, required, files []string, pathParams [][]string) {
	t.Helper()
	schema, _ := form["schema"].(map[string]any)
	fields, _ := schema["properties"].(map[string]any)
	encoding, _ := form["encoding"].(map[string]any)
	inPath := func(f string) bool {
		return slices.ContainsFunc(pathParams, func(m []string) bool { return m[1] == f })
	}
	for f, prop := range props {
		got, _ := fields[f].(map[string]any)
		switch {
		case inPath(f):
			if got != nil {
				t.Errorf("%s: path parameter %s is also a form field", name, f)
			}
		case slices.Contains(files, f):
			if got["type"] != "string" || got["format"] != "binary" {
				t.Errorf("%s: form field %s = %v, want a binary string", name, f, got)
			}
			if enc, _ := encoding[f].(map[string]any); enc["contentType"] == nil {
				t.Errorf("%s: form field %s has no encoding contentType", name, f)
			}
		case got == nil:
			t.Errorf("%s: field %s missing from the form", name, f)
		case !equalJSON(got["type"], prop["type"]):
			t.Errorf("%s: form field %s has type %v, the schema says %v", name, f, got["type"], prop["type"])
		case prop["type"] == "array":
			if enc, _ := encoding[f].(map[string]any); enc["explode"] != true {
				t.Errorf("%s: array field %s is not documented as a repeated part: %v", name, f, enc)
			}
		}
	}
	if len(fields) != len(props)-len(pathParams) {
		t.Errorf("%s: form fields %v, schema fields %v", name, sortedMapKeys(fields), sortedMapKeys(props))
	}
	var gotReq []string
	reqs, _ := schema["required"].([]any)
	for _, r := range reqs {
		gotReq = append(gotReq, r.(string))
	}
	wantReq := slices.DeleteFunc(slices.Clone(required), inPath)
	slices.Sort(gotReq)
	slices.Sort(wantReq)
	if !slices.Equal(gotReq, wantReq) {
		t.Errorf("%s: form requires %v, the schema %v", name, gotReq, wantReq)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

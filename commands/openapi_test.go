package commands_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wabridge/wabridge/commands"
)

func openAPIDoc(t *testing.T) (map[string]any, []byte) {
	t.Helper()
	raw, err := commands.OpenAPI("1.2.3")
	if err != nil {
		t.Fatalf("OpenAPI: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("document is not JSON: %v", err)
	}
	return doc, raw
}

func TestOpenAPIHasEveryCommand(t *testing.T) {
	doc, _ := openAPIDoc(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	if v := doc["info"].(map[string]any)["version"]; v != "1.2.3" {
		t.Errorf("info.version = %v", v)
	}
	paths := doc["paths"].(map[string]any)
	ginParam := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	for _, s := range commands.Catalog() {
		p := ginParam.ReplaceAllString(s.Path, "{$1}")
		item, ok := paths[p].(map[string]any)
		if !ok {
			t.Errorf("%s: path %s missing", s.Name, p)
			continue
		}
		op, ok := item[strings.ToLower(s.Method)].(map[string]any)
		if !ok {
			t.Errorf("%s: no %s operation at %s", s.Name, s.Method, p)
			continue
		}
		if op["operationId"] != s.Name || op["x-cloudevent-type"] != commands.TypeOf(s.Name) {
			t.Errorf("%s: operationId %v, x-cloudevent-type %v", s.Name, op["operationId"], op["x-cloudevent-type"])
		}
	}
	for _, static := range []string{"/healthz", "/readyz", "/openapi.json", "/sandbox/scan", "/sandbox/inbound", "/sandbox/outbox"} {
		if _, ok := paths[static]; !ok {
			t.Errorf("static path %s missing", static)
		}
	}
}

func TestOpenAPIQueryParameters(t *testing.T) {
	doc, _ := openAPIDoc(t)
	op := doc["paths"].(map[string]any)["/app/login-with-code"].(map[string]any)["get"].(map[string]any)
	for _, p := range op["parameters"].([]any) {
		p := p.(map[string]any)
		if p["name"] == "phone" {
			if p["in"] != "query" || p["required"] != true || p["schema"].(map[string]any)["type"] != "string" {
				t.Errorf("phone parameter = %v", p)
			}
			return
		}
	}
	t.Error("app.login_with_code has no phone query parameter")
}

func TestOpenAPIIsDeterministic(t *testing.T) {
	_, a := openAPIDoc(t)
	_, b := openAPIDoc(t)
	if !bytes.Equal(a, b) {
		t.Error("two builds differ")
	}
}

// TestOpenAPIRefsResolve follows every $ref: the document must stand alone.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc, _ := openAPIDoc(t)
	refs := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				refs++
				if _, err := resolvePointer(doc, r); err != "" {
					t.Errorf("$ref %q: %s", r, err)
				}
			}
			for _, sub := range v {
				walk(sub)
			}
		case []any:
			for _, sub := range v {
				walk(sub)
			}
		}
	}
	walk(doc)
	if refs == 0 {
		t.Fatal("no $ref found; the walk is broken")
	}
}

func resolvePointer(doc any, ref string) (any, string) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, "not a reference inside the document"
	}
	frag, err := url.PathUnescape(frag)
	if err != nil {
		return nil, err.Error()
	}
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "pointer goes through a non-object at " + tok
		}
		if cur, ok = m[tok]; !ok {
			return nil, "no member " + tok
		}
	}
	return cur, ""
}

// TestOpenAPIRequestSchemasValidate compiles the send.message request body
// schema straight out of the document, as 2020-12.
func TestOpenAPIRequestSchemasValidate(t *testing.T) {
	doc, _ := openAPIDoc(t)
	const base = "https://openapi.test/openapi.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(base, doc); err != nil {
		t.Fatalf("adding document: %v", err)
	}
	body := doc["paths"].(map[string]any)["/send/message"].(map[string]any)["post"].(map[string]any)["requestBody"]
	ref := body.(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string)
	sch, err := c.Compile(base + ref)
	if err != nil {
		t.Fatalf("compiling %s: %v", ref, err)
	}
	tests := []struct {
		name  string
		body  string
		valid bool
	}{
		{"text to a number", `{"phone":"4917612345678","message":"hi"}`, true},
		{"with options", `{"phone":"x@g.us","message":"hi","mentions":["1"],"is_forwarded":true}`, true},
		{"no message", `{"phone":"4917612345678"}`, false},
		{"empty message", `{"phone":"4917612345678","message":""}`, false},
		{"unknown field", `{"phone":"1","message":"hi","typo":1}`, false},
		{"wrong type", `{"phone":1,"message":"hi"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); (err == nil) != tt.valid {
				t.Errorf("valid = %v, want %v (%v)", err == nil, tt.valid, err)
			}
		})
	}
	// Every command's component compiles too.
	for _, s := range commands.Catalog() {
		key := strings.ReplaceAll(strings.TrimSuffix(s.Schema, ".json"), "/", ".")
		if _, err := c.Compile(base + "#/components/schemas/" + key); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
}

// TestOpenAPICodesMatchREADME keeps the code enum equal to the README's
// error catalog.
func TestOpenAPICodesMatchREADME(t *testing.T) {
	doc, _ := openAPIDoc(t)
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Error codes")
	if !ok {
		t.Fatal("README has no error catalog")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var want []string
	row := regexp.MustCompile("(?m)^\\|([^|]*)\\|")
	code := regexp.MustCompile("`([A-Z][A-Z_]+)`")
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		for _, c := range code.FindAllStringSubmatch(m[1], -1) {
			want = append(want, c[1])
		}
	}
	slices.Sort(want)
	env := doc["components"].(map[string]any)["schemas"].(map[string]any)["Envelope"].(map[string]any)
	var got []string
	for _, c := range env["properties"].(map[string]any)["code"].(map[string]any)["enum"].([]any) {
		got = append(got, c.(string))
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("code enum %v\nREADME      %v", got, want)
	}
}

func TestOpenAPINeedsVersion(t *testing.T) {
	if _, err := commands.OpenAPI(""); err == nil {
		t.Error("empty version accepted")
	}
}

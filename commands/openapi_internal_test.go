package commands

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// TestOpenAPIRewritesRefs covers reference forms the shipped schemas do not
// use yet: local pointers, relative and absolute file references, and path
// parameters taken out of a body schema.
func TestOpenAPIRewritesRefs(t *testing.T) {
	fsys := fstest.MapFS{
		"commands/x.do.json": {Data: []byte(`{"$id":"https://wabridge.io/schemas/commands/x.do.json",
			"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["id","to"],
			"properties":{"id":{"type":"string","pattern":"^[0-9]+$"},"to":{"$ref":"#/$defs/jid"},
			"media":{"$ref":"../common/media.json"},"abs":{"$ref":"https://wabridge.io/schemas/common/media.json#/$defs/url"}},
			"$defs":{"jid":{"type":"string","minLength":3}}}`)},
		"common/media.json": {Data: []byte(`{"type":"object","properties":{"url":{"$ref":"#/$defs/url"}},
			"$defs":{"url":{"type":"string"}}}`)},
	}
	catalog := []Spec{{Name: "x.do", Method: http.MethodPost, Path: "/x/:id/do", Schema: "commands/x.do.json"}}
	raw, err := openAPI(fsys, catalog, "t")
	if err != nil {
		t.Fatalf("openAPI: %v", err)
	}
	for _, want := range []string{
		`"$ref": "#/components/schemas/commands.x.do/$defs/jid"`,
		`"$ref": "#/components/schemas/common.media"`,
		`"$ref": "#/components/schemas/common.media/$defs/url"`,
		`"/x/{id}/do"`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("document lacks %s", want)
		}
	}
	if strings.Contains(string(raw), `"$id"`) || strings.Contains(string(raw), `"$schema"`) {
		t.Error("$id or $schema left in the document")
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Required   []string       `json:"required"`
						Properties map[string]any `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	body := doc.Paths["/x/{id}/do"]["post"].RequestBody.Content["application/json"].Schema
	if _, ok := body.Properties["id"]; ok || len(body.Required) != 1 || body.Required[0] != "to" {
		t.Errorf("path parameter id still in the body: required %v, properties %v", body.Required, body.Properties)
	}
}

func TestOpenAPIRejectsUnsupportedRefs(t *testing.T) {
	tests := map[string]string{
		"outside":   `{"properties":{"a":{"$ref":"https://example.com/a.json"}}}`,
		"anchor":    `{"properties":{"a":{"$ref":"#thing"}}}`,
		"escape":    `{"properties":{"a":{"$ref":"../../etc/x.json"}}}`,
		"nested id": `{"properties":{"a":{"$id":"inner.json"}}}`,
		"missing":   `{"properties":{"a":{"$ref":"nope.json"}}}`,
	}
	for name, schema := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"commands/x.json": {Data: []byte(schema)}}
			catalog := []Spec{{Name: "x", Method: http.MethodPost, Path: "/x", Schema: "commands/x.json"}}
			if _, err := openAPI(fsys, catalog, "t"); err == nil {
				t.Error("accepted")
			}
		})
	}
}

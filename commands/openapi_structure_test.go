package commands_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// oasSchemaFile is the OpenAPI Initiative's published JSON Schema of
// OpenAPI 3.1 documents (https://spec.openapis.org/oas/3.1/schema/2022-10-07),
// kept as test data: it checks every object of the document (paths,
// operations, parameters, request bodies, media types, encodings,
// responses, components) but not the JSON Schemas inside, which
// TestOpenAPISchemaObjectsCompile compiles.
const oasSchemaFile = "oas-3.1-schema.json"

func oasSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", oasSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	meta, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading %s: %v", oasSchemaFile, err)
	}
	c := jsonschema.NewCompiler()
	const id = "https://spec.openapis.org/oas/3.1/schema/2022-10-07"
	if err := c.AddResource(id, meta); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compiling the OpenAPI 3.1 schema: %v", err)
	}
	return sch
}

// TestOpenAPIDocumentIsOpenAPI31 validates the whole document against the
// OpenAPI 3.1 schema, and shows the check bites on documents that are not.
func TestOpenAPIDocumentIsOpenAPI31(t *testing.T) {
	sch := oasSchema(t)
	_, raw := openAPIDoc(t)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the document is not OpenAPI 3.1: %v", err)
	}
	broken := map[string]string{
		"no info":                 `{"openapi":"3.1.0","paths":{}}`,
		"misspelt media type key": `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{"requestBody":{"content":{"multipart/form-data":{"schemas":{}}}},"responses":{"200":{"description":"ok"}}}}}}`,
		"encoding not an object":  `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{"requestBody":{"content":{"multipart/form-data":{"encoding":{"f":"image/png"}}}},"responses":{"200":{"description":"ok"}}}}}}`,
		"path parameter optional": `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a/{id}":{"get":{"parameters":[{"name":"id","in":"path","schema":{}}],"responses":{"200":{"description":"ok"}}}}}}`,
		"response no description": `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{}}}}}}`,
	}
	for name, b := range broken {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(v) == nil {
			t.Errorf("%s: accepted as OpenAPI 3.1", name)
		}
	}
}

// TestOpenAPISchemaObjectsCompile compiles every Schema Object of the
// document as JSON Schema 2020-12 (the document's jsonSchemaDialect): the
// components and the inline schemas of parameters, bodies, form fields and
// responses alike.
func TestOpenAPISchemaObjectsCompile(t *testing.T) {
	doc, _ := openAPIDoc(t)
	const base = "https://openapi.test/openapi.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(base, doc); err != nil {
		t.Fatal(err)
	}
	var pointers []string
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch v := v.(type) {
		case map[string]any:
			for k, sub := range v {
				p := ptr + "/" + url.PathEscape(strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
				if k == "schema" || strings.HasPrefix(ptr, "/components/schemas") && !strings.Contains(strings.TrimPrefix(ptr, "/components/schemas"), "/") {
					pointers = append(pointers, p)
					continue
				}
				walk(sub, p)
			}
		case []any:
			for i, sub := range v {
				walk(sub, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "")
	forms := 0
	for _, p := range pointers {
		forms += strings.Count(p, "multipart~1form-data")
		if _, err := c.Compile(base + "#" + p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if len(pointers) < 100 || forms == 0 {
		t.Fatalf("found %d schemas (%d forms); the walk is broken", len(pointers), forms)
	}
}

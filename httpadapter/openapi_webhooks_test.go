package httpadapter_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/webhooks"
)

// The OpenAPI document names every field GET /webhooks/{id} answers with,
// its status's included: a field the view gains is documented with it.
func TestOpenAPIWebhookViewHasEveryField(t *testing.T) {
	raw, err := commands.OpenAPI("test")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						AllOf []struct {
							Properties struct {
								Data struct {
									Properties map[string]struct {
										Properties map[string]any `json:"properties"`
									} `json:"properties"`
								} `json:"data"`
							} `json:"properties"`
						} `json:"allOf"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	schema := doc.Paths["/webhooks/{id}"]["get"].Responses["200"].Content["application/json"].Schema
	if len(schema.AllOf) < 2 {
		t.Fatalf("GET /webhooks/{id} has no data schema")
	}
	props := schema.AllOf[1].Properties.Data.Properties
	for _, name := range jsonFields(reflect.TypeFor[webhooks.View]()) {
		if _, ok := props[name]; !ok {
			t.Errorf("the view's field %q is not documented", name)
		}
	}
	status := props["status"].Properties
	for _, name := range jsonFields(reflect.TypeFor[webhooks.Status]()) {
		if _, ok := status[name]; !ok {
			t.Errorf("the status's field %q is not documented", name)
		}
	}
}

// jsonFields are the JSON names of t's fields, embedded structs' included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" && f.IsExported() {
			out = append(out, name)
		}
	}
	return out
}

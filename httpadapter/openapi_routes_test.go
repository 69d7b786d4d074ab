package httpadapter_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/schemas"
)

// catalogRoutes are the catalog's REST routes with their schemas' field
// types, as serve builds them.
func catalogRoutes(t *testing.T) []httpadapter.Route {
	t.Helper()
	var out []httpadapter.Route
	for _, s := range commands.Catalog() {
		if s.Method == "" || s.Path == "" {
			continue
		}
		raw, err := fs.ReadFile(schemas.FS(), s.Schema)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Properties map[string]struct {
				Type any `json:"type"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", s.Schema, err)
		}
		fields := map[string]string{}
		for name, p := range doc.Properties {
			fields[name], _ = p.Type.(string)
		}
		out = append(out, httpadapter.Route{Name: s.Name, Method: s.Method, Path: s.Path, Fields: fields})
	}
	return out
}

// TestOpenAPIListsEveryRoute compares the routes the adapter registers,
// with every optional part configured (events, media, webhooks, sandbox,
// both API documents), with the operations of the OpenAPI document: each
// route is documented, each operation is served, and each path parameter
// is declared.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	openapi, err := commands.OpenAPI("t")
	if err != nil {
		t.Fatal(err)
	}
	asyncapi, err := commands.AsyncAPI("t")
	if err != nil {
		t.Fatal(err)
	}
	h, err := httpadapter.New(httpadapter.Config{
		Routes: catalogRoutes(t), Bus: noBus{}, Log: discard(),
		OpenAPI: openapi, AsyncAPI: asyncapi,
		Events:   newMemLog(0),
		Media:    &httpadapter.MediaConfig{Store: &memStore{objects: map[string][]byte{}}},
		Webhooks: &fakeHooks{},
		Sandbox:  &fakeSandbox{},
		Metrics:  http.NotFoundHandler(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]docParam `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi, &doc); err != nil {
		t.Fatal(err)
	}
	ginParam := regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	served := map[string]bool{}
	for _, r := range h.(*gin.Engine).Routes() {
		p := ginParam.ReplaceAllString(r.Path, "{$1}")
		key := strings.ToLower(r.Method) + " " + p
		served[key] = true
		raw, ok := doc.Paths[p][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is served but not in the OpenAPI document", r.Method, r.Path)
			continue
		}
		checkOperation(t, key, raw, ginParam.FindAllStringSubmatch(r.Path, -1), doc.Components.Parameters)
	}
	for p, item := range doc.Paths {
		for m := range item {
			if !served[m+" "+p] {
				t.Errorf("the OpenAPI document lists %s %s, which the adapter does not serve", strings.ToUpper(m), p)
			}
		}
	}
	checkUploads(t, catalogRoutes(t), doc.Paths)
	if len(served) < 60 {
		t.Fatalf("only %d routes registered; is a part missing from the config?", len(served))
	}
}

type docParam struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

// checkOperation asserts an operation's path parameters are declared and
// that it documents a success and a failure.
func checkOperation(t *testing.T, key string, raw json.RawMessage, pathParams [][]string, shared map[string]docParam) {
	t.Helper()
	var op struct {
		OperationID string                     `json:"operationId"`
		Parameters  []docParam                 `json:"parameters"`
		Responses   map[string]json.RawMessage `json:"responses"`
	}
	if err := json.Unmarshal(raw, &op); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	declared := map[string]bool{}
	for _, p := range op.Parameters {
		if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
			p = shared[name]
		}
		if p.In == "path" && p.Required {
			declared[p.Name] = true
		}
	}
	for _, m := range pathParams {
		if !declared[m[1]] {
			t.Errorf("%s: path parameter %s is not declared (required, in path)", key, m[1])
		}
	}
	if op.OperationID == "" {
		t.Errorf("%s has no operationId", key)
	}
	if !slices.ContainsFunc(keys(op.Responses), func(s string) bool { return s[0] == '2' }) {
		t.Errorf("%s documents no success response: %v", key, keys(op.Responses))
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkUploads: a route the adapter takes multipart/form-data on (a field
// named like a media kind) documents that body, and no other route does.
func checkUploads(t *testing.T, routes []httpadapter.Route, paths map[string]map[string]json.RawMessage) {
	t.Helper()
	ginParam := regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	uploads := 0
	for _, r := range routes {
		takes := slices.ContainsFunc(keys(r.Fields), func(f string) bool { return media.Kind(f).Valid() })
		var op struct {
			RequestBody struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"requestBody"`
		}
		if err := json.Unmarshal(paths[ginParam.ReplaceAllString(r.Path, "{$1}")][strings.ToLower(r.Method)], &op); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		_, documented := op.RequestBody.Content["multipart/form-data"]
		if takes != documented {
			t.Errorf("%s: takes uploads %v, documents multipart/form-data %v", r.Name, takes, documented)
		}
		if takes {
			uploads++
		}
	}
	if uploads == 0 {
		t.Error("no route takes uploads; the catalog's media commands are missing")
	}
}

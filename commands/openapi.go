package commands

import (
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"github.com/wabridge/wabridge/schemas"
)

// OpenAPI returns the OpenAPI 3.1 document of the REST API as indented JSON:
// one operation per Catalog entry (its schema embedded under
// components/schemas), plus the health, sandbox and /openapi.json routes the
// REST adapter serves besides commands. The output is deterministic, so it
// can be served, diffed and committed as is. version becomes info.version.
func OpenAPI(version string) ([]byte, error) {
	return openAPI(schemas.FS(), Catalog(), version)
}

func openAPI(fsys fs.FS, catalog []Spec, version string) ([]byte, error) {
	if err := needVersion("OpenAPI", version); err != nil {
		return nil, err
	}
	b := &apiBuilder{embed: schemaEmbedder{fsys: fsys, schemas: obj{}}, paths: obj{}}
	for _, s := range catalog {
		if s.Method == "" || s.Path == "" {
			continue // not served over REST
		}
		if err := b.addCommand(s); err != nil {
			return nil, fmt.Errorf("building the OpenAPI operation of %s: %w", s.Name, err)
		}
	}
	for _, op := range staticOperations() {
		if err := b.add(op.method, op.path, op.op); err != nil {
			return nil, fmt.Errorf("building the OpenAPI document: %w", err)
		}
	}
	return encodeDocument("OpenAPI", b.document(version))
}

type apiBuilder struct {
	embed schemaEmbedder
	paths obj // OpenAPI path → method → operation
}

func (b *apiBuilder) document(version string) obj {
	return obj{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
		"info": obj{
			"title":   "wabridge REST API",
			"version": version,
			"description": "Every command is also a CloudEvent (type in x-cloudevent-type) accepted over NATS; " +
				"REST and NATS callers receive the same envelope. Credentials are needed only when the " +
				"bridge is configured with bearer tokens or basic-auth users.",
		},
		"tags":     tags(b.paths),
		"paths":    b.paths,
		"security": []any{obj{"bearer": []any{}}, obj{"basic": []any{}}, obj{}},
		"components": obj{
			"schemas":    b.embed.withEnvelope(),
			"parameters": commonParameters(),
			"responses":  errorResponses(),
			"securitySchemes": obj{
				"bearer": obj{"type": "http", "scheme": "bearer"},
				"basic":  obj{"type": "http", "scheme": "basic"},
			},
		},
	}
}

// add places op at method path, refusing a second operation there (Gin would
// refuse the route too).
func (b *apiBuilder) add(method, path string, op obj) error {
	item, _ := b.paths[path].(obj)
	if item == nil {
		item = obj{}
		b.paths[path] = item
	}
	if err := put(item, "operation", strings.ToLower(method), op); err != nil {
		return fmt.Errorf("at %s: %w", path, err)
	}
	return nil
}

func (b *apiBuilder) addCommand(s Spec) error {
	key, schema, err := b.embed.command(s.Schema)
	if err != nil {
		return err
	}
	oaPath, pathParams := openAPIPath(s.Path)
	props, _ := schema["properties"].(obj)
	required := requiredSet(schema)

	params := []any{ref("#/components/parameters/Session"), ref("#/components/parameters/SessionQuery"),
		ref("#/components/parameters/IdempotencyKey"), ref("#/components/parameters/CorrelationId"),
		ref("#/components/parameters/RequestId")}
	for _, name := range pathParams {
		params = append(params, obj{"name": name, "in": "path", "required": true, "schema": stringSchema(props[name])})
	}
	op := obj{
		"operationId":       s.Name,
		"summary":           summaryOf(schema, s.Name),
		"tags":              []any{tagOf(s.Name)},
		"x-cloudevent-type": TypeOf(s.Name),
		"responses":         commandResponses(s.Method),
	}
	if d, ok := schema["description"].(string); ok {
		op["description"] = d
	}
	if s.Name == loginPageCommand {
		withLoginPage(op["responses"].(obj))
	}
	switch s.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		// The adapter sends every query value as a string; the command's
		// schema decides whether that string is acceptable.
		for _, name := range sortedKeys(props) {
			if name == "session" || slices.Contains(pathParams, name) {
				continue
			}
			p := obj{"name": name, "in": "query", "required": required[name], "schema": stringSchema(props[name])}
			if d, ok := descriptionOf(props[name]); ok {
				p["description"] = d
			}
			params = append(params, p)
		}
	default:
		op["requestBody"] = requestBody(key, schema, pathParams)
	}
	op["parameters"] = params
	return b.add(s.Method, oaPath, op)
}

// requestBody documents a JSON body, and a form for commands taking media
// (multipartForm). Path parameters become fields of the
// command data (and win over the body), so they are not asked for twice.
func requestBody(key string, schema obj, pathParams []string) obj {
	var body any = ref(componentSchemas + key)
	if len(pathParams) > 0 {
		trimmed := make(obj, len(schema))
		for k, v := range schema {
			trimmed[k] = v
		}
		if props, ok := schema["properties"].(obj); ok {
			kept := obj{}
			for k, v := range props {
				if !slices.Contains(pathParams, k) {
					kept[k] = v
				}
			}
			trimmed["properties"] = kept
		}
		var req []any
		for _, r := range schemaRequired(schema) {
			if !slices.Contains(pathParams, r) {
				req = append(req, r)
			}
		}
		trimmed["required"] = req
		if len(req) == 0 {
			delete(trimmed, "required")
		}
		body = trimmed
	}
	// An empty or absent body is an empty object, so it is optional unless
	// the command requires a field.
	hasRequired := false
	for _, r := range schemaRequired(schema) {
		hasRequired = hasRequired || !slices.Contains(pathParams, r)
	}
	rb := obj{"required": hasRequired, "content": obj{"application/json": obj{"schema": body}}}
	if form, ok := multipartForm(schema, pathParams); ok {
		rb["content"].(obj)[multipartFormData] = form
		rb["description"] = uploadDescription(mediaFields(schema))
	}
	return rb
}

// openAPIPath turns a Gin path into an OpenAPI one and lists its parameters:
// "/chat/:jid/messages" → "/chat/{jid}/messages", ["jid"].
func openAPIPath(ginPath string) (string, []string) {
	parts := strings.Split(ginPath, "/")
	var params []string
	for i, p := range parts {
		if len(p) > 1 && (p[0] == ':' || p[0] == '*') {
			params = append(params, p[1:])
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/"), params
}

// stringSchema is the schema of a value that arrives as a string (query or
// path): the property's own schema when it is a string, else any string.
func stringSchema(prop any) obj {
	p, ok := prop.(obj)
	if !ok || p["type"] != "string" {
		return obj{"type": "string"}
	}
	out := obj{}
	for k, v := range p {
		if k != "description" {
			out[k] = v
		}
	}
	return out
}

func schemaRequired(schema obj) []string {
	var out []string
	list, _ := schema["required"].([]any)
	for _, r := range list {
		if s, ok := r.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func requiredSet(schema obj) map[string]bool {
	set := map[string]bool{}
	for _, r := range schemaRequired(schema) {
		set[r] = true
	}
	return set
}

// summaryOf is the first sentence of the schema's description.
func summaryOf(schema obj, name string) string {
	d, _ := schema["description"].(string)
	if first, _, ok := strings.Cut(d, ". "); ok {
		return first + "."
	}
	if d == "" {
		return name
	}
	return d
}

// tagOf groups commands by the first part of their name: "send.message" → "send".
func tagOf(name string) string {
	tag, _, _ := strings.Cut(name, ".")
	return tag
}

func tags(paths obj) []any {
	seen := map[string]bool{}
	for _, item := range paths {
		for _, op := range item.(obj) {
			for _, t := range op.(obj)["tags"].([]any) {
				seen[t.(string)] = true
			}
		}
	}
	var out []any
	for _, t := range sortedKeys(seen) {
		out = append(out, obj{"name": t})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func descriptionOf(schema any) (string, bool) {
	s, _ := schema.(obj)
	d, ok := s["description"].(string)
	return d, ok
}

func ref(to string) obj { return obj{"$ref": to} }

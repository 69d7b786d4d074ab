package commands

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/wabridge/wabridge/schemas"
)

// obj is a JSON object of the OpenAPI document under construction;
// encoding/json writes map keys sorted, which makes the output deterministic.
type obj = map[string]any

const componentSchemas = "#/components/schemas/"

// componentName is what OpenAPI 3.1 allows as a key under components.
var componentName = regexp.MustCompile(`^[a-zA-Z0-9.\-_]+$`)

// schemaEmbedder copies JSON Schema files into components/schemas, rewriting
// them so the OpenAPI document stands alone: $id and $schema go (the
// document's jsonSchemaDialect is 2020-12), and every $ref, local or to
// another file, becomes a pointer into the document.
type schemaEmbedder struct {
	fsys    fs.FS
	schemas obj // component name → schema
}

// command embeds a command's schema file and returns its component name
// and the embedded schema, which both documents describe the command by.
func (e *schemaEmbedder) command(p string) (string, obj, error) {
	key, err := e.component(p)
	if err != nil {
		return "", nil, err
	}
	return key, e.schemas[key].(obj), nil
}

// withEnvelope is the components/schemas of a document: the embedded
// files and the response envelope both documents refer to.
func (e *schemaEmbedder) withEnvelope() obj {
	e.schemas["Envelope"] = envelopeSchema()
	return e.schemas
}

// encodeDocument is the indented, newline-terminated JSON both documents
// are served and committed as; what names the document in errors.
func encodeDocument(what string, doc obj) ([]byte, error) {
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the %s document: %w", what, err)
	}
	return append(out, '\n'), nil
}

// needVersion refuses an empty info.version.
func needVersion(what, version string) error {
	if version == "" {
		return fmt.Errorf("building the %s document: version is required (info.version)", what)
	}
	return nil
}

// componentKey names the component of a schema file:
// "commands/send.message.json" → "commands.send.message".
func componentKey(p string) (string, error) {
	key := strings.ReplaceAll(strings.TrimSuffix(p, ".json"), "/", ".")
	if !componentName.MatchString(key) {
		return "", fmt.Errorf("schema %s cannot be named as an OpenAPI component", p)
	}
	return key, nil
}

// component embeds the schema file at p (and every file it refers to) and
// returns its component name.
func (e *schemaEmbedder) component(p string) (string, error) {
	key, err := componentKey(p)
	if err != nil {
		return "", err
	}
	if _, done := e.schemas[key]; done {
		return key, nil
	}
	raw, err := fs.ReadFile(e.fsys, p)
	if err != nil {
		return "", fmt.Errorf("reading schema %s: %w", p, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // limits such as maxLength are copied exactly
	var doc obj
	if err := dec.Decode(&doc); err != nil {
		return "", fmt.Errorf("decoding schema %s: %w", p, err)
	}
	delete(doc, "$id")
	delete(doc, "$schema")
	// Registered before the walk, so files referring to each other end.
	e.schemas[key] = doc
	if err := e.rewrite(doc, p, key); err != nil {
		return "", fmt.Errorf("embedding schema %s: %w", p, err)
	}
	return key, nil
}

// dataKeywords hold instance data, not subschemas: a "$ref" inside them is
// a value, not a reference.
var dataKeywords = map[string]bool{"const": true, "enum": true, "default": true, "examples": true}

// rewrite walks one schema (from file p, embedded as key) and fixes its
// references in place.
func (e *schemaEmbedder) rewrite(v any, p, key string) error {
	switch v := v.(type) {
	case obj:
		for _, kw := range []string{"$id", "$anchor", "$dynamicAnchor", "$dynamicRef"} {
			// Nested resources and anchors would need a base URI the
			// document does not have; no schema uses them so far.
			if _, ok := v[kw]; ok {
				return fmt.Errorf("%s inside a schema is not supported in the OpenAPI document", kw)
			}
		}
		for k, sub := range v {
			if k == "$ref" {
				ref, ok := sub.(string)
				if !ok {
					return fmt.Errorf("$ref is not a string")
				}
				to, err := e.resolve(ref, p, key)
				if err != nil {
					return err
				}
				v[k] = to
				continue
			}
			if dataKeywords[k] {
				continue
			}
			if err := e.rewrite(sub, p, key); err != nil {
				return err
			}
		}
	case []any:
		for _, sub := range v {
			if err := e.rewrite(sub, p, key); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve turns a $ref written in file p into a pointer into the document.
func (e *schemaEmbedder) resolve(ref, p, key string) (string, error) {
	file, frag, _ := strings.Cut(ref, "#")
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return "", fmt.Errorf("$ref %q: only JSON pointer fragments are supported", ref)
	}
	if file == "" {
		return componentSchemas + key + frag, nil
	}
	target, ok := strings.CutPrefix(file, schemas.BaseURL)
	switch {
	case ok:
	case strings.Contains(file, ":"):
		return "", fmt.Errorf("$ref %q points outside the embedded schemas", ref)
	default:
		target = path.Join(path.Dir(p), file)
	}
	if !fs.ValidPath(target) {
		return "", fmt.Errorf("$ref %q leaves the embedded schemas", ref)
	}
	to, err := e.component(target)
	if err != nil {
		return "", err
	}
	return componentSchemas + to + frag, nil
}

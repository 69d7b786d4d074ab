// Package jsonyaml converts a JSON document to YAML: the form the bridge
// serves and commits its AsyncAPI document in. Keys keep the document's
// order, each scalar keeps its JSON type (so strings such as "1.0", "true"
// or "~" come out quoted), and the YAML is block style, two spaces deep.
package jsonyaml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// Convert converts a JSON document to YAML with its keys in the
// document's order (a generic map would sort them, and people read these
// documents top-down: info, then channels, then operations).
func Convert(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	root, err := yamlNode(dec)
	if err != nil {
		return nil, fmt.Errorf("converting JSON to YAML: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("converting JSON to YAML: more than one JSON value")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// yamlNode reads one JSON value from dec as a YAML node. Scalars keep their
// JSON type as tag, so the encoder quotes strings like "1.0" or "true".
func yamlNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		return yamlCollection(dec, v)
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}, nil
	case json.Number:
		tag, val := "!!int", string(v)
		switch {
		case val == "-0":
			// JSON readers keep the sign of -0; YAML reads "-0" as the int 0.
			tag, val = "!!float", "-0.0"
		case strings.ContainsAny(val, ".eE"):
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: val}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func yamlCollection(dec *json.Decoder, open json.Delim) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if open == '{' {
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	// YAML forbids a repeated key; JSON readers keep the last value, so the
	// YAML keeps that one, at the key's first place.
	seen := map[string]int{}
	for dec.More() {
		var name string
		if n.Kind == yaml.MappingNode {
			key, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var ok bool
			if name, ok = key.(string); !ok {
				return nil, fmt.Errorf("object key %v is not a string", key)
			}
		}
		v, err := yamlNode(dec)
		if err != nil {
			return nil, err
		}
		if n.Kind == yaml.SequenceNode {
			n.Content = append(n.Content, v)
			continue
		}
		if i, dup := seen[name]; dup {
			n.Content[i] = v
			continue
		}
		seen[name] = len(n.Content) + 1
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, v)
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return nil, err
	}
	if len(n.Content) == 0 {
		n.Style = yaml.FlowStyle // {} and [] rather than nothing
	}
	return n, nil
}

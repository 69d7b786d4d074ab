package commands_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wabridge/wabridge/commands"
)

// TestAsyncAPIDescribesEveryCommand keeps schemas/asyncapi.yaml in step with
// the catalog: every command is a channel parameter value and a message, and
// every schema it points at exists.
func TestAsyncAPIDescribesEveryCommand(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "schemas", "asyncapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AsyncAPI   string `yaml:"asyncapi"`
		Components struct {
			Parameters map[string]struct {
				Enum []string `yaml:"enum"`
			} `yaml:"parameters"`
			Messages map[string]struct {
				Name string `yaml:"name"`
			} `yaml:"messages"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("asyncapi.yaml: %v", err)
	}
	if doc.AsyncAPI != "3.0.0" {
		t.Fatalf("asyncapi version %q", doc.AsyncAPI)
	}
	names := map[string]bool{}
	for _, m := range doc.Components.Messages {
		names[m.Name] = true
	}
	for _, spec := range commands.Catalog() {
		if !slices.Contains(doc.Components.Parameters["command"].Enum, spec.Name) {
			t.Errorf("command %s is missing from the command parameter enum", spec.Name)
		}
		if !names[commands.TypeOf(spec.Name)] {
			t.Errorf("command %s has no message", spec.Name)
		}
	}
	var refs []string
	collectRefs(t, raw, &refs)
	if len(refs) < len(commands.Catalog()) {
		t.Fatalf("found only %d $refs", len(refs))
	}
	for _, ref := range refs {
		if strings.HasPrefix(ref, "#") {
			continue
		}
		if _, err := os.Stat(filepath.Join("..", "schemas", ref)); err != nil {
			t.Errorf("asyncapi.yaml points at %s: %v", ref, err)
		}
	}
}

func collectRefs(t *testing.T, raw []byte, out *[]string) {
	t.Helper()
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i++ {
			if n.Kind == yaml.MappingNode && i%2 == 0 && n.Content[i].Value == "$ref" {
				*out = append(*out, n.Content[i+1].Value)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&node)
}

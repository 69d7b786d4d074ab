package commands_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// werrCodes are the string constants named Code... in internal/werr: the
// stable codes commands answer with.
func werrCodes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "internal", "werr", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "Code") || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					code, _ := strconv.Unquote(lit.Value)
					out = append(out, code)
				}
			}
			return true
		})
	}
	return out
}

// TestOpenAPIListsEveryWerrCode: a code that commands can answer with is
// in the envelope's enum (and so, by TestOpenAPICodesMatchREADME, in the
// README's error table).
func TestOpenAPIListsEveryWerrCode(t *testing.T) {
	doc, _ := openAPIDoc(t)
	env := doc["components"].(map[string]any)["schemas"].(map[string]any)["Envelope"].(map[string]any)
	var enum []string
	for _, c := range env["properties"].(map[string]any)["code"].(map[string]any)["enum"].([]any) {
		enum = append(enum, c.(string))
	}
	codes := werrCodes(t)
	if len(codes) < 20 {
		t.Fatalf("found %d codes in internal/werr; the parse is broken", len(codes))
	}
	for _, c := range codes {
		if !slices.Contains(enum, c) {
			t.Errorf("%s is missing from the OpenAPI code enum (and the README's error table)", c)
		}
	}
}

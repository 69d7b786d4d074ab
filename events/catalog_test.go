package events_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/schemas"
)

func TestCatalogEntriesAreComplete(t *testing.T) {
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range events.Catalog() {
		if seen[s.Type] {
			t.Errorf("%s is catalogued twice", s.Type)
		}
		seen[s.Type] = true
		if !strings.HasPrefix(s.Type, events.TypePrefix) {
			t.Errorf("%s does not start with %s", s.Type, events.TypePrefix)
		}
		// Users find a type's schema by its name (schemas/events/README.md).
		if want := "events/" + s.Name() + ".json"; s.Schema != want {
			t.Errorf("%s: schema %s, want %s", s.Type, s.Schema, want)
		}
		if !set.Has(s.Schema) {
			t.Errorf("%s: no schema %s", s.Type, s.Schema)
		}
		if s.Sample == nil || s.Summary == "" || s.Description == "" {
			t.Errorf("%s: sample, summary and description are all required", s.Type)
		}
		if got, ok := events.Lookup(s.Type); !ok || got.Type != s.Type {
			t.Errorf("Lookup(%s) = %v, %v", s.Type, got.Type, ok)
		}
	}
	if _, ok := events.Lookup(events.TypePrefix + "nope"); ok {
		t.Error("Lookup found an uncatalogued type")
	}
}

// TestEveryTypeConstantIsCatalogued reads the package's Type* constants from
// its source, so a type declared but left out of the catalog fails here.
func TestEveryTypeConstantIsCatalogued(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok || len(vs.Values) != len(vs.Names) {
					return true
				}
				for i, name := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || !strings.HasPrefix(name.Name, "Type") || lit.Kind != token.STRING {
						continue
					}
					typ, _ := strconv.Unquote(lit.Value)
					if typ == events.TypePrefix || !strings.HasPrefix(typ, events.TypePrefix) {
						continue
					}
					found++
					if _, ok := events.Lookup(typ); !ok {
						t.Errorf("%s = %q is not in the catalog", name.Name, typ)
					}
				}
				return true
			})
		}
	}
	if found != len(events.Catalog()) {
		t.Errorf("found %d type constants, catalog has %d entries", found, len(events.Catalog()))
	}
}

func TestCatalogSamplesValidate(t *testing.T) {
	for _, s := range events.Catalog() {
		t.Run(s.Name(), func(t *testing.T) {
			e := s.SampleEvent()
			if err := events.Validate(e); err != nil {
				t.Fatalf("sample: %v", err)
			}
			ce, err := events.NewCloudEvent(e)
			if err != nil {
				t.Fatal(err)
			}
			if err := events.ValidateCloudEvent(ce); err != nil {
				t.Fatalf("sample as cloudevent: %v", err)
			}
		})
	}
}

// TestCatalogSamplesSetEveryField: across the samples of one data struct,
// every field is set somewhere, so a field added to a struct but not to its
// schema (additionalProperties: false) fails the sample's validation.
func TestCatalogSamplesSetEveryField(t *testing.T) {
	set := map[reflect.Type][]bool{}
	samples := []any{}
	for _, s := range events.Catalog() {
		samples = append(samples, s.Sample)
	}
	for _, m := range events.MessageKindSamples() {
		samples = append(samples, m) // validated by TestMessageKindSamplesValidate
	}
	for _, sample := range samples {
		v := reflect.ValueOf(sample)
		if v.Kind() != reflect.Struct {
			t.Fatalf("sample %T is a %v, want a struct", sample, v.Kind())
		}
		fields := set[v.Type()]
		if fields == nil {
			fields = make([]bool, v.NumField())
			set[v.Type()] = fields
		}
		for i := range v.NumField() {
			fields[i] = fields[i] || !v.Field(i).IsZero() || v.Field(i).Kind() == reflect.Bool
		}
	}
	for typ, fields := range set {
		for i, ok := range fields {
			if !ok {
				t.Errorf("no sample of %v sets %s", typ, typ.Field(i).Name)
			}
		}
	}
}

// TestEverySchemaIsUsed: each file under schemas/events/ is a type's schema
// or a shape such a schema refers to; an orphan documents nothing.
func TestEverySchemaIsUsed(t *testing.T) {
	used := map[string]bool{}
	for _, s := range events.Catalog() {
		used[s.Schema] = true
		raw, err := fs.ReadFile(schemas.FS(), s.Schema)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range strings.Split(string(raw), `"$ref": "`)[1:] {
			ref, _, _ := strings.Cut(m, `"`)
			if file, _, _ := strings.Cut(ref, "#"); file != "" {
				used[path.Join(path.Dir(s.Schema), file)] = true
			}
		}
	}
	files, err := fs.Glob(schemas.FS(), "events/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !used[f] {
			t.Errorf("%s is neither a catalogued type's schema nor referred to by one", f)
		}
	}
}

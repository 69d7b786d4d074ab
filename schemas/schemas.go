package schemas

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// BaseURL is the URL the documents are published under; a schema's $id is
// BaseURL + its path (e.g. BaseURL + "commands/send.message.json"), so
// relative $refs between the files resolve inside the embedded set.
const BaseURL = "https://wabridge.io/schemas/"

// The directories are embedded whole (not by *.json) so that a directory
// holding no schema yet still builds; Load compiles only the .json files.
//
//go:embed commands events asyncapi.yaml
var files embed.FS

// FS returns the embedded schema documents, rooted so that paths read
// "commands/send.message.json".
func FS() fs.FS { return files }

// Set holds every embedded schema, compiled once. It is safe for concurrent
// use: compiled schemas are read-only.
type Set struct {
	compiled map[string]*jsonschema.Schema
}

// Load compiles every .json document of FS into a Set. A schema that does
// not compile is an error: the binary would otherwise accept input it
// documents as invalid, or the reverse.
func Load() (*Set, error) {
	return LoadFS(files)
}

// LoadFS compiles every .json document of fsys; Load uses the embedded files.
func LoadFS(fsys fs.FS) (*Set, error) {
	paths, err := schemaPaths(fsys)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(fsLoader{fsys: fsys})
	set := &Set{compiled: make(map[string]*jsonschema.Schema, len(paths))}
	for _, p := range paths {
		sch, err := c.Compile(BaseURL + p)
		if err != nil {
			return nil, fmt.Errorf("compiling schema %s: %w", p, err)
		}
		set.compiled[p] = sch
	}
	return set, nil
}

// Paths lists the compiled schemas, sorted.
func (s *Set) Paths() []string {
	out := make([]string, 0, len(s.compiled))
	for p := range s.compiled {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Has reports whether the set holds the schema at path.
func (s *Set) Has(path string) bool {
	_, ok := s.compiled[path]
	return ok
}

func schemaPaths(fsys fs.FS) ([]string, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && path.Ext(p) == ".json" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing schema files: %w", err)
	}
	return paths, nil
}

// fsLoader resolves BaseURL-relative URLs from the embedded files, so no
// schema is ever fetched over the network.
type fsLoader struct {
	fsys fs.FS
}

var _ jsonschema.URLLoader = fsLoader{}

func (l fsLoader) Load(url string) (any, error) {
	p, ok := strings.CutPrefix(url, BaseURL)
	if !ok {
		return nil, fmt.Errorf("schema %s is outside %s", url, BaseURL)
	}
	f, err := l.fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("opening schema %s: %w", p, err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("decoding schema %s: %w", p, err)
	}
	return doc, nil
}

package archtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pkg is what `go list -json` says about one package of the module.
type pkg struct {
	ImportPath   string
	Dir          string
	GoFiles      []string
	TestGoFiles  []string
	XTestGoFiles []string
	Imports      []string // direct, production code
	TestImports  []string // direct, in-package tests
	XTestImports []string // direct, external tests
	Deps         []string // transitive, production code
	Error        *struct{ Err string }
}

// scope says which imports of a package a rule looks at.
type scope int

const (
	withTests  scope = iota // what the package's files import, tests included
	production              // what its production files import
	transitive              // everything its production code depends on
)

// rule is one line of DESIGN.md's import table, as a check: the packages
// it constrains (module-relative) must not have a forbidden import in scope.
type rule struct {
	name      string
	applies   func(rel string) bool
	forbidden func(importPath, rel string) bool // rel is "" outside the module
	scope     scope
}

func under(prefixes ...string) func(string) bool {
	return func(rel string) bool {
		for _, p := range prefixes {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
		}
		return false
	}
}

func isWhatsmeow(path, _ string) bool {
	return path == "go.mau.fi/whatsmeow" || strings.HasPrefix(path, "go.mau.fi/whatsmeow/")
}

func rules() []rule {
	whatsmeowAllowed := func(rel string) bool { return rel == "bridge" || rel == "bridge/sandbox" }
	return []rule{
		{"only bridge and bridge/sandbox import whatsmeow", func(rel string) bool { return !whatsmeowAllowed(rel) },
			isWhatsmeow, withTests},
		{"events, schemas and internal packages do not depend on whatsmeow at all", under("events", "schemas", "internal"),
			isWhatsmeow, transitive},
		{"package events (the catalog and types) carries no NATS", func(rel string) bool { return rel == "events" },
			func(path, _ string) bool { return strings.HasPrefix(path, "github.com/nats-io/") }, transitive},
		{"commands does not depend on the REST adapter", under("commands"),
			func(_, rel string) bool { return under("httpadapter")(rel) }, transitive},
		{"the REST adapter does not depend on the bridge", under("httpadapter"),
			func(_, rel string) bool { return under("bridge")(rel) }, transitive},
		{"the bridge depends on event types only: not on commands, the REST adapter or the events subpackages", under("bridge"),
			func(_, rel string) bool {
				return under("commands", "httpadapter")(rel) || strings.HasPrefix(rel, "events/")
			}, transitive},
		{"internal packages import nothing of the project but internal packages", under("internal"),
			func(_, rel string) bool { return rel != "" && !under("internal")(rel) }, production},
		{"schemas imports nothing of the project", func(rel string) bool { return rel == "schemas" },
			func(_, rel string) bool { return rel != "" }, production},
	}
}

func TestImportTable(t *testing.T) {
	module, pkgs := listModule(t)
	rel := func(path string) string {
		if path == module {
			return "."
		}
		r, _ := strings.CutPrefix(path, module+"/")
		if r == path {
			return ""
		}
		return r
	}
	allImports := map[string]bool{}
	for _, p := range pkgs {
		for _, d := range slices.Concat(p.Deps, p.TestImports, p.XTestImports) {
			allImports[d] = true
		}
	}
	for _, r := range rules() {
		t.Run(r.name, func(t *testing.T) {
			applied, matcherHits := 0, 0
			for d := range allImports {
				if r.forbidden(d, rel(d)) {
					matcherHits++
				}
			}
			for _, p := range pkgs {
				if !r.applies(rel(p.ImportPath)) {
					continue
				}
				applied++
				var indirect []string
				for _, imp := range importsInScope(p, r.scope) {
					switch {
					case !r.forbidden(imp, rel(imp)):
					case r.scope == transitive && !slices.Contains(p.Imports, imp):
						indirect = append(indirect, imp)
					default:
						t.Errorf("%s imports %s%s", rel(p.ImportPath), imp, where(p, imp))
					}
				}
				if len(indirect) > 0 {
					t.Errorf("%s depends, through its imports, on %s", rel(p.ImportPath), strings.Join(indirect, ", "))
				}
			}
			// A rule that applies to nothing, or whose matcher matches no
			// import anywhere, would pass for the wrong reason.
			if applied == 0 || matcherHits == 0 {
				t.Fatalf("rule checks %d packages and matches %d imports of the module: the rule is broken", applied, matcherHits)
			}
		})
	}
}

func importsInScope(p pkg, s scope) []string {
	switch s {
	case withTests:
		return slices.Concat(p.Imports, p.TestImports, p.XTestImports)
	case production:
		return p.Imports
	}
	return p.Deps
}

// where names the files and lines of a direct import, so the report says
// what to change.
func where(p pkg, imp string) string {
	var at []string
	fset := token.NewFileSet()
	for _, name := range slices.Concat(p.GoFiles, p.TestGoFiles, p.XTestGoFiles) {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, spec := range f.Imports {
			if path, _ := strconv.Unquote(spec.Path.Value); path == imp {
				pos := fset.Position(spec.Pos())
				at = append(at, fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line))
			}
		}
	}
	if len(at) == 0 {
		return ""
	}
	return " at " + strings.Join(at, ", ")
}

// listModule runs `go list` over every package of the module this test
// belongs to. Packages that do not even parse fail the test: their imports
// would be unknown, and a rule checked on a partial graph proves nothing.
func listModule(t *testing.T) (string, []pkg) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	mod, err := exec.CommandContext(t.Context(), goBin, "list", "-m").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	module := strings.TrimSpace(string(mod))
	cmd := exec.CommandContext(t.Context(), goBin, "list", "-e",
		"-json=ImportPath,Dir,GoFiles,TestGoFiles,XTestGoFiles,Imports,TestImports,XTestImports,Deps,Error",
		module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		if p.Error != nil {
			t.Errorf("package %s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found %d packages of %s", len(pkgs), module)
	}
	return module, pkgs
}

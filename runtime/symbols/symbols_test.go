package symbols

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestTablesMatchSources fails when a helper package gained or lost an
// exported name and `go generate ./runtime/symbols` was not run.
func TestTablesMatchSources(t *testing.T) {
	for key, table := range Symbols {
		rel := strings.TrimPrefix(filepath.Dir(key), modulePrefix)
		fset := token.NewFileSet()
		paths, err := filepath.Glob(filepath.Join("..", rel, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			{
				for _, d := range f.Decls {
					switch d := d.(type) {
					case *ast.FuncDecl:
						if d.Recv == nil && d.Name.IsExported() {
							if _, ok := table[d.Name.Name]; !ok {
								t.Errorf("%s: %s is missing from the symbol table; run go generate ./runtime/symbols", key, d.Name.Name)
							}
						}
					case *ast.GenDecl:
						for _, s := range d.Specs {
							if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() {
								if _, ok := table[ts.Name.Name]; !ok {
									t.Errorf("%s: type %s is missing; run go generate ./runtime/symbols", key, ts.Name.Name)
								}
							}
						}
					}
				}
			}
		}
	}
	if _, ok := ShortPaths()["golab/display/display"]; !ok {
		t.Error(`"golab/display" is not importable by its short path`)
	}
}
